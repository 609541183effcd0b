//! Hot-path scenarios for `cargo xtask bench`: percore's, its peers' and hand-written assembly
//! doing the same work, compiled into the test firmware for the target.
//!
//! [`run`] prints the address of every scenario function, then calls each once between calls
//! to [`marker`]. `cargo xtask bench` runs the firmware under QEMU with one instruction per
//! translation block and an execution trace, and counts the instructions executed from each
//! scenario's entry to the next marker that lie outside the driver function. Calls the
//! scenario makes (critical-section's out-of-line acquire and release) are counted; panic paths
//! are never taken.
//!
//! The scenarios:
//! 1. `empty`: a masked section around an empty body.
//! 2. `cell`: mask, find this core's slot, increment a `Cell<u64>`, unmask.
//! 3. `refcell`: the same with a `RefCell<u64>` and `borrow_mut`.
//! 4. `nested`: a masked section inside a masked section.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

use core::fmt;

mod hand;
mod ours;
mod peers;

/// One scenario of one implementation.
pub struct Scenario {
    /// `ours`, a peer's name, or `hand`.
    pub implementation: &'static str,
    /// `empty`, `cell`, `refcell`, `nested`.
    pub scenario: &'static str,
    /// The function to measure.
    pub run: extern "C" fn(),
}

/// Called between scenarios; its entry delimits them in the trace.
#[inline(never)]
#[unsafe(no_mangle)]
pub extern "C" fn percore_bench_marker() {
    core::hint::black_box(());
}

const fn scenario(
    implementation: &'static str,
    scenario: &'static str,
    run: extern "C" fn(),
) -> Scenario {
    Scenario {
        implementation,
        scenario,
        run,
    }
}

/// Every scenario of this target.
pub fn scenarios() -> impl Iterator<Item = Scenario> {
    ours::scenarios()
        .into_iter()
        .chain(peers::scenarios())
        .chain(hand::scenarios())
}

/// Prints the scenario table (`bench-fn IMPL SCENARIO ADDRESS`), then runs each scenario once
/// between markers, then prints `bench-done`.
pub fn run(print: impl Fn(fmt::Arguments<'_>)) {
    // Thumb function pointers carry the Thumb bit; the trace has plain addresses.
    let address = |f: extern "C" fn()| f as usize & !1;
    print(format_args!(
        "bench-marker {:#x}",
        address(percore_bench_marker)
    ));
    for s in scenarios() {
        print(format_args!(
            "bench-fn {} {} {:#x}",
            s.implementation,
            s.scenario,
            address(s.run)
        ));
    }
    percore_bench_marker();
    for s in scenarios() {
        core::hint::black_box(s.run)();
        percore_bench_marker();
    }
    print(format_args!("bench-done"));
}
