//! Masking and restoring exceptions through `DAIF`.
//!
//! The hot path is three instructions: `mrs xN, daif` and `msr daifset, #0xf` to save and mask,
//! `msr daif, xN` to restore.
//!
//! Neither `asm!` block is `nomem`. Without `nomem` the compiler must assume the assembly reads
//! and writes any memory, so it cannot move a load or store of the protected data above the
//! mask or below the restore. That is the whole point of a critical section: an explicit
//! `compiler_fence` would do the same job in more lines. No hardware barrier is needed: writes
//! to `DAIF` through `msr daifset` / `msr daif` are self-synchronising with respect to the
//! exceptions they mask (Arm ARM, "Synchronization requirements for AArch64 System registers":
//! PSTATE.{D,A,I,F} writes take effect for the next instruction).

use core::arch::asm;

use crate::SavedDaif;

/// Masks IRQ, FIQ, SError and Debug exceptions on the current core and returns the `DAIF`
/// value found before, for [`restore`].
///
/// Masking is safe: it cannot break memory safety, it only delays exceptions. Unmasking is what
/// needs care, hence [`restore`] is `unsafe`.
///
/// Must run at EL1 or above (at EL0, `DAIF` access traps unless `SCTLR_EL1.UMA` is set); this
/// crate is for bare-metal code, which does.
#[inline(always)]
pub fn mask() -> SavedDaif {
    let daif: u64;
    // SAFETY: reading DAIF and setting its four mask bits touches no memory Rust knows about and
    // cannot invalidate any Rust invariant; it only defers exceptions until the state is restored.
    // Options: `nostack` because neither instruction uses the stack; `preserves_flags` because
    // MRS and MSR (immediate) leave NZCV alone; not `nomem`, on purpose (see the module docs).
    unsafe {
        asm!(
            "mrs {daif}, daif",
            "msr daifset, #0xf",
            daif = out(reg) daif,
            options(nostack, preserves_flags),
        );
    }
    SavedDaif::from_bits(daif)
}

/// Writes back a `DAIF` value saved by [`mask`].
///
/// # Safety
///
/// `saved` must come from [`mask`] on this core, and restoring it must not end a masked section
/// that is still in use: every [`ExceptionFree`](https://docs.rs/percore/latest/percore/struct.ExceptionFree.html)
/// token or borrow made while exceptions were masked by that `mask` call must be dead. Restoring
/// out of order (an outer section's state before an inner one's) can unmask exceptions while
/// an inner section still relies on them being masked.
#[inline(always)]
pub unsafe fn restore(saved: SavedDaif) {
    // SAFETY: the caller guarantees that nothing still relies on the mask set by `mask`. Writing
    // DAIF back to a value read from DAIF cannot set a reserved bit.
    // Options: `nostack`, `preserves_flags` as in `mask`; not `nomem`, so that no access to
    // protected data is moved after the point where exceptions can be taken again.
    unsafe {
        asm!(
            "msr daif, {daif}",
            daif = in(reg) saved.bits(),
            options(nostack, preserves_flags),
        );
    }
}

/// Reads the current `DAIF` value without changing it.
#[inline(always)]
pub fn daif() -> SavedDaif {
    let daif: u64;
    // SAFETY: reading DAIF has no side effects. `nomem` is fine here: this read does not order
    // memory accesses, it only observes the mask state.
    unsafe {
        asm!("mrs {daif}, daif", daif = out(reg) daif, options(nomem, nostack, preserves_flags));
    }
    SavedDaif::from_bits(daif)
}
