//! The hand-written minimum for each scenario: what an expert would write in assembly for the
//! same work, instruction by instruction. Core identity is the plain hardware id without range
//! checks (Aff0, mhartid, or none on a single-core part), so these are a floor, not a peer.
//!
//! `PERCORE_BENCH_CELLS[i]` is core `i`'s counter; `PERCORE_BENCH_REFCELLS[i]` is core `i`'s
//! `RefCell`: borrow flag in the first word (0: not borrowed), value in the second.

use crate::{Scenario, scenario};

#[unsafe(no_mangle)]
static mut PERCORE_BENCH_CELLS: [u64; 4] = [0; 4];
#[unsafe(no_mangle)]
static mut PERCORE_BENCH_REFCELLS: [[u64; 2]; 4] = [[0; 2]; 4];

/// Where a hand-written `refcell` goes if the flag says "borrowed" (never, here).
#[unsafe(no_mangle)]
extern "C" fn percore_bench_borrow_failed() -> ! {
    panic!("already borrowed")
}

// SAFETY: the assembly functions below follow the C ABI, touch only their own statics (on one
// core, with interrupts masked), and restore the interrupt-mask state they found: calling them
// is safe, hence `safe fn`, which lets them be measured directly, without a wrapper.
unsafe extern "C" {
    safe fn percore_bench_hand_empty();
    safe fn percore_bench_hand_cell();
    safe fn percore_bench_hand_refcell();
    safe fn percore_bench_hand_nested();
}

pub(crate) fn scenarios() -> [Scenario; 4] {
    [
        scenario("hand", "empty", percore_bench_hand_empty),
        scenario("hand", "cell", percore_bench_hand_cell),
        scenario("hand", "refcell", percore_bench_hand_refcell),
        scenario("hand", "nested", percore_bench_hand_nested),
    ]
}

// AArch64: DAIF masking, MPIDR_EL1 Aff0 as the core index.
#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".text",
    ".global percore_bench_hand_empty",
    "percore_bench_hand_empty:",
    "    mrs x8, daif",      // save D, A, I, F
    "    msr daifset, #0xf", // mask all four
    "    msr daif, x8",      // restore exactly
    "    ret",
    ".global percore_bench_hand_cell",
    "percore_bench_hand_cell:",
    "    mrs x8, daif",
    "    msr daifset, #0xf",
    "    mrs x9, mpidr_el1", // core id
    "    and x9, x9, #0xff", // Aff0
    "    adrp x10, PERCORE_BENCH_CELLS",
    "    add x10, x10, :lo12:PERCORE_BENCH_CELLS",
    "    ldr x11, [x10, x9, lsl #3]", // this core's counter
    "    add x11, x11, #1",
    "    str x11, [x10, x9, lsl #3]",
    "    msr daif, x8",
    "    ret",
    ".global percore_bench_hand_refcell",
    "percore_bench_hand_refcell:",
    "    mrs x8, daif",
    "    msr daifset, #0xf",
    "    mrs x9, mpidr_el1",
    "    and x9, x9, #0xff",
    "    adrp x10, PERCORE_BENCH_REFCELLS",
    "    add x10, x10, :lo12:PERCORE_BENCH_REFCELLS",
    "    add x10, x10, x9, lsl #4", // this core's RefCell
    "    ldr x11, [x10]",           // borrow flag
    "    cbnz x11, percore_bench_borrow_failed",
    "    ldr x11, [x10, #8]",
    "    add x11, x11, #1",
    "    str x11, [x10, #8]",
    "    msr daif, x8",
    "    ret",
    ".global percore_bench_hand_nested",
    "percore_bench_hand_nested:",
    "    mrs x8, daif",
    "    msr daifset, #0xf",
    "    mrs x9, daif",
    "    msr daifset, #0xf",
    "    msr daif, x9",
    "    msr daif, x8",
    "    ret",
);

// RISC-V, machine mode: mstatus.MIE read-and-clear, branchless restore of the saved bit,
// mhartid as the core index.
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
core::arch::global_asm!(
    ".text",
    ".global percore_bench_hand_empty",
    "percore_bench_hand_empty:",
    "    csrrci t0, mstatus, 8", // read and clear MIE
    "    andi t0, t0, 8",        // keep the old MIE
    "    csrs mstatus, t0",      // set it again if it was set
    "    ret",
    ".global percore_bench_hand_nested",
    "percore_bench_hand_nested:",
    "    csrrci t0, mstatus, 8",
    "    csrrci t1, mstatus, 8",
    "    andi t1, t1, 8",
    "    csrs mstatus, t1",
    "    andi t0, t0, 8",
    "    csrs mstatus, t0",
    "    ret",
);

#[cfg(target_arch = "riscv64")]
core::arch::global_asm!(
    ".global percore_bench_hand_cell",
    "percore_bench_hand_cell:",
    "    csrrci t0, mstatus, 8",
    "    csrr t1, mhartid", // core id
    "    slli t1, t1, 3",
    "    lla t2, PERCORE_BENCH_CELLS", // auipc + addi
    "    add t2, t2, t1",
    "    ld t3, 0(t2)",
    "    addi t3, t3, 1",
    "    sd t3, 0(t2)",
    "    andi t0, t0, 8",
    "    csrs mstatus, t0",
    "    ret",
    ".global percore_bench_hand_refcell",
    "percore_bench_hand_refcell:",
    "    csrrci t0, mstatus, 8",
    "    csrr t1, mhartid",
    "    slli t1, t1, 4",
    "    lla t2, PERCORE_BENCH_REFCELLS",
    "    add t2, t2, t1",
    "    ld t3, 0(t2)", // borrow flag
    "    bnez t3, percore_bench_borrow_failed",
    "    ld t3, 8(t2)",
    "    addi t3, t3, 1",
    "    sd t3, 8(t2)",
    "    andi t0, t0, 8",
    "    csrs mstatus, t0",
    "    ret",
);

#[cfg(target_arch = "riscv32")]
core::arch::global_asm!(
    ".global percore_bench_hand_cell",
    "percore_bench_hand_cell:",
    "    csrrci t0, mstatus, 8",
    "    csrr t1, mhartid",
    "    slli t1, t1, 3",
    "    lla t2, PERCORE_BENCH_CELLS",
    "    add t2, t2, t1",
    "    lw t3, 0(t2)", // u64 in two halves
    "    lw t4, 4(t2)",
    "    addi t3, t3, 1",
    "    seqz t5, t3", // carry
    "    add t4, t4, t5",
    "    sw t3, 0(t2)",
    "    sw t4, 4(t2)",
    "    andi t0, t0, 8",
    "    csrs mstatus, t0",
    "    ret",
    ".global percore_bench_hand_refcell",
    "percore_bench_hand_refcell:",
    "    csrrci t0, mstatus, 8",
    "    csrr t1, mhartid",
    "    slli t1, t1, 4",
    "    lla t2, PERCORE_BENCH_REFCELLS",
    "    add t2, t2, t1",
    "    lw t3, 0(t2)", // borrow flag
    "    bnez t3, percore_bench_borrow_failed",
    "    lw t3, 8(t2)",
    "    lw t4, 12(t2)",
    "    addi t3, t3, 1",
    "    seqz t5, t3",
    "    add t4, t4, t5",
    "    sw t3, 8(t2)",
    "    sw t4, 12(t2)",
    "    andi t0, t0, 8",
    "    csrs mstatus, t0",
    "    ret",
);

// Cortex-M, single core: PRIMASK saved, set, and written back.
#[cfg(target_arch = "arm")]
core::arch::global_asm!(
    ".text",
    ".syntax unified",
    ".thumb",
    ".global percore_bench_hand_empty",
    ".thumb_func",
    "percore_bench_hand_empty:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    msr PRIMASK, r0",
    "    bx lr",
    ".global percore_bench_hand_nested",
    ".thumb_func",
    "percore_bench_hand_nested:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    mrs r1, PRIMASK",
    "    cpsid i",
    "    msr PRIMASK, r1",
    "    msr PRIMASK, r0",
    "    bx lr",
);

#[cfg(all(target_arch = "arm", not(armv6m)))]
core::arch::global_asm!(
    ".syntax unified",
    ".thumb",
    ".global percore_bench_hand_cell",
    ".thumb_func",
    "percore_bench_hand_cell:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    movw r1, :lower16:PERCORE_BENCH_CELLS",
    "    movt r1, :upper16:PERCORE_BENCH_CELLS",
    "    ldrd r2, r3, [r1]",
    "    adds r2, r2, #1",
    "    adc r3, r3, #0",
    "    strd r2, r3, [r1]",
    "    msr PRIMASK, r0",
    "    bx lr",
    ".global percore_bench_hand_refcell",
    ".thumb_func",
    "percore_bench_hand_refcell:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    movw r1, :lower16:PERCORE_BENCH_REFCELLS",
    "    movt r1, :upper16:PERCORE_BENCH_REFCELLS",
    "    ldr r2, [r1]", // borrow flag
    "    cbnz r2, 1f",
    "    ldrd r2, r3, [r1, #8]",
    "    adds r2, r2, #1",
    "    adc r3, r3, #0",
    "    strd r2, r3, [r1, #8]",
    "    msr PRIMASK, r0",
    "    bx lr",
    "1:  b percore_bench_borrow_failed",
);

#[cfg(all(target_arch = "arm", armv6m))]
core::arch::global_asm!(
    ".syntax unified",
    ".thumb",
    ".global percore_bench_hand_cell",
    ".thumb_func",
    "percore_bench_hand_cell:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    ldr r1, =PERCORE_BENCH_CELLS",
    "    ldr r2, [r1]",
    "    ldr r3, [r1, #4]",
    "    adds r2, r2, #1",
    "    bcc 1f", // no carry into the high word (the usual case)
    "    adds r3, r3, #1",
    "1:  str r2, [r1]",
    "    str r3, [r1, #4]",
    "    msr PRIMASK, r0",
    "    bx lr",
    ".ltorg",
    ".global percore_bench_hand_refcell",
    ".thumb_func",
    "percore_bench_hand_refcell:",
    "    mrs r0, PRIMASK",
    "    cpsid i",
    "    ldr r1, =PERCORE_BENCH_REFCELLS",
    "    ldr r2, [r1]",
    "    cmp r2, #0",
    "    bne 2f",
    "    ldr r2, [r1, #8]",
    "    ldr r3, [r1, #12]",
    "    adds r2, r2, #1",
    "    bcc 1f",
    "    adds r3, r3, #1",
    "1:  str r2, [r1, #8]",
    "    str r3, [r1, #12]",
    "    msr PRIMASK, r0",
    "    bx lr",
    "2:  b percore_bench_borrow_failed",
    ".ltorg",
);
