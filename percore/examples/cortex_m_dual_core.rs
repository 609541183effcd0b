//! Per-core state on a dual-core Cortex-M (Arm SSE-200, e.g. MPS2 AN521), where core identity
//! comes from the SoC's CPU_IDENTITY register.
#![no_std]

use core::cell::RefCell;

use percore::cortex_m::Sse200Cores;
use percore::{ExceptionLock, PerCore, exception_free};

/// A small ring of recent samples per core.
pub struct Samples {
    /// The samples.
    pub ring: [u16; 8],
    /// Where the next one goes.
    pub next: usize,
}

/// One `Samples` per core; each core's ADC interrupt and main loop share its own.
pub static SAMPLES: PerCore<[ExceptionLock<RefCell<Samples>>; 2], Sse200Cores> = PerCore::new(
    [const {
        ExceptionLock::new(RefCell::new(Samples {
            ring: [0; 8],
            next: 0,
        }))
    }; 2],
);

/// Called by this core's interrupt handler. On Cortex-M handlers run with PRIMASK clear (only
/// priorities order them), so the handler opens a section too.
pub fn on_sample(value: u16) {
    exception_free(|token| {
        let mut samples = SAMPLES.borrow_mut(token);
        let next = samples.next;
        samples.ring[next] = value;
        samples.next = (next + 1) % 8;
    });
}

/// The newest sample of this core.
pub fn latest() -> u16 {
    exception_free(|token| {
        let samples = SAMPLES.borrow_mut(token);
        samples.ring[(samples.next + 7) % 8]
    })
}
