//! The two SBI calls supervisor-mode firmware needs: start a hart (HSM) and set the timer.

/// SBI error: the hart is already started.
pub const ERR_ALREADY_AVAILABLE: isize = -6;
/// SBI error: invalid parameter (here: no hart with that id).
pub const ERR_INVALID_PARAM: isize = -3;

const EID_HSM: usize = 0x48_534D;
const EID_TIME: usize = 0x5449_4D45;

/// Calls SBI function `fid` of extension `eid`; returns the error code (0: success).
fn call(eid: usize, fid: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let error: isize;
    // SAFETY: an SBI call traps to the M-mode firmware, which only reads the argument
    // registers and writes a0/a1; the calls made here pass no pointers.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") a0 => error,
            inlateout("a1") a1 => _,
            in("a2") a2,
            in("a6") fid,
            in("a7") eid,
            options(nostack),
        );
    }
    error
}

/// Starts hart `hart_id` at `start` with `opaque` in `a1` (and its hart id in `a0`).
pub fn hart_start(hart_id: usize, start: usize, opaque: usize) -> isize {
    call(EID_HSM, 0, hart_id, start, opaque)
}

/// Programs this hart's supervisor timer to fire at `time` (the `time` CSR's units).
pub fn set_timer(time: u64) {
    #[cfg(target_arch = "riscv64")]
    call(EID_TIME, 0, time as usize, 0, 0);
    #[cfg(target_arch = "riscv32")]
    call(EID_TIME, 0, time as usize, (time >> 32) as usize, 0);
}
