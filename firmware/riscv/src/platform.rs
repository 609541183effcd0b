//! The RISC-V platform for the shared cases.

use percore::riscv::HartCores;
use percore_testkit::cases::{Platform, Suite};

use crate::timer;

/// How the firmware names harts: ids 0 to 7.
pub type FirmwareCores = HartCores<8>;

/// QEMU `virt` harts with the platform timer.
pub struct Virt;

/// The global interrupt-enable bit of the mode: `mstatus.MIE` or `sstatus.SIE`.
#[cfg(not(feature = "s-mode"))]
const ENABLE: usize = 1 << 3;
#[cfg(feature = "s-mode")]
const ENABLE: usize = 1 << 1;

/// Status bits that trap entry and `mret`/`sret` rewrite: MPIE (7) and MPP (12:11), or SPIE (5)
/// and SPP (8).
#[cfg(not(feature = "s-mode"))]
const TRAP_BOOKKEEPING: usize = 1 << 7 | 0b11 << 11;
#[cfg(feature = "s-mode")]
const TRAP_BOOKKEEPING: usize = 1 << 5 | 1 << 8;

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
    /// The status register (`mstatus` or `sstatus`) without the bits that taking and returning
    /// from a trap rewrite (previous enable and previous privilege: an interrupt taken right
    /// after a section legitimately changes them), so that the nesting case checks that
    /// sections leave every other bit as found; entering a state sets only the enable bit.
    type MaskState = usize;
    const ENTRY_STATES: &'static [usize] = &[ENABLE, 0];
    const UNMASKED: usize = ENABLE;

    fn mask_state() -> usize {
        let status: usize;
        // SAFETY: reading the status register has no side effects.
        unsafe {
            #[cfg(not(feature = "s-mode"))]
            core::arch::asm!("csrr {}, mstatus", out(reg) status, options(nomem, nostack));
            #[cfg(feature = "s-mode")]
            core::arch::asm!("csrr {}, sstatus", out(reg) status, options(nomem, nostack));
        }
        status & !TRAP_BOOKKEEPING
    }

    fn is_masked(status: usize) -> bool {
        status & ENABLE == 0
    }

    unsafe fn set_mask_state(status: usize) {
        // SAFETY: passed on from the caller.
        unsafe { set_enabled(status & ENABLE != 0) }
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
