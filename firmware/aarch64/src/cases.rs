//! The AArch64 platform for the shared cases, and the AArch64-only topology case.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use percore::Cores;
use percore::aarch64::{ClusterCores, SavedDaif, Topology, daif, read_mpidr, restore};
use percore_testkit::cases::{Case, MAX_CORES, Platform, Suite};
use percore_testkit::{Report, Tallies, println};

use crate::platform::TOPOLOGY;
use crate::{gic, timer};

const ARCH: &str = "aarch64";

/// How the firmware names cores: two clusters of 16, validated against MPIDR_EL1.
pub type FirmwareCores = ClusterCores<2, 16>;

/// QEMU `virt` with GICv3 and the generic timer.
pub struct Virt;

/// The 16 DAIF states, as `SavedDaif` values (D, A, I, F are bits 9..6).
const DAIF_STATES: [SavedDaif; 16] = {
    let mut states = [SavedDaif::from_bits(0); 16];
    let mut i = 0;
    while i < 16 {
        states[i] = SavedDaif::from_bits((i as u64) << 6);
        i += 1;
    }
    states
};

impl Platform for Virt {
    const ARCH: &'static str = ARCH;
    type Cores = FirmwareCores;
    type MaskState = SavedDaif;
    const ENTRY_STATES: &'static [SavedDaif] = &DAIF_STATES;
    const UNMASKED: SavedDaif = SavedDaif::from_bits(0);

    fn mask_state() -> SavedDaif {
        daif()
    }

    fn is_masked(state: SavedDaif) -> bool {
        state.all_masked()
    }

    unsafe fn set_mask_state(state: SavedDaif) {
        // SAFETY: the caller guarantees no section is open.
        unsafe { restore(state) }
    }

    fn naive_section(inner: &dyn Fn()) {
        // SAFETY: masking all of DAIF is always sound.
        unsafe { core::arch::asm!("msr daifset, #0xf", options(nostack, preserves_flags)) };
        inner();
        // SAFETY: negative control: the unconditional unmask is the bug under test. No token
        // or borrow is alive here, so it breaks the state check, not memory safety.
        unsafe { core::arch::asm!("msr daifclr, #0xf", options(nostack, preserves_flags)) };
    }

    fn enable_timer_interrupt() {
        gic::init_core(timer::intid());
    }

    fn arm_timer(per_second: u32) {
        timer::arm(timer::frequency() / u64::from(per_second));
    }

    fn stop_timer() {
        timer::stop();
    }
}

/// The shared cases' state.
pub static SUITE: Suite<Virt> = Suite::new();

/// Per core (by start order): the MPIDR_EL1 it reported and the index it computed.
static MPIDRS: [AtomicU64; MAX_CORES] = [const { AtomicU64::new(0) }; MAX_CORES];
static INDICES: [AtomicUsize; MAX_CORES] = [const { AtomicUsize::new(usize::MAX) }; MAX_CORES];
/// Topology cores finished, by start order.
static TOPOLOGY_DONE: Tallies<MAX_CORES> = Tallies::new();

/// Runs this core's part of `case`. `slot` is the core's start order (0 for the boot core).
pub fn run(case: Case, slot: usize) {
    match case {
        Case::Topology => topology(slot, FirmwareCores::core_index),
        Case::TopologyAff0 => topology(slot, || (read_mpidr() & 0xff) as usize),
        _ => SUITE.run(case),
    }
}

fn topology(slot: usize, index_of_this_core: fn() -> usize) {
    MPIDRS[slot].store(read_mpidr(), Ordering::Relaxed);
    INDICES[slot].store(index_of_this_core(), Ordering::Relaxed);
    TOPOLOGY_DONE.finish(slot);
}

/// Boot core: waits for all cores, checks, prints the verdict and ends the run.
pub fn conclude(case: Case, expected_cores: Option<usize>) -> ! {
    match case {
        Case::Topology | Case::TopologyAff0 => conclude_topology(case.name(), expected_cores),
        _ => SUITE.conclude(case),
    }
}

fn conclude_topology(name: &str, expected_cores: Option<usize>) -> ! {
    let cores = SUITE.started();
    TOPOLOGY_DONE.wait_all(cores);
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
