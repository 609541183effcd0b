//! The per-core generic timer: the EL1 virtual timer (PPI 27) at EL1, the EL2 physical timer
//! (PPI 26) at EL2.

use core::arch::asm;

use crate::platform::current_el;

/// The timer's interrupt ID at the current exception level.
pub fn intid() -> u32 {
    if current_el() == 2 { 26 } else { 27 }
}

/// Counter ticks per second.
pub fn frequency() -> u64 {
    let frequency: u64;
    // SAFETY: reading CNTFRQ_EL0 has no side effects.
    unsafe {
        asm!("mrs {}, cntfrq_el0", out(reg) frequency, options(nomem, nostack, preserves_flags))
    };
    frequency
}

/// Fires the timer interrupt after `ticks` counter ticks (and re-arms it from a handler).
pub fn arm(ticks: u64) {
    if current_el() == 2 {
        // SAFETY: programming this core's own timer only makes it raise its private interrupt.
        unsafe {
            asm!("msr cnthp_tval_el2, {t}", "msr cnthp_ctl_el2, {on}", "isb",
                 t = in(reg) ticks, on = in(reg) 1u64, options(nostack, preserves_flags));
        }
    } else {
        // SAFETY: as above, for the EL1 virtual timer.
        unsafe {
            asm!("msr cntv_tval_el0, {t}", "msr cntv_ctl_el0, {on}", "isb",
                 t = in(reg) ticks, on = in(reg) 1u64, options(nostack, preserves_flags));
        }
    }
}

/// Stops the timer; its level-triggered interrupt deasserts.
pub fn stop() {
    if current_el() == 2 {
        // SAFETY: disabling this core's own timer has no other effect.
        unsafe {
            asm!(
                "msr cnthp_ctl_el2, xzr",
                "isb",
                options(nostack, preserves_flags)
            )
        };
    } else {
        // SAFETY: as above, for the EL1 virtual timer.
        unsafe {
            asm!(
                "msr cntv_ctl_el0, xzr",
                "isb",
                options(nostack, preserves_flags)
            )
        };
    }
}
