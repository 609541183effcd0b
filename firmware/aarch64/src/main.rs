//! percore's AArch64 test firmware for QEMU `virt` (GICv3), at EL1 or EL2.
//!
//! The first semihosting argument names the case (see [`cases::Case`]); an optional second one
//! the number of cores the run must find. The boot core reads it, starts every other core that
//! exists through PSCI, runs its own part, waits for all, and ends the run through semihosting
//! with exit status 0 (pass) or 1 (fail), after one `percore-case ...` line with the figures.

#![no_std]
#![no_main]

mod cases;
mod gic;
mod platform;
mod timer;

use core::panic::PanicInfo;

use aarch64_rt::{ExceptionHandlers, RegisterStateRef, entry, exception_handlers};
use percore_testkit::{Arguments, console, println, semihosting};

use percore_testkit::cases::Case;

use cases::SUITE;

entry!(main, 16);

fn main(_x0: u64, _x1: u64, _x2: u64, _x3: u64) -> ! {
    let args = Arguments::read();
    args.run_bench_if_asked();
    let name = args.case();
    if name == "outside-topology" {
        outside_topology();
    }
    let Some(case) = Case::parse(name) else {
        println!("unknown case {name:?}");
        semihosting::exit(2);
    };
    let expected_cores = args.number();
    println!(
        "percore aarch64 firmware: case {name} at EL{}",
        platform::current_el()
    );
    platform::init_core();
    gic::init_distributor();
    SUITE.select(case);
    let mut started = 1;
    for index in 1..percore_testkit::cases::MAX_CORES {
        match platform::start(index, secondary) {
            Ok(true) => started = index + 1,
            Ok(false) => {}
            Err(error) => panic!("PSCI CPU_ON for core {index} failed: {error:?}"),
        }
    }
    // Cores are started in index order: a hole would mean a missing core in the middle.
    SUITE.set_started(started);
    cases::run(case, 0);
    cases::conclude(case, expected_cores)
}

/// Asks `FlatCores<16>` for the index of core 16 (Aff1 = 1), which lies outside that topology:
/// it must panic naming the affinity, never alias core 0. Run with `-smp 17`.
fn outside_topology() -> ! {
    fn on_core_16(_slot: usize) -> ! {
        let index = <percore::aarch64::FlatCores<16> as percore::Cores>::core_index();
        println!("no panic: core 16 got index {index} from FlatCores<16>");
        semihosting::exit(1)
    }
    match platform::start(16, on_core_16) {
        Ok(true) => loop {
            core::hint::spin_loop();
        },
        _ => {
            println!("this case needs 17 cores");
            semihosting::exit(2)
        }
    }
}

fn secondary(slot: usize) -> ! {
    platform::init_core();
    let case = loop {
        // The boot core selected the case before starting anyone.
        if let Some(case) = SUITE.selected() {
            break case;
        }
    };
    cases::run(case, slot);
    loop {
        // SAFETY: `wfe` only waits; this core has nothing left to do.
        unsafe { core::arch::asm!("wfe", options(nomem, nostack, preserves_flags)) };
    }
}

struct Exceptions;

impl ExceptionHandlers for Exceptions {
    extern "C" fn irq_current(_state: RegisterStateRef) {
        let intid = gic::acknowledge();
        if intid >= gic::SPECIAL {
            return;
        }
        if intid == timer::intid() {
            SUITE.on_timer();
        }
        gic::end(intid);
    }

    extern "C" fn sync_current(_state: RegisterStateRef) {
        let (esr, elr, far): (u64, u64, u64);
        if platform::current_el() == 2 {
            // SAFETY: reading the syndrome registers of the current EL has no side effects.
            unsafe {
                core::arch::asm!("mrs {}, esr_el2", "mrs {}, elr_el2", "mrs {}, far_el2",
                                 out(reg) esr, out(reg) elr, out(reg) far);
            }
        } else {
            // SAFETY: as above.
            unsafe {
                core::arch::asm!("mrs {}, esr_el1", "mrs {}, elr_el1", "mrs {}, far_el1",
                                 out(reg) esr, out(reg) elr, out(reg) far);
            }
        }
        console::print_line_unlocked(format_args!(
            "unexpected synchronous exception: ESR {esr:#x} ELR {elr:#x} FAR {far:#x}"
        ));
        semihosting::exit(3);
    }
}

exception_handlers!(Exceptions);

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    console::print_line_unlocked(format_args!("panic: {info}"));
    semihosting::exit(101)
}
