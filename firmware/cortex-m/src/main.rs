//! percore's Cortex-M test firmware for QEMU's `microbit`, `mps2-an385`, `mps2-an505` and
//! `mps2-an521` boards (one `board-*` feature each).
//!
//! The first semihosting argument names the case. Core 0 runs it; on the dual-core AN521 it
//! first starts core 1 through the SSE-200 system control registers. The run ends through
//! semihosting with exit status 0 (pass) or 1 (fail) after one `percore-case ...` line.

#![no_std]
#![no_main]

mod board;
mod runtime;

use core::panic::PanicInfo;

use percore_testkit::cases::Case;
use percore_testkit::{Arguments, console, println, semihosting};

use board::SUITE;

fn main() -> ! {
    let args = Arguments::read();
    args.run_bench_if_asked();
    let name = args.case();
    let Some(case) = Case::parse(name).filter(|case| case.uses_timer()) else {
        println!("unknown case {name:?}");
        semihosting::exit(2);
    };
    println!("percore cortex-m firmware: case {name}");
    SUITE.select(case);
    SUITE.set_started(start_other_cores() + 1);
    SUITE.run(case);
    SUITE.conclude(case)
}

/// Starts core 1 of the SSE-200 and returns how many cores were started besides this one.
#[cfg(feature = "board-an521")]
fn start_other_cores() -> usize {
    /// SSE-200 system control (Secure): boot address of CPU1, and the CPU wait register.
    const INITSVTOR1: usize = 0x5002_1114;
    const CPUWAIT: usize = 0x5002_1118;
    let vectors = &raw const runtime::__core1_vectors as u32;
    // SAFETY: writing CPU1's initial vector table address, then releasing CPU1 from wait, is
    // how the SSE-200 boots its second core. Its table has its own stack (`__stack1_top`) and
    // its reset handler does not initialise memory again.
    unsafe {
        core::ptr::write_volatile(INITSVTOR1 as *mut u32, vectors);
    }
    // SAFETY: reading CPUWAIT has no side effects.
    let wait = unsafe { core::ptr::read_volatile(CPUWAIT as *const u32) };
    // SAFETY: as above: releases CPU1, whose table is in place.
    unsafe { core::ptr::write_volatile(CPUWAIT as *mut u32, wait & !(1 << 1)) };
    1
}

#[cfg(not(feature = "board-an521"))]
fn start_other_cores() -> usize {
    0
}

fn core1_main() -> ! {
    let case = loop {
        if let Some(case) = SUITE.selected() {
            break case;
        }
    };
    SUITE.run(case);
    loop {
        // SAFETY: `wfi` only waits; this core has nothing left to do.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack, preserves_flags)) };
    }
}

#[unsafe(no_mangle)]
extern "C" fn systick() {
    SUITE.on_timer();
}

#[unsafe(no_mangle)]
extern "C" fn fault() {
    let icsr: u32;
    // SAFETY: reading the interrupt control and state register has no side effects.
    unsafe { icsr = core::ptr::read_volatile(0xE000_ED04 as *const u32) };
    console::print_line_unlocked(format_args!(
        "unexpected exception {} (ICSR {icsr:#x})",
        icsr & 0x1ff
    ));
    semihosting::exit(3);
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    console::print_line_unlocked(format_args!("panic: {info}"));
    semihosting::exit(101)
}
