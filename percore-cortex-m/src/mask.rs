//! Masking and restoring interrupts through `PRIMASK`.
//!
//! Masking is `mrs rN, PRIMASK` then `cpsid i`; restoring is `msr PRIMASK, rN`, which writes
//! back exactly the value found (no branch): a nested section never unmasks what an outer one
//! masked, and nothing ever unmasks unconditionally. Both work on every M profile from Armv6-M.
//!
//! Neither `asm!` block is `nomem`: the compiler must treat them as touching memory, so it
//! cannot move accesses to protected data out of the section. `CPS` is self-synchronising for
//! interrupt masking (Armv7-M ARM B5.2.1: "CPS ... the change is visible to the next
//! instruction"); no barrier is needed.

use core::arch::asm;

/// `PRIMASK` as found by [`mask`], for [`restore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct SavedPrimask(u32);

impl SavedPrimask {
    /// Whether interrupts were already masked before [`mask`].
    pub fn was_masked(self) -> bool {
        self.0 & 1 != 0
    }
}

/// Masks interrupts (sets `PRIMASK`) and returns the previous state.
///
/// Masking is safe: it cannot break memory safety, it only delays interrupts.
#[inline(always)]
pub fn mask() -> SavedPrimask {
    let primask: u32;
    // SAFETY: reading PRIMASK and setting it only defers interrupts. Options: `nostack`,
    // `preserves_flags` (MRS and CPS leave the APSR flags alone); not `nomem`, on purpose.
    unsafe {
        asm!(
            "mrs {}, PRIMASK",
            "cpsid i",
            out(reg) primask,
            options(nostack, preserves_flags),
        );
    }
    SavedPrimask(primask)
}

/// Unmasks interrupts if they were unmasked when `saved` was taken by [`mask`].
///
/// # Safety
///
/// `saved` must come from [`mask`] on this core, and every section opened after that `mask`
/// call must have ended: nothing may still rely on interrupts being masked by it.
#[inline(always)]
pub unsafe fn restore(saved: SavedPrimask) {
    // SAFETY: the caller guarantees nothing relies on the mask; writing back the PRIMASK value
    // `mask` read restores exactly that state. Not `nomem`: no protected access may move past
    // this point.
    unsafe { asm!("msr PRIMASK, {}", in(reg) saved.0, options(nostack, preserves_flags)) };
}

/// Whether `PRIMASK` is set now.
#[inline(always)]
pub fn interrupts_masked() -> bool {
    let primask: u32;
    // SAFETY: reading PRIMASK has no side effects.
    unsafe { asm!("mrs {}, PRIMASK", out(reg) primask, options(nomem, nostack, preserves_flags)) };
    primask & 1 != 0
}
