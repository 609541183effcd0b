//! Per-core interrupt statistics on a four-core AArch64 machine.
#![no_std]

use core::cell::RefCell;

use percore::aarch64::FlatCores;
use percore::{ExceptionFree, ExceptionLock, PerCore, exception_free};

/// What each core records about its own interrupts.
pub struct IrqStats {
    /// Interrupts taken on this core.
    pub count: u64,
    /// The interrupt ID of the latest one.
    pub last_intid: u32,
}

/// One `IrqStats` per core: core `i` is the one whose MPIDR_EL1 affinity is 0.0.0.i.
pub static STATS: PerCore<[ExceptionLock<RefCell<IrqStats>>; 4], FlatCores<4>> = PerCore::new(
    [const {
        ExceptionLock::new(RefCell::new(IrqStats {
            count: 0,
            last_intid: 0,
        }))
    }; 4],
);

/// Called by the IRQ handler.
pub fn on_irq(intid: u32) {
    // SAFETY: taking an IRQ set DAIF.{D,A,I,F}; the token dies before the handler returns.
    let token = unsafe { ExceptionFree::new() };
    let mut stats = STATS.borrow_mut(token);
    stats.count += 1;
    stats.last_intid = intid;
}

/// Called from normal code: masks interrupts so that the handler cannot run mid-read.
pub fn interrupts_on_this_core() -> u64 {
    exception_free(|token| STATS.borrow_mut(token).count)
}
