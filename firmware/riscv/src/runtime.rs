//! Entry and trap vector: the few instructions that must be assembly.
//!
//! Every hart enters `_start` (all at once in machine mode; the boot hart, then each hart
//! started through SBI HSM in supervisor mode, with its hart id in `a0`). It picks its stack
//! by hart id, installs the trap vector and calls `rust_start(hart_id, a1)`.
//!
//! The trap vector saves the caller-saved registers, calls `rust_trap`, restores them and
//! returns with `mret`/`sret`. The hardware cleared the interrupt-enable bit on entry, so the
//! handler runs masked, and the return restores the bit from its saved copy (MPIE/SPIE).

/// Emits `_start` and `trap_vector` for one register width and privilege mode.
macro_rules! runtime {
    ($store:literal, $load:literal, $size:literal, $tvec:literal, $ret:literal, $read_hart:literal) => {
        core::arch::global_asm!(concat!(
            ".section .text.entry, \"ax\"\n",
            ".global _start\n",
            "_start:\n",
            $read_hart,
            "\n",
            "    li t0, 8\n",
            "    bgeu a0, t0, 2f\n",
            "    la sp, __stacks_top\n",
            "    slli t0, a0, 14\n", // 16 KiB of stack per hart
            "    sub sp, sp, t0\n",
            "    la t0, trap_vector\n",
            "    csrw ",
            $tvec,
            ", t0\n",
            "    call rust_start\n",
            "2:  wfi\n",
            "    j 2b\n",
            ".text\n",
            ".balign 4\n",
            "trap_vector:\n",
            "    addi sp, sp, -16*",
            $size,
            "\n",
            "    ",
            $store,
            " ra, 0*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t0, 1*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t1, 2*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t2, 3*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a0, 4*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a1, 5*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a2, 6*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a3, 7*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a4, 8*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a5, 9*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a6, 10*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " a7, 11*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t3, 12*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t4, 13*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t5, 14*",
            $size,
            "(sp)\n",
            "    ",
            $store,
            " t6, 15*",
            $size,
            "(sp)\n",
            "    call rust_trap\n",
            "    ",
            $load,
            " ra, 0*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t0, 1*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t1, 2*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t2, 3*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a0, 4*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a1, 5*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a2, 6*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a3, 7*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a4, 8*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a5, 9*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a6, 10*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " a7, 11*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t3, 12*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t4, 13*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t5, 14*",
            $size,
            "(sp)\n",
            "    ",
            $load,
            " t6, 15*",
            $size,
            "(sp)\n",
            "    addi sp, sp, 16*",
            $size,
            "\n",
            "    ",
            $ret,
            "\n",
        ));
    };
}

#[cfg(all(target_arch = "riscv64", not(feature = "s-mode")))]
runtime!("sd", "ld", "8", "mtvec", "mret", "    csrr a0, mhartid");
#[cfg(all(target_arch = "riscv64", feature = "s-mode"))]
runtime!(
    "sd",
    "ld",
    "8",
    "stvec",
    "sret",
    "    // a0: hart id from SBI"
);
#[cfg(all(target_arch = "riscv32", not(feature = "s-mode")))]
runtime!("sw", "lw", "4", "mtvec", "mret", "    csrr a0, mhartid");
#[cfg(all(target_arch = "riscv32", feature = "s-mode"))]
runtime!(
    "sw",
    "lw",
    "4",
    "stvec",
    "sret",
    "    // a0: hart id from SBI"
);

unsafe extern "C" {
    static mut __bss_start: u8;
    static mut __bss_end: u8;
    /// The entry point, for SBI HSM `hart_start`.
    pub fn _start();
}

/// Zeroes `.bss`. Boot hart only, before any other hart runs Rust code.
///
/// # Safety
///
/// Nothing may have used a `.bss` static yet, and no other hart may be running Rust code.
pub unsafe fn zero_bss() {
    let start = &raw mut __bss_start;
    let end = &raw mut __bss_end;
    // SAFETY: the linker script delimits .bss with these symbols; the caller guarantees that
    // nothing uses it concurrently or has used it before.
    unsafe { core::ptr::write_bytes(start, 0, end as usize - start as usize) };
}
