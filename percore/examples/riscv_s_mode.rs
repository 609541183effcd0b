//! Supervisor-mode RISC-V: boot code records each hart's id, then per-hart state just works.
#![no_std]

use core::cell::Cell;

use percore::riscv::{HartCores, set_hart_id};
use percore::{ExceptionLock, PerCore, exception_free};

/// Timer ticks per hart, for harts 0 to 3.
pub static TICKS: PerCore<[ExceptionLock<Cell<u64>>; 4], HartCores<4>> =
    PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 4]);

/// The Rust entry point of every hart: SBI passes the hart id in `a0`, on the boot hart and on
/// harts started with HSM `hart_start`.
///
/// # Safety
///
/// `hart_id` must be the id SBI passed to this hart.
pub unsafe extern "C" fn hart_entry(hart_id: usize) {
    // SAFETY: passed on from the caller; nothing else in this kernel uses `tp`.
    unsafe { set_hart_id(hart_id) };
    // ... set up the trap vector and the timer, then:
    exception_free(|token| TICKS.borrow(token).set(0));
}

/// Called by the supervisor timer interrupt handler.
pub fn on_timer() {
    exception_free(|token| {
        let ticks = TICKS.borrow(token);
        ticks.set(ticks.get() + 1);
    });
}
