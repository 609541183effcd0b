//! Masking and restoring interrupts through the global interrupt-enable bit of the mode.
//!
//! Masking is one instruction, `csrrci rd, mstatus, 8` (or `sstatus, 2`): it reads the status
//! register and clears the enable bit atomically, so no interrupt can slip in between reading
//! and clearing. [`mask`] keeps only the enable bit of what it read; restoring is one
//! `csrs status, saved`, which sets the bit again if it was set and changes nothing otherwise
//! (no branch). So a nested section never enables what an outer one disabled, and nothing else
//! in the status register is written back.
//!
//! Neither `asm!` block is `nomem`: the compiler must treat them as reading and writing memory,
//! so it cannot move accesses to protected data out of the section. CSR writes to the enable
//! bit take effect for the following instruction; no fence is needed on a single hart.

use core::arch::asm;

/// The enable bit of the mode's status register: `mstatus.MIE` (bit 3) or `sstatus.SIE` (bit 1).
#[cfg(not(feature = "s-mode"))]
const ENABLE: usize = 1 << 3;
#[cfg(feature = "s-mode")]
const ENABLE: usize = 1 << 1;

/// The interrupt-enable state found by [`mask`], for [`restore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct SavedInterrupts(usize);

impl SavedInterrupts {
    /// Whether interrupts were enabled before [`mask`].
    pub fn were_enabled(self) -> bool {
        self.0 & ENABLE != 0
    }
}

/// Disables interrupts on this hart and returns whether they were enabled.
///
/// Masking is safe: it cannot break memory safety, it only delays interrupts.
#[inline(always)]
pub fn mask() -> SavedInterrupts {
    let status: usize;
    // SAFETY: clearing the global interrupt-enable bit only defers interrupts. Options:
    // `nostack` (no stack use), `preserves_flags` is meaningless on RISC-V (no flags) and
    // omitted; not `nomem`, on purpose (see the module docs).
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        asm!("csrrci {}, mstatus, 8", out(reg) status, options(nostack));
        #[cfg(feature = "s-mode")]
        asm!("csrrci {}, sstatus, 2", out(reg) status, options(nostack));
    }
    SavedInterrupts(status & ENABLE)
}

/// Re-enables interrupts if they were enabled when `saved` was taken by [`mask`].
///
/// # Safety
///
/// `saved` must come from [`mask`] on this hart, and every section opened after that `mask`
/// call must have ended: nothing may still rely on interrupts being disabled by it.
#[inline(always)]
pub unsafe fn restore(saved: SavedInterrupts) {
    // SAFETY: the caller guarantees nothing relies on the mask any more. `saved` holds only the
    // enable bit as it was before `mask`: setting those bits restores exactly that state (no bit
    // if it was clear). Not `nomem`, so that no access to protected data moves past this point.
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        asm!("csrs mstatus, {}", in(reg) saved.0, options(nostack));
        #[cfg(feature = "s-mode")]
        asm!("csrs sstatus, {}", in(reg) saved.0, options(nostack));
    }
}

/// Whether interrupts are enabled on this hart now.
#[inline(always)]
pub fn interrupts_enabled() -> bool {
    let status: usize;
    // SAFETY: reading the status register has no side effects.
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        asm!("csrr {}, mstatus", out(reg) status, options(nomem, nostack));
        #[cfg(feature = "s-mode")]
        asm!("csrr {}, sstatus", out(reg) status, options(nomem, nostack));
    }
    status & ENABLE != 0
}
