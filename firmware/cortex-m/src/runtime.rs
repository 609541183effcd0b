//! Vector tables and reset: what cortex-m-rt would do, in the few lines this firmware needs,
//! plus a second table for the second core of a dual-core part.

core::arch::global_asm!(
    ".section .vector_table, \"a\"",
    ".word __stack0_top",
    ".word reset",
    ".word fault", // NMI
    ".word fault", // HardFault
    ".word fault", // MemManage (reserved on Armv6-M)
    ".word fault", // BusFault (reserved on Armv6-M)
    ".word fault", // UsageFault (reserved on Armv6-M)
    ".word fault", // SecureFault (reserved before Armv8-M)
    ".word 0",
    ".word 0",
    ".word 0",
    ".word fault", // SVCall
    ".word fault", // DebugMonitor
    ".word 0",
    ".word fault",   // PendSV
    ".word systick", // SysTick
    "",
    ".section .vector_table_core1, \"a\"",
    ".global __core1_vectors",
    "__core1_vectors:",
    ".word __stack1_top",
    ".word reset_core1",
    ".word fault",
    ".word fault",
    ".word fault",
    ".word fault",
    ".word fault",
    ".word fault",
    ".word 0",
    ".word 0",
    ".word 0",
    ".word fault",
    ".word fault",
    ".word 0",
    ".word fault",
    ".word systick",
);

unsafe extern "C" {
    static mut __data_start: u32;
    static mut __data_end: u32;
    static __data_load: u32;
    static mut __bss_start: u32;
    static mut __bss_end: u32;
    /// The second core's vector table (only used on dual-core boards).
    #[cfg_attr(not(feature = "board-an521"), allow(dead_code))]
    pub static __core1_vectors: u32;
}

/// Reset handler of core 0: initialises `.data` and `.bss`, then runs the firmware.
#[unsafe(no_mangle)]
extern "C" fn reset() -> ! {
    let data_start = &raw mut __data_start;
    let data_end = &raw mut __data_end;
    let data_load = &raw const __data_load;
    let bss_start = &raw mut __bss_start;
    let bss_end = &raw mut __bss_end;
    let data_len = data_end as usize - data_start as usize;
    let bss_len = bss_end as usize - bss_start as usize;
    // SAFETY: the linker script places .data's load image at `__data_load` and its run-time
    // location at `__data_start..__data_end`, and .bss at `__bss_start..__bss_end`; no Rust code
    // has used either yet, and no other core runs (core 1 waits in reset until released).
    unsafe {
        core::ptr::copy_nonoverlapping(data_load.cast::<u8>(), data_start.cast::<u8>(), data_len)
    };
    // SAFETY: as above.
    unsafe { core::ptr::write_bytes(bss_start.cast::<u8>(), 0, bss_len) };
    crate::main()
}

/// Reset handler of core 1: memory is already initialised by core 0.
#[unsafe(no_mangle)]
extern "C" fn reset_core1() -> ! {
    crate::core1_main()
}
