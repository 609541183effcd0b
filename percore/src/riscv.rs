//! The RISC-V backend: the [`percore_riscv`] crate, plus its [`ExceptionMasking`] and
//! [`Cores`] implementations.
//!
//! Everything of `percore_riscv` is re-exported here ([`mask`], [`restore`], [`hart_id`],
//! [`HartRange`], and in supervisor mode `set_hart_id`), so users need not depend on it.

pub use percore_riscv::*;

use crate::{Cores, ExceptionMasking};

/// Masks interrupts through `mstatus.MIE` (machine mode) or `sstatus.SIE` (supervisor mode);
/// the backend of [`exception_free`](crate::exception_free) on RISC-V.
pub struct InterruptMasking;

// SAFETY: `mask` clears the global interrupt-enable bit of the mode the code runs in, so no
// interrupt handler of that mode runs on this hart until `restore`, which sets the bit again
// only if it was set: exactly the state found. (Interrupts of a higher mode, e.g. an M-mode
// SBI firmware under S-mode code, never run percore code.)
unsafe impl ExceptionMasking for InterruptMasking {
    type State = SavedInterrupts;

    #[inline(always)]
    fn mask() -> SavedInterrupts {
        mask()
    }

    #[inline(always)]
    unsafe fn restore(state: SavedInterrupts) {
        // SAFETY: the caller passes on the guarantees `percore_riscv::restore` requires.
        unsafe { restore(state) }
    }
}

/// Core identity from the hart id, for harts `FIRST..FIRST + N`: index = hart id − `FIRST`.
///
/// A hart id outside the range panics with a message naming it and the range, never aliases
/// another hart's slot. In supervisor mode the hart id comes from [`set_hart_id`], which boot
/// code must call on every hart.
///
/// ```no_run
/// use core::cell::Cell;
/// use percore::{ExceptionLock, PerCore, riscv::HartCores};
///
/// // Four harts numbered 0 to 3.
/// static TICKS: PerCore<[ExceptionLock<Cell<u64>>; 4], HartCores<4>> =
///     PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 4]);
/// ```
pub struct HartCores<const N: usize, const FIRST: usize = 0>;

impl<const N: usize, const FIRST: usize> HartCores<N, FIRST> {
    /// The declared hart ids.
    pub const HARTS: HartRange = HartRange::new(FIRST, N);
}

// SAFETY: hart ids are unique per hart and fixed (the RISC-V privileged spec requires unique
// mhartid values; in supervisor mode `set_hart_id`'s contract makes `tp` hold that id), and
// `HartRange::index_of` maps distinct ids in range to distinct indices below N and rejects
// (here: panics on) every other id.
unsafe impl<const N: usize, const FIRST: usize> Cores for HartCores<N, FIRST> {
    #[inline(always)]
    fn core_index() -> usize {
        let hart = hart_id();
        match Self::HARTS.index_of(hart) {
            Ok(index) => index,
            Err(_) => {
                // A jump, not a call: the error path then needs no stack frame, so neither does
                // the hot path of the function this is inlined into.
                // SAFETY: this enters `outside_hart_range` as a call would (its argument in a0,
                // the stack pointer unchanged and 16-byte aligned per the psABI) but without a
                // return address, which a function that never returns does not need. `tail`
                // clobbers only t1, which is caller-saved and dead here.
                unsafe {
                    core::arch::asm!(
                        "tail {fail}",
                        fail = sym outside_hart_range::<N, FIRST>,
                        in("a0") hart,
                        options(noreturn, nostack),
                    )
                }
            }
        }
    }
}

/// Panics naming `hart` and the declared range.
#[cold]
extern "C" fn outside_hart_range<const N: usize, const FIRST: usize>(hart: usize) -> ! {
    match HartRange::new(FIRST, N).index_of(hart) {
        Ok(_) => unreachable!("hart {hart} is in range"),
        Err(error) => panic!("{error}"),
    }
}

/// Hart ids that [`HartListCores`] maps: a declared list, for parts whose hart ids have gaps.
///
/// # Safety
///
/// `HARTS` must list ids of distinct harts of the part; [`HartList::new`] already rejects
/// duplicates at compile time, so the implementer only vouches that the ids are real hart ids
/// (any id not listed panics).
pub unsafe trait HartIds {
    /// The harts, in index order.
    const HARTS: HartList;
}

/// Core identity from the hart id, for a declared list of hart ids: index = position in
/// `L::HARTS`.
///
/// ```no_run
/// use core::cell::Cell;
/// use percore::riscv::{HartIds, HartList, HartListCores};
/// use percore::{ExceptionLock, PerCore};
///
/// struct EvenHarts;
/// // SAFETY: harts 0, 2, 4 and 6 exist on this (made-up) part.
/// unsafe impl HartIds for EvenHarts {
///     const HARTS: HartList = HartList::new(&[0, 2, 4, 6]);
/// }
///
/// static TICKS: PerCore<[ExceptionLock<Cell<u64>>; 4], HartListCores<EvenHarts>> =
///     PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 4]);
/// ```
pub struct HartListCores<L: HartIds>(core::marker::PhantomData<L>);

// SAFETY: hart ids are unique per hart and fixed (see `HartCores`), and a `HartList` holds no id
// twice, so distinct harts get distinct positions; ids not in the list panic.
unsafe impl<L: HartIds> Cores for HartListCores<L> {
    #[inline(always)]
    fn core_index() -> usize {
        match L::HARTS.index_of(hart_id()) {
            Ok(index) => index,
            Err(error) => outside_range(error),
        }
    }
}

#[cold]
#[inline(never)]
fn outside_range(error: HartIdError) -> ! {
    panic!("{error}")
}
