//! The test cases: what each core does, what the timer handler does, and the verdict.

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

use percore::aarch64::{ClusterCores, SavedDaif, Topology, daif, restore};
use percore::{Cores, ExceptionFree, ExceptionLock, PerCore, exception_free};
use percore_testkit::stress::bump;
use percore_testkit::{Pair, Report, Tallies, println};

use crate::platform::{MAX_CORES, TOPOLOGY};
use crate::timer;

const ARCH: &str = "aarch64";

/// How the firmware names cores: two clusters of 16, validated against MPIDR_EL1.
pub type FirmwareCores = ClusterCores<2, 16>;

/// Which case runs, chosen by the first semihosting argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    /// Per-core updates inside `exception_free` while the core's timer updates the same state.
    Stress,
    /// Negative control: the same code with masking removed. Must be detected.
    StressUnmasked,
    /// Nested sections, entered from every DAIF state, leave DAIF as found.
    Nesting,
    /// Negative control: a naive section that unmasks unconditionally. Must be detected.
    NestingNaive,
    /// Core indices agree with MPIDR_EL1 across two clusters; no two cores share one.
    Topology,
    /// Negative control: the Aff0-only index of the original crate. Must alias.
    TopologyAff0,
    /// A newcomer's view: each core's state evolving under timer interrupts.
    Demo,
}

impl Case {
    /// Every case with its name: the one table that `parse`, `name` and the handler use.
    const ALL: [(Case, &'static str); 7] = [
        (Case::Stress, "stress"),
        (Case::StressUnmasked, "stress-unmasked"),
        (Case::Nesting, "nesting"),
        (Case::NestingNaive, "nesting-naive"),
        (Case::Topology, "topology"),
        (Case::TopologyAff0, "topology-aff0"),
        (Case::Demo, "demo"),
    ];

    /// Parses a case name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(case, _)| *case)
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(case, _)| *case == self)
            .map_or("?", |(_, n)| n)
    }

    /// Whether the timer interrupt drives this case.
    fn uses_timer(self) -> bool {
        !matches!(self, Self::Topology | Self::TopologyAff0)
    }
}

/// The case running now, as seen by the timer handler.
static CASE: AtomicU32 = AtomicU32::new(u32::MAX);
/// Cores the boot core started, itself included.
pub static STARTED: AtomicUsize = AtomicUsize::new(0);

/// The per-core state the stress cases tear if masking fails.
static PAIRS: PerCore<[ExceptionLock<Pair>; MAX_CORES], FirmwareCores> =
    PerCore::new([const { ExceptionLock::new(Pair::new()) }; MAX_CORES]);

/// The demo's per-core state: a RefCell behind an ExceptionLock.
struct DemoState {
    ticks: u64,
    work: u64,
    work_at_last_tick: u64,
    busiest_tick: u64,
}

static DEMO: PerCore<[ExceptionLock<RefCell<DemoState>>; MAX_CORES], FirmwareCores> = PerCore::new(
    [const {
        ExceptionLock::new(RefCell::new(DemoState {
            ticks: 0,
            work: 0,
            work_at_last_tick: 0,
            busiest_tick: 0,
        }))
    }; MAX_CORES],
);

static TALLIES: Tallies<MAX_CORES> = Tallies::new();
/// Per core (by start order): the MPIDR_EL1 it reported and the index it computed.
static MPIDRS: [AtomicU64; MAX_CORES] = [const { AtomicU64::new(0) }; MAX_CORES];
static INDICES: [AtomicUsize; MAX_CORES] = [const { AtomicUsize::new(usize::MAX) }; MAX_CORES];

/// Timer interrupts each core takes in the stress and demo cases.
const IRQ_TARGET: u32 = 500;
/// Main-loop updates each core does at least in the stress case.
const OPS_TARGET: u32 = 2_000;
/// Timer interrupts each core takes in the demo.
const DEMO_TICKS: u64 = 600;

fn current_case() -> Option<Case> {
    let selected = CASE.load(Ordering::Relaxed);
    Case::ALL
        .iter()
        .map(|(case, _)| *case)
        .find(|case| *case as u32 == selected)
}

/// The case the boot core selected, once it has.
pub fn selected() -> Option<Case> {
    current_case()
}

/// Selects the case; boot core, before starting the others.
pub fn select(case: Case) {
    CASE.store(case as u32, Ordering::Relaxed);
}

/// Timer period in counter ticks.
fn period(case: Case) -> u64 {
    let per_second = if case == Case::Demo { 2_000 } else { 10_000 };
    timer::frequency() / per_second
}

/// The body of the timer interrupt handler.
pub fn on_timer() {
    let Some(case) = current_case() else { return };
    timer::arm(period(case));
    // SAFETY: the core took this IRQ, so DAIF.{D,A,I,F} were set on entry and stay set until
    // the handler returns; the token dies with this function.
    let token = unsafe { ExceptionFree::new() };
    let index = FirmwareCores::core_index();
    let tally = TALLIES.core(index);
    bump(&tally.irqs, 1);
    match case {
        Case::Stress | Case::StressUnmasked => {
            let pair = PAIRS.borrow(token);
            if !pair.consistent() {
                bump(&tally.torn, 1);
            }
            pair.update(|| {});
        }
        Case::Demo => {
            let mut state = DEMO.borrow_mut(token);
            state.ticks += 1;
            state.busiest_tick = state.busiest_tick.max(state.work - state.work_at_last_tick);
            state.work_at_last_tick = state.work;
        }
        _ => {}
    }
}

/// A delay between the steps of an update. The count goes through `black_box` so that the loop
/// is not unrolled: its branches end QEMU translation blocks, the points where QEMU takes
/// interrupts, so the window between steps is open to the timer as on hardware.
fn delay() {
    for _ in 0..core::hint::black_box(40) {
        // SAFETY: a `nop` does nothing; it only makes the update's window real.
        unsafe { core::arch::asm!("nop", options(nomem, nostack, preserves_flags)) };
    }
}

/// Runs this core's part of `case`. `slot` is the core's start order (0 for the boot core).
pub fn run(case: Case, slot: usize) {
    let index = FirmwareCores::core_index();
    if case.uses_timer() {
        crate::gic::init_core(timer::intid());
        timer::arm(period(case));
        // SAFETY: this core starts with DAIF all masked; unmasking here starts the case, with
        // no section open.
        unsafe { restore(SavedDaif::from_bits(0)) };
    }
    match case {
        Case::Stress => stress(index, |update| exception_free(update)),
        Case::StressUnmasked => stress(index, |update| {
            // SAFETY: none; this is the negative control. It forges the token with interrupts
            // unmasked so that the harness can show the resulting corruption is detected.
            update(unsafe { ExceptionFree::new() })
        }),
        Case::Nesting => nesting(index, |inner| exception_free(|_| inner())),
        Case::NestingNaive => nesting(index, naive_section),
        Case::Topology => topology(slot, FirmwareCores::core_index),
        Case::TopologyAff0 => topology(slot, || (percore::aarch64::read_mpidr() & 0xff) as usize),
        Case::Demo => demo(index),
    }
    if case.uses_timer() {
        let _ = percore::aarch64::mask();
        timer::stop();
    }
    TALLIES.finish(slot);
}

fn stress(index: usize, section: impl Fn(&dyn Fn(ExceptionFree<'_>))) {
    let tally = TALLIES.core(index);
    while tally.irqs.load(Ordering::Relaxed) < IRQ_TARGET
        || tally.ops.load(Ordering::Relaxed) < OPS_TARGET
    {
        section(&|token| PAIRS.borrow(token).update(delay));
        bump(&tally.ops, 1);
    }
    timer::stop();
    exception_free(|token| {
        let pair = PAIRS.borrow(token);
        if !pair.consistent() {
            bump(&tally.torn, 1);
        }
        let expected = u64::from(tally.ops.load(Ordering::Relaxed))
            + u64::from(tally.irqs.load(Ordering::Relaxed));
        bump(&tally.lost, expected.abs_diff(pair.count()) as u32);
    });
}

/// A section that masks on entry and unmasks unconditionally on exit: the classic bug.
fn naive_section(inner: &dyn Fn()) {
    // SAFETY: masking all of DAIF is always sound.
    unsafe { core::arch::asm!("msr daifset, #0xf", options(nostack, preserves_flags)) };
    inner();
    // SAFETY: negative control: the unconditional unmask is the bug under test. No token or
    // borrow is alive here, so it breaks the state check, not memory safety.
    unsafe { core::arch::asm!("msr daifclr, #0xf", options(nostack, preserves_flags)) };
}

fn nesting(index: usize, section: impl Fn(&dyn Fn())) {
    let tally = TALLIES.core(index);
    while tally.irqs.load(Ordering::Relaxed) < 100 {
        for entry in 0..16u64 {
            let entry = SavedDaif::from_bits(entry << 6);
            // SAFETY: no section is open; the loop enters each of the 16 DAIF states in turn
            // and ends on the fully unmasked one.
            unsafe { restore(entry) };
            let before = daif();
            section(&|| {
                let outer = daif().all_masked();
                section(&|| {
                    if !daif().all_masked() {
                        bump(&tally.torn, 1);
                    }
                });
                if !outer || !daif().all_masked() {
                    bump(&tally.torn, 1);
                }
            });
            if daif() != before {
                bump(&tally.torn, 1);
            }
            bump(&tally.ops, 1);
        }
        // SAFETY: as above: back to unmasked so the timer can fire between rounds.
        unsafe { restore(SavedDaif::from_bits(0)) };
    }
}

fn topology(slot: usize, index_of_this_core: fn() -> usize) {
    MPIDRS[slot].store(percore::aarch64::read_mpidr(), Ordering::Relaxed);
    INDICES[slot].store(index_of_this_core(), Ordering::Relaxed);
}

fn demo(index: usize) {
    let mut next_line = 100;
    loop {
        let (ticks, work, busiest) = exception_free(|token| {
            let mut state = DEMO.borrow_mut(token);
            state.work += 1;
            (state.ticks, state.work, state.busiest_tick)
        });
        if ticks >= next_line {
            println!(
                "core {index}: {ticks:>4} timer ticks, {work:>8} updates, busiest tick {busiest} updates"
            );
            next_line += 100;
        }
        if ticks >= DEMO_TICKS {
            let tally = TALLIES.core(index);
            tally.ops.store(work as u32, Ordering::Relaxed);
            return;
        }
    }
}

/// Boot core: waits for all cores, checks, prints the verdict and ends the run.
pub fn conclude(case: Case, expected_cores: Option<usize>) -> ! {
    let cores = STARTED.load(Ordering::Acquire);
    TALLIES.wait_all(cores);
    let name = case.name();
    match case {
        Case::Topology | Case::TopologyAff0 => conclude_topology(name, cores, expected_cores),
        _ => {
            let report = Report::collect(ARCH, name, &TALLIES, cores);
            let enough_irqs = match case {
                Case::Stress | Case::StressUnmasked | Case::Demo => report.min_irqs >= 300,
                _ => report.min_irqs >= 100,
            };
            let pass = report.torn == 0 && report.lost == 0 && enough_irqs && cores >= 2;
            report.finish(ARCH, name, pass)
        }
    }
}

fn conclude_topology(name: &str, cores: usize, expected_cores: Option<usize>) -> ! {
    let flat = Topology::flat(16);
    let mut report = Report {
        cores: cores as u32,
        ..Report::default()
    };
    let mut owners = [usize::MAX; MAX_CORES];
    let mut beyond_cluster_0 = 0;
    for slot in 0..cores {
        let mpidr = MPIDRS[slot].load(Ordering::Relaxed);
        let index = INDICES[slot].load(Ordering::Relaxed);
        let (aff1, aff0) = (((mpidr >> 8) & 0xff) as usize, (mpidr & 0xff) as usize);
        let requested = TOPOLOGY.affinity_of(slot).map(|a| a.to_mpidr());
        // What the hardware model reports must be the core PSCI was asked to start, and the
        // index must be the one computed by hand from it.
        let mut wrong = requested != Some(mpidr & 0xff_00ff_ffff) || index != aff1 * 16 + aff0;
        // The flat topology of 16 must reject exactly the cores outside cluster 0.
        wrong |= flat.index_of(mpidr).is_ok() != (aff1 == 0);
        if aff1 != 0 {
            beyond_cluster_0 += 1;
        }
        // Two cores on one index is aliasing: counted as torn.
        if index >= MAX_CORES || owners[index] != usize::MAX {
            report.torn += 1;
        } else {
            owners[index] = slot;
        }
        report.ops += 1;
        report.lost += u32::from(wrong);
        println!(
            "percore-core arch={ARCH} case={name} core={slot} mpidr={mpidr:#x} index={index} ok={}",
            !wrong
        );
    }
    println!("topology: {cores} cores, {beyond_cluster_0} with Aff1 != 0, declared {TOPOLOGY}");
    let pass = report.torn == 0
        && report.lost == 0
        && beyond_cluster_0 > 0
        && expected_cores.is_none_or(|expected| expected == cores);
    report.finish(ARCH, name, pass)
}
