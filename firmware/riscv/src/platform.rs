//! The RISC-V platform for the shared cases.

use percore::riscv::{HartCores, interrupts_enabled};
use percore_testkit::cases::{Platform, Suite};

use crate::timer;

/// How the firmware names harts: ids 0 to 7.
pub type FirmwareCores = HartCores<8>;

/// QEMU `virt` harts with the platform timer.
pub struct Virt;

/// Sets or clears the mode's global interrupt-enable bit.
///
/// # Safety
///
/// Enabling must not end a masked section that is still in use.
unsafe fn set_enabled(enabled: bool) {
    // SAFETY (all four): the caller guarantees no section relies on the mask. Not `nomem`, so
    // that memory accesses are not moved across the change.
    #[cfg(not(feature = "s-mode"))]
    match enabled {
        // SAFETY: see above.
        true => unsafe { core::arch::asm!("csrsi mstatus, 8", options(nostack)) },
        // SAFETY: see above.
        false => unsafe { core::arch::asm!("csrci mstatus, 8", options(nostack)) },
    }
    #[cfg(feature = "s-mode")]
    match enabled {
        // SAFETY: see above.
        true => unsafe { core::arch::asm!("csrsi sstatus, 2", options(nostack)) },
        // SAFETY: see above.
        false => unsafe { core::arch::asm!("csrci sstatus, 2", options(nostack)) },
    }
}

impl Platform for Virt {
    const ARCH: &'static str = if cfg!(target_arch = "riscv64") {
        if cfg!(feature = "s-mode") {
            "riscv64-s"
        } else {
            "riscv64"
        }
    } else {
        "riscv32"
    };
    type Cores = FirmwareCores;
    /// Whether interrupts are enabled.
    type MaskState = bool;
    const ENTRY_STATES: &'static [bool] = &[true, false];
    const UNMASKED: bool = true;

    fn mask_state() -> bool {
        interrupts_enabled()
    }

    fn is_masked(enabled: bool) -> bool {
        !enabled
    }

    unsafe fn set_mask_state(enabled: bool) {
        // SAFETY: passed on from the caller.
        unsafe { set_enabled(enabled) }
    }

    fn naive_section(inner: &dyn Fn()) {
        // SAFETY: disabling is always sound.
        unsafe { set_enabled(false) };
        inner();
        // SAFETY: negative control: the unconditional enable is the bug under test. No token
        // or borrow is alive here, so it breaks the state check, not memory safety.
        unsafe { set_enabled(true) };
    }

    fn enable_timer_interrupt() {
        timer::enable_interrupt();
    }

    fn arm_timer(per_second: u32) {
        timer::arm(per_second);
    }

    fn stop_timer() {
        timer::stop();
    }
}

/// The shared cases' state.
pub static SUITE: Suite<Virt> = Suite::new();
