//! The cases every architecture runs, written once: what each core does, what its timer
//! handler does, and the verdict. Each firmware crate supplies a [`Platform`] (its mask state
//! and timer) and a [`Cores`] implementation, and keeps a `static` [`Suite`].

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use percore::{Cores, ExceptionFree, ExceptionLock, PerCore, exception_free};

use crate::stress::{Pair, Tallies, bump};
use crate::{Report, println};

/// The most cores a suite supports.
pub const MAX_CORES: usize = 32;
/// Timer interrupts each core takes in the stress and demo cases.
const IRQ_TARGET: u32 = 500;
/// Fewest timer interrupts on every core for a stress or demo run to count.
const MIN_IRQS: u32 = 300;
/// Main-loop updates each core does at least in the stress case.
const OPS_TARGET: u32 = 2_000;
/// Timer interrupts each core takes while the nesting case runs.
const NESTING_IRQS: u32 = 100;
/// Timer interrupts each core takes in the demo.
const DEMO_TICKS: u64 = 600;

/// Which case runs, chosen by the first semihosting argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    /// Per-core updates inside `exception_free` while the core's timer updates the same state.
    Stress,
    /// Negative control: the same code with masking removed. Must be detected.
    StressUnmasked,
    /// Negative control: masking on, but every core updates one shared slot. Must be detected
    /// on more than one core: masking alone cannot protect state shared across cores.
    StressShared,
    /// Nested sections, entered from every mask state, leave the mask state as found.
    Nesting,
    /// Negative control: a naive section that unmasks unconditionally. Must be detected.
    NestingNaive,
    /// Core indices agree with the hardware's core identity (architecture specific).
    Topology,
    /// Negative control for [`Case::Topology`]: a mapping that aliases cores.
    TopologyAff0,
    /// A newcomer's view: each core's state evolving under timer interrupts.
    Demo,
}

impl Case {
    /// Every case with its name: the one table that `parse`, `name` and the handler use.
    const ALL: [(Case, &'static str); 8] = [
        (Case::Stress, "stress"),
        (Case::StressUnmasked, "stress-unmasked"),
        (Case::StressShared, "stress-shared"),
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

    /// The case's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(case, _)| *case == self)
            .map_or("?", |(_, n)| n)
    }

    /// Whether the timer interrupt drives this case.
    pub fn uses_timer(self) -> bool {
        !matches!(self, Self::Topology | Self::TopologyAff0)
    }

    /// Timer interrupts per second.
    fn timer_rate(self) -> u32 {
        if self == Self::Demo { 2_000 } else { 10_000 }
    }
}

/// What a firmware crate provides for its architecture.
pub trait Platform: 'static {
    /// The architecture's name in report lines.
    const ARCH: &'static str;
    /// How the firmware names cores.
    type Cores: Cores;
    /// The architecture's interrupt-mask state (DAIF, mstatus.MIE, PRIMASK, ...).
    type MaskState: Copy + PartialEq;
    /// Every mask state a section may be entered from.
    const ENTRY_STATES: &'static [Self::MaskState];
    /// The state with interrupts enabled.
    const UNMASKED: Self::MaskState;

    /// The current mask state.
    fn mask_state() -> Self::MaskState;
    /// Whether `state` keeps every interrupt that percore masks away.
    fn is_masked(state: Self::MaskState) -> bool;
    /// Sets the mask state.
    ///
    /// # Safety
    ///
    /// No masked section may be open when this unmasks anything.
    unsafe fn set_mask_state(state: Self::MaskState);
    /// A section that masks on entry and unmasks unconditionally on exit: the classic bug,
    /// for the nesting negative control.
    fn naive_section(inner: &dyn Fn());
    /// Prepares this core to take its timer interrupt (interrupt controller, enable bits).
    fn enable_timer_interrupt();
    /// Fires this core's timer interrupt after `1 / per_second` s; also re-arms from a handler.
    fn arm_timer(per_second: u32);
    /// Stops this core's timer.
    fn stop_timer();
}

/// A deliberately broken core identity: every core gets slot 0. Only the
/// [`Case::StressShared`] negative control uses it, to show that the corruption it causes is
/// detected.
struct FirstSlot;

// SAFETY: none: this breaks the `Cores` contract on purpose (every core gets index 0). It is
// only used by the negative control, whose point is that the resulting data race is detected.
unsafe impl Cores for FirstSlot {
    fn core_index() -> usize {
        0
    }
}

/// The per-core state of the demo: a `RefCell` behind an `ExceptionLock`.
struct DemoState {
    ticks: u64,
    work: u64,
    work_at_last_tick: u64,
    busiest_tick: u64,
}

/// The state of a suite: a `static` in each firmware crate.
pub struct Suite<P: Platform> {
    case: AtomicU32,
    /// Cores the boot core started, itself included.
    started: AtomicUsize,
    pairs: PerCore<[ExceptionLock<Pair>; MAX_CORES], P::Cores>,
    /// The one slot every core shares in [`Case::StressShared`].
    shared: PerCore<[ExceptionLock<Pair>; 1], FirstSlot>,
    demo: PerCore<[ExceptionLock<RefCell<DemoState>>; MAX_CORES], P::Cores>,
    /// Per-core figures, indexed by core index.
    pub tallies: Tallies<MAX_CORES>,
}

impl<P: Platform> Suite<P> {
    /// A suite with no case selected.
    pub const fn new() -> Self {
        Self {
            case: AtomicU32::new(u32::MAX),
            started: AtomicUsize::new(0),
            pairs: PerCore::new([const { ExceptionLock::new(Pair::new()) }; MAX_CORES]),
            shared: PerCore::new([const { ExceptionLock::new(Pair::new()) }; 1]),
            demo: PerCore::new(
                [const {
                    ExceptionLock::new(RefCell::new(DemoState {
                        ticks: 0,
                        work: 0,
                        work_at_last_tick: 0,
                        busiest_tick: 0,
                    }))
                }; MAX_CORES],
            ),
            tallies: Tallies::new(),
        }
    }

    /// Selects the case; boot core, before starting the others.
    pub fn select(&self, case: Case) {
        self.case.store(case as u32, Ordering::Release);
    }

    /// The selected case, once the boot core has selected one.
    pub fn selected(&self) -> Option<Case> {
        let selected = self.case.load(Ordering::Acquire);
        Case::ALL
            .iter()
            .map(|(case, _)| *case)
            .find(|case| *case as u32 == selected)
    }

    /// Records how many cores take part; boot core, once all are started.
    pub fn set_started(&self, cores: usize) {
        self.started.store(cores, Ordering::Release);
    }

    /// Cores taking part.
    pub fn started(&self) -> usize {
        self.started.load(Ordering::Acquire)
    }

    /// The body of the timer interrupt handler.
    pub fn on_timer(&self) {
        let Some(case) = self.selected() else { return };
        P::arm_timer(case.timer_rate());
        // Handlers enter with interrupts masked on AArch64 and RISC-V, not on Cortex-M (where
        // only higher priorities preempt): a nested section is correct everywhere.
        exception_free(|token| self.on_timer_masked(case, token));
    }

    fn on_timer_masked(&self, case: Case, token: ExceptionFree<'_>) {
        let tally = self.tallies.core(P::Cores::core_index());
        bump(&tally.irqs, 1);
        match case {
            Case::Stress | Case::StressUnmasked | Case::StressShared => {
                let pair = self.pair(case, token);
                if !pair.consistent() {
                    bump(&tally.torn, 1);
                }
                pair.update(|| {});
            }
            Case::Demo => {
                let mut state = self.demo.borrow_mut(token);
                state.ticks += 1;
                state.busiest_tick = state.busiest_tick.max(state.work - state.work_at_last_tick);
                state.work_at_last_tick = state.work;
            }
            _ => {}
        }
    }

    /// Runs this core's part of a timer-driven case and marks the core finished.
    pub fn run(&self, case: Case) {
        assert!(case.uses_timer(), "{} is not a timer case", case.name());
        let index = P::Cores::core_index();
        P::enable_timer_interrupt();
        P::arm_timer(case.timer_rate());
        // SAFETY: no section is open; unmasking starts the case.
        unsafe { P::set_mask_state(P::UNMASKED) };
        match case {
            Case::Stress => self.stress(index, |update| exception_free(update)),
            Case::StressUnmasked => self.stress(index, |update| {
                // SAFETY: none; this is the negative control. It forges the token with
                // interrupts enabled so that the harness can show the corruption is detected.
                update(unsafe { ExceptionFree::new() })
            }),
            Case::StressShared => self.stress_shared(index),
            Case::Nesting => self.nesting(index, |inner| exception_free(|_| inner())),
            Case::NestingNaive => self.nesting(index, P::naive_section),
            Case::Demo => self.demo(index),
            Case::Topology | Case::TopologyAff0 => unreachable!(),
        }
        P::stop_timer();
        self.tallies.finish(index);
    }

    fn stress(&self, index: usize, section: impl Fn(&dyn Fn(ExceptionFree<'_>))) {
        let tally = self.tallies.core(index);
        while tally.irqs.load(Ordering::Relaxed) < IRQ_TARGET
            || tally.ops.load(Ordering::Relaxed) < OPS_TARGET
        {
            section(&|token| self.pairs.borrow(token).update(delay));
            bump(&tally.ops, 1);
        }
        P::stop_timer();
        exception_free(|token| {
            let pair = self.pairs.borrow(token);
            if !pair.consistent() {
                bump(&tally.torn, 1);
            }
            let expected = u64::from(tally.ops.load(Ordering::Relaxed))
                + u64::from(tally.irqs.load(Ordering::Relaxed));
            bump(&tally.lost, expected.abs_diff(pair.count()) as u32);
        });
    }

    /// This core's slot, or for [`Case::StressShared`] the one slot all cores share.
    fn pair<'cs>(&'cs self, case: Case, token: ExceptionFree<'cs>) -> &'cs Pair {
        if case == Case::StressShared {
            self.shared.borrow(token)
        } else {
            self.pairs.borrow(token)
        }
    }

    /// The stress loop on the shared slot; lost updates are counted over all cores at the end.
    fn stress_shared(&self, index: usize) {
        let tally = self.tallies.core(index);
        while tally.irqs.load(Ordering::Relaxed) < IRQ_TARGET
            || tally.ops.load(Ordering::Relaxed) < OPS_TARGET
        {
            exception_free(|token| self.shared.borrow(token).update(delay));
            bump(&tally.ops, 1);
        }
        P::stop_timer();
    }

    fn nesting(&self, index: usize, section: impl Fn(&dyn Fn())) {
        let tally = self.tallies.core(index);
        while tally.irqs.load(Ordering::Relaxed) < NESTING_IRQS {
            for &entry in P::ENTRY_STATES {
                // SAFETY: no section is open; the loop enters each state in turn.
                unsafe { P::set_mask_state(entry) };
                let before = P::mask_state();
                section(&|| {
                    let outer = P::is_masked(P::mask_state());
                    section(&|| {
                        if !P::is_masked(P::mask_state()) {
                            bump(&tally.torn, 1);
                        }
                    });
                    if !outer || !P::is_masked(P::mask_state()) {
                        bump(&tally.torn, 1);
                    }
                });
                if P::mask_state() != before {
                    bump(&tally.torn, 1);
                }
                bump(&tally.ops, 1);
            }
            // SAFETY: as above: back to unmasked so the timer can fire between rounds.
            unsafe { P::set_mask_state(P::UNMASKED) };
        }
    }

    fn demo(&self, index: usize) {
        let mut next_line = 100;
        loop {
            let (ticks, work, busiest) = exception_free(|token| {
                let mut state = self.demo.borrow_mut(token);
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
                self.tallies
                    .core(index)
                    .ops
                    .store(work as u32, Ordering::Relaxed);
                return;
            }
        }
    }

    /// Boot core: waits for every core, checks, prints the verdict and ends the run.
    pub fn conclude(&self, case: Case) -> ! {
        let cores = self.started();
        self.tallies.wait_all(cores);
        let name = case.name();
        let mut report = Report::collect(P::ARCH, name, &self.tallies, cores);
        if case == Case::StressShared {
            // Every core's updates went to one slot: compare it with all of them together.
            let pair = exception_free(|token| {
                let pair = self.shared.borrow(token);
                (pair.count(), pair.consistent())
            });
            report.lost = (u64::from(report.ops) + u64::from(report.irqs)).abs_diff(pair.0) as u32;
            report.torn += u32::from(!pair.1);
        }
        let min_irqs = match case {
            Case::Nesting | Case::NestingNaive => NESTING_IRQS,
            _ => MIN_IRQS,
        };
        let pass =
            report.torn == 0 && report.lost == 0 && report.min_irqs >= min_irqs && cores >= 1;
        report.finish(P::ARCH, name, pass)
    }
}

impl<P: Platform> Default for Suite<P> {
    fn default() -> Self {
        Self::new()
    }
}

/// A delay between the steps of an update. The count goes through `black_box` so that the loop
/// is not unrolled: its branches end QEMU translation blocks, the points where QEMU takes
/// interrupts, so the window between steps is open to the timer as on hardware.
fn delay() {
    for _ in 0..core::hint::black_box(40) {
        // SAFETY: `nop` (the same mnemonic on AArch64, Arm and RISC-V) does nothing; being
        // volatile assembly, it keeps the loop from being removed.
        unsafe { core::arch::asm!("nop", options(nomem, nostack, preserves_flags)) };
    }
}
