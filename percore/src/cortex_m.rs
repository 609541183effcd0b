//! The Cortex-M backend: the [`percore_cortex_m`] crate, plus its [`ExceptionMasking`] and
//! [`Cores`] implementations.
//!
//! Everything of `percore_cortex_m` is re-exported here ([`mask`], [`restore`],
//! [`CoreIdRegister`], ...), so users need not depend on it.

use core::marker::PhantomData;

pub use percore_cortex_m::*;

use crate::{Cores, ExceptionMasking};

/// Masks interrupts through `PRIMASK`; the backend of [`exception_free`](crate::exception_free)
/// on Cortex-M. NMI and HardFault are not masked: their handlers must not touch per-core state.
pub struct PrimaskMasking;

// SAFETY: `mask` sets PRIMASK, so no exception of configurable priority (every interrupt,
// SysTick, PendSV, SVCall) runs until `restore`, which clears PRIMASK only if it was clear:
// exactly the state found. NMI and HardFault are documented as out of scope.
unsafe impl ExceptionMasking for PrimaskMasking {
    type State = SavedPrimask;

    #[inline(always)]
    fn mask() -> SavedPrimask {
        mask()
    }

    #[inline(always)]
    unsafe fn restore(state: SavedPrimask) {
        // SAFETY: the caller passes on the guarantees `percore_cortex_m::restore` requires.
        unsafe { restore(state) }
    }
}

/// Core identity from the memory-mapped core-id register `R`.
///
/// An id at or above `R::CORES` panics with a message naming the register and the id, never
/// aliases another core's slot.
pub struct MmioCores<R: CoreIdRegister>(PhantomData<R>);

// SAFETY: `CoreIdRegister`'s contract: the register reads a distinct, fixed id on each core;
// ids outside `0..R::CORES` panic instead of being used.
unsafe impl<R: CoreIdRegister> Cores for MmioCores<R> {
    #[inline(always)]
    fn core_index() -> usize {
        match read_core_index::<R>() {
            Ok(index) => index,
            Err(error) => unknown_core(error),
        }
    }
}

#[cold]
#[inline(never)]
fn unknown_core(error: CoreIdError) -> ! {
    panic!("{error}")
}

/// The two cores of an Arm SSE-200 (MPS2 AN521, MPS3 AN524) in the Secure state.
///
/// ```no_run
/// use core::cell::Cell;
/// use percore::{ExceptionLock, PerCore, cortex_m::Sse200Cores};
///
/// static TICKS: PerCore<[ExceptionLock<Cell<u32>>; 2], Sse200Cores> =
///     PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 2]);
/// ```
#[cfg(feature = "cortex-m-sse-200")]
pub type Sse200Cores = MmioCores<Sse200>;

/// The two cores of an Arm SSE-200 in the Non-secure state.
#[cfg(feature = "cortex-m-sse-200")]
pub type Sse200NonSecureCores = MmioCores<Sse200NonSecure>;

/// The two cores of an RP2040.
#[cfg(feature = "cortex-m-rp2040")]
pub type Rp2040Cores = MmioCores<Rp2040>;

/// Core identity for a single-core part: always index 0.
///
/// **Sound only on a part with one core**: on a multi-core part, every core would get index 0
/// and share every per-core slot. That is why it exists only with the `cortex-m-single-core`
/// feature, which asserts a single-core part.
#[cfg(feature = "cortex-m-single-core")]
pub struct SingleCore;

// SAFETY: the `cortex-m-single-core` feature asserts that the part has one core, so index 0 is
// never returned on two different cores.
#[cfg(feature = "cortex-m-single-core")]
unsafe impl Cores for SingleCore {
    #[inline(always)]
    fn core_index() -> usize {
        0
    }
}
