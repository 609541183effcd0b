//! The board: its core identity, clock and SysTick, as the shared cases' `Platform`.

use percore::cortex_m::interrupts_masked;
use percore_testkit::cases::{Platform, Suite};

/// SysTick registers (the same on every M profile).
const SYST_CSR: usize = 0xE000_E010;
const SYST_RVR: usize = 0xE000_E014;
const SYST_CVR: usize = 0xE000_E018;
/// SYST_CSR: counter enabled, interrupt on wrap, processor clock.
const CSR_ENABLE_TICKINT_CORECLK: u32 = 0b111;

#[cfg(feature = "board-microbit")]
mod chosen {
    pub const NAME: &str = "cortex-m0";
    /// nRF51 core clock.
    pub const CLOCK_HZ: u32 = 16_000_000;
    pub type Cores = percore::cortex_m::SingleCore;
}
#[cfg(feature = "board-an385")]
mod chosen {
    pub const NAME: &str = "cortex-m3";
    /// MPS2 FPGA image clock.
    pub const CLOCK_HZ: u32 = 25_000_000;
    pub type Cores = percore::cortex_m::SingleCore;
}
#[cfg(feature = "board-an505")]
mod chosen {
    pub const NAME: &str = "cortex-m33";
    pub const CLOCK_HZ: u32 = 25_000_000;
    pub type Cores = percore::cortex_m::SingleCore;
}
#[cfg(feature = "board-an521")]
mod chosen {
    pub const NAME: &str = "cortex-m33x2";
    pub const CLOCK_HZ: u32 = 25_000_000;
    pub type Cores = percore::cortex_m::Sse200Cores;
}

fn write(address: usize, value: u32) {
    // SAFETY: `address` is a SysTick register of the core executing this.
    unsafe { core::ptr::write_volatile(address as *mut u32, value) }
}

fn read(address: usize) -> u32 {
    // SAFETY: as in `write`.
    unsafe { core::ptr::read_volatile(address as *const u32) }
}

/// Sets or clears PRIMASK.
///
/// # Safety
///
/// Unmasking must not end a masked section that is still in use.
unsafe fn set_masked(masked: bool) {
    if masked {
        // SAFETY: masking is always sound. Not `nomem`: memory accesses stay on their side.
        unsafe { core::arch::asm!("cpsid i", options(nostack, preserves_flags)) };
    } else {
        // SAFETY: the caller guarantees no section relies on the mask.
        unsafe { core::arch::asm!("cpsie i", options(nostack, preserves_flags)) };
    }
}

/// The board, as the shared cases see it.
pub struct Board;

impl Platform for Board {
    const ARCH: &'static str = chosen::NAME;
    type Cores = chosen::Cores;
    /// Whether PRIMASK is set.
    type MaskState = bool;
    const ENTRY_STATES: &'static [bool] = &[false, true];
    const UNMASKED: bool = false;

    fn mask_state() -> bool {
        interrupts_masked()
    }

    fn is_masked(masked: bool) -> bool {
        masked
    }

    unsafe fn set_mask_state(masked: bool) {
        // SAFETY: passed on from the caller.
        unsafe { set_masked(masked) }
    }

    fn naive_section(inner: &dyn Fn()) {
        // SAFETY: masking is always sound.
        unsafe { set_masked(true) };
        inner();
        // SAFETY: negative control: the unconditional unmask is the bug under test. No token
        // or borrow is alive here, so it breaks the state check, not memory safety.
        unsafe { set_masked(false) };
    }

    fn enable_timer_interrupt() {}

    /// SysTick reloads by itself: only (re)start it if it is not already running.
    fn arm_timer(per_second: u32) {
        if read(SYST_CSR) & 1 == 0 {
            write(SYST_RVR, chosen::CLOCK_HZ / per_second - 1);
            write(SYST_CVR, 0);
            write(SYST_CSR, CSR_ENABLE_TICKINT_CORECLK);
        }
    }

    fn stop_timer() {
        write(SYST_CSR, 0);
    }
}

/// The shared cases' state.
pub static SUITE: Suite<Board> = Suite::new();
