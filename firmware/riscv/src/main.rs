//! percore's RISC-V test firmware for QEMU `virt`, in machine mode (`-bios none`, RV32 or RV64)
//! or supervisor mode under OpenSBI (RV64, feature `s-mode`).
//!
//! Semihosting arguments: the case (see `percore_testkit::cases::Case`), then in machine mode
//! the number of harts (all harts start at once, and the boot hart must know how many to wait
//! for). In supervisor mode the firmware starts every hart SBI knows, and if OpenSBI picked
//! hart 0 as the boot hart, it hands coordination to hart 1, so the coordinating hart is never
//! hart 0. The run ends through semihosting with exit status 0 (pass) or 1 (fail) after one
//! `percore-case ...` line.

#![no_std]
#![no_main]

#[cfg(all(feature = "s-mode", not(target_arch = "riscv64")))]
compile_error!("the supervisor-mode firmware is built for riscv64 only");

mod platform;
mod runtime;
#[cfg(feature = "s-mode")]
mod sbi;
mod timer;

use core::panic::PanicInfo;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use percore_testkit::cases::Case;
use percore_testkit::{Arguments, console, println, semihosting};

use platform::SUITE;

/// Set by the boot hart once `.bss` is zeroed and the case selected. In `.data`, so that
/// zeroing `.bss` cannot race with harts reading it.
#[unsafe(link_section = ".data")]
static RELEASED: AtomicBool = AtomicBool::new(false);
/// Whether a hart has claimed the boot role (supervisor mode: the first to enter).
#[unsafe(link_section = ".data")]
static BOOTED: AtomicBool = AtomicBool::new(false);
/// Harts that reached their worker loop, besides the coordinator.
static ARRIVED: AtomicUsize = AtomicUsize::new(0);

/// `a1` value that tells hart 1 to take over coordination from hart 0 (supervisor mode).
#[cfg(feature = "s-mode")]
const COORDINATE: usize = 0xC00D;
/// The hart ids the firmware supports (its stacks): 0..8.
const MAX_HARTS: usize = 8;

#[unsafe(no_mangle)]
extern "C" fn rust_start(hart: usize, opaque: usize) -> ! {
    #[cfg(feature = "s-mode")]
    // SAFETY: SBI passed this hart's id in a0, and nothing else in this firmware uses tp.
    unsafe {
        percore::riscv::set_hart_id(hart)
    };
    let boot = if cfg!(feature = "s-mode") {
        !BOOTED.swap(true, Ordering::AcqRel)
    } else {
        hart == 0
    };
    if boot {
        // SAFETY: only the boot hart runs Rust code at this point (in machine mode the others
        // wait for RELEASED, which is in .data), and nothing has used .bss yet.
        unsafe { runtime::zero_bss() };
        boot_hart(hart)
    } else {
        #[cfg(feature = "s-mode")]
        if opaque == COORDINATE {
            coordinate(hart)
        }
        let _ = opaque;
        worker(hart)
    }
}

fn boot_hart(hart: usize) -> ! {
    let args = Arguments::read();
    args.run_bench_if_asked();
    let name = args.case();
    #[cfg(feature = "s-mode")]
    if name == "hart-id-unset" {
        hart_id_unset();
    }
    #[cfg(not(feature = "s-mode"))]
    if name == "outside-range" {
        OUTSIDE_RANGE.store(true, Ordering::Relaxed);
        RELEASED.store(true, Ordering::Release);
        loop {
            core::hint::spin_loop();
        }
    }
    let Some(case) = Case::parse(name).filter(|case| case.uses_timer()) else {
        println!("unknown case {name:?}");
        semihosting::exit(2);
    };
    let harts = args.number();
    println!(
        "percore riscv firmware: case {name} in {:?} mode, boot hart {hart}",
        percore::riscv::MODE
    );
    SUITE.select(case);
    RELEASED.store(true, Ordering::Release);
    #[cfg(feature = "s-mode")]
    {
        let _ = harts;
        if hart == 0 {
            // Hand over so that the coordinating hart is not hart 0.
            let status = sbi::hart_start(1, runtime::_start as *const () as usize, COORDINATE);
            assert_eq!(status, 0, "SBI hart_start(1) failed");
            worker(hart);
        }
        coordinate(hart)
    }
    #[cfg(not(feature = "s-mode"))]
    {
        let harts = harts.expect("machine mode needs the hart count as second argument");
        // Every hart runs from reset: wait until the others have arrived.
        while ARRIVED.load(Ordering::Acquire) < harts - 1 {
            core::hint::spin_loop();
        }
        SUITE.set_started(harts);
        SUITE.run(case);
        SUITE.conclude(case)
    }
}

/// Supervisor mode: forgets this hart's recorded id, as boot code that never called
/// `set_hart_id` would, and asks for the core index. Debug builds must panic naming
/// `set_hart_id`; reaching the end means the mistake went unnoticed.
#[cfg(feature = "s-mode")]
fn hart_id_unset() -> ! {
    use percore::Cores;
    // SAFETY: `tp` is this firmware's to use; clearing it only breaks the hart id on purpose.
    unsafe { core::arch::asm!("mv tp, zero", options(nomem, nostack)) };
    let index = <platform::FirmwareCores as Cores>::core_index();
    println!("no panic: core index {index} from an unrecorded hart id went unnoticed");
    semihosting::exit(1)
}

/// Supervisor mode: starts every other hart SBI knows, runs this hart's part and concludes.
#[cfg(feature = "s-mode")]
fn coordinate(me: usize) -> ! {
    let case = SUITE.selected().expect("case selected before coordination");
    let mut harts = 1;
    for hart in (0..MAX_HARTS).filter(|&hart| hart != me) {
        match sbi::hart_start(hart, runtime::_start as *const () as usize, 0) {
            0 | sbi::ERR_ALREADY_AVAILABLE => harts += 1,
            sbi::ERR_INVALID_PARAM => {}
            error => panic!("SBI hart_start({hart}) failed: {error}"),
        }
    }
    println!("coordinator: hart {me}, {harts} harts");
    SUITE.set_started(harts);
    SUITE.run(case);
    SUITE.conclude(case)
}

/// Machine mode, case `outside-range`: every hart asks `HartCores<3>` for its index; hart 3
/// lies outside and must panic naming its id, never alias another hart.
#[cfg(not(feature = "s-mode"))]
static OUTSIDE_RANGE: AtomicBool = AtomicBool::new(false);

fn worker(hart: usize) -> ! {
    assert!(hart < MAX_HARTS);
    while !RELEASED.load(Ordering::Acquire) {
        core::hint::spin_loop();
    }
    #[cfg(not(feature = "s-mode"))]
    if OUTSIDE_RANGE.load(Ordering::Relaxed) {
        let index = <percore::riscv::HartCores<3> as percore::Cores>::core_index();
        if hart >= 3 {
            println!("no panic: hart {hart} got index {index} from HartCores<3>");
            semihosting::exit(1);
        }
        loop {
            core::hint::spin_loop();
        }
    }
    ARRIVED.fetch_add(1, Ordering::AcqRel);
    let case = SUITE.selected().expect("case selected before release");
    SUITE.run(case);
    loop {
        // SAFETY: `wfi` only waits; this hart has nothing left to do.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}

/// `mcause`/`scause`: the interrupt bit and the timer interrupt code of the mode.
const INTERRUPT: usize = 1 << (usize::BITS - 1);
#[cfg(not(feature = "s-mode"))]
const TIMER: usize = INTERRUPT | 7;
#[cfg(feature = "s-mode")]
const TIMER: usize = INTERRUPT | 5;

#[unsafe(no_mangle)]
extern "C" fn rust_trap() {
    let (cause, epc, tval): (usize, usize, usize);
    // SAFETY: reading the trap CSRs of the current mode has no side effects.
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        core::arch::asm!("csrr {}, mcause", "csrr {}, mepc", "csrr {}, mtval",
                         out(reg) cause, out(reg) epc, out(reg) tval, options(nomem, nostack));
        #[cfg(feature = "s-mode")]
        core::arch::asm!("csrr {}, scause", "csrr {}, sepc", "csrr {}, stval",
                         out(reg) cause, out(reg) epc, out(reg) tval, options(nomem, nostack));
    }
    if cause == TIMER {
        SUITE.on_timer();
    } else {
        console::print_line_unlocked(format_args!(
            "unexpected trap: cause {cause:#x} epc {epc:#x} tval {tval:#x}"
        ));
        semihosting::exit(3);
    }
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    console::print_line_unlocked(format_args!("panic: {info}"));
    semihosting::exit(101)
}
