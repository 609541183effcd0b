//! The per-hart timer: CLINT `mtimecmp` in machine mode, SBI `set_timer` in supervisor mode.
//! Both count the 10 MHz platform timer.

/// Timer ticks per second on QEMU virt.
pub const FREQUENCY: u64 = 10_000_000;

#[cfg(not(feature = "s-mode"))]
const MTIMECMP: usize = 0x0200_4000;
#[cfg(not(feature = "s-mode"))]
const MTIME: usize = 0x0200_BFF8;

/// The current time, in timer ticks.
pub fn now() -> u64 {
    #[cfg(not(feature = "s-mode"))]
    {
        read64(MTIME)
    }
    #[cfg(all(feature = "s-mode", target_arch = "riscv64"))]
    {
        let time: u64;
        // SAFETY: reading the `time` CSR has no side effects.
        unsafe { core::arch::asm!("rdtime {}", out(reg) time, options(nomem, nostack)) };
        time
    }
}

/// Reads a 64-bit CLINT register; on RV32 as two halves, re-reading until the high half is
/// stable so that a carry between the reads is not missed.
#[cfg(not(feature = "s-mode"))]
fn read64(address: usize) -> u64 {
    #[cfg(target_arch = "riscv64")]
    // SAFETY: `address` is a CLINT register on QEMU virt.
    return unsafe { core::ptr::read_volatile(address as *const u64) };
    #[cfg(target_arch = "riscv32")]
    loop {
        let high = read32(address + 4);
        let low = read32(address);
        if read32(address + 4) == high {
            return u64::from(high) << 32 | u64::from(low);
        }
    }
}

#[cfg(all(not(feature = "s-mode"), target_arch = "riscv32"))]
fn read32(address: usize) -> u32 {
    // SAFETY: `address` is a CLINT register on QEMU virt.
    unsafe { core::ptr::read_volatile(address as *const u32) }
}

#[cfg(all(not(feature = "s-mode"), target_arch = "riscv32"))]
fn write32(address: usize, value: u32) {
    // SAFETY: `address` is this hart's CLINT mtimecmp on QEMU virt.
    unsafe { core::ptr::write_volatile(address as *mut u32, value) }
}

/// Fires the timer interrupt at `deadline`.
fn set_deadline(deadline: u64) {
    #[cfg(not(feature = "s-mode"))]
    {
        let compare = MTIMECMP + 8 * percore::riscv::hart_id();
        #[cfg(target_arch = "riscv64")]
        // SAFETY: this hart's own mtimecmp on QEMU virt.
        unsafe {
            core::ptr::write_volatile(compare as *mut u64, deadline)
        };
        // On RV32 the high half is first set to its maximum so that no intermediate value
        // fires early.
        #[cfg(target_arch = "riscv32")]
        {
            write32(compare + 4, u32::MAX);
            write32(compare, deadline as u32);
            write32(compare + 4, (deadline >> 32) as u32);
        }
    }
    #[cfg(feature = "s-mode")]
    crate::sbi::set_timer(deadline);
}

/// Enables this hart's timer interrupt source (`mie.MTIE` or `sie.STIE`).
pub fn enable_interrupt() {
    // SAFETY: setting the timer-interrupt enable only lets the timer raise its interrupt; the
    // global enable bit still decides whether it is taken.
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        core::arch::asm!("csrs mie, {}", in(reg) 1usize << 7, options(nomem, nostack));
        #[cfg(feature = "s-mode")]
        core::arch::asm!("csrs sie, {}", in(reg) 1usize << 5, options(nomem, nostack));
    }
}

/// Fires the timer interrupt after `1 / per_second` s; re-arming also clears the pending one.
pub fn arm(per_second: u32) {
    set_deadline(now() + FREQUENCY / u64::from(per_second));
}

/// Stops the timer.
pub fn stop() {
    set_deadline(u64::MAX);
}
