//! The AArch64 backend: the [`percore_aarch64`] crate, plus its [`ExceptionMasking`] and
//! [`Cores`] implementations.
//!
//! Everything of `percore_aarch64` is re-exported here ([`mask`], [`restore`], [`Topology`],
//! [`read_mpidr`], ...), so users need not depend on it.

pub use percore_aarch64::*;

use crate::{Cores, ExceptionMasking};

/// Masks IRQ, FIQ, SError and Debug exceptions through `DAIF`; the backend of
/// [`exception_free`](crate::exception_free) on AArch64.
pub struct DaifMasking;

// SAFETY: `mask` sets all four DAIF mask bits, so no exception other than a synchronous one
// caused by the code itself (which runs no asynchronous handler) is taken until `restore`
// writes back the saved DAIF value, which is exactly the state found.
unsafe impl ExceptionMasking for DaifMasking {
    type State = SavedDaif;

    #[inline(always)]
    fn mask() -> SavedDaif {
        mask()
    }

    #[inline(always)]
    unsafe fn restore(state: SavedDaif) {
        // SAFETY: the caller passes on the guarantees `percore_aarch64::restore` requires.
        unsafe { restore(state) }
    }
}

/// Core identity from `MPIDR_EL1` for a declared topology of `CLUSTERS` × `CORES` × `THREADS`.
///
/// See [`Topology`] for the mapping. An affinity outside the declared topology panics with a
/// message naming the `MPIDR_EL1` value and the topology, never aliases another core's slot.
///
/// ```no_run
/// use core::cell::Cell;
/// use percore::{ExceptionLock, PerCore, aarch64::ClusterCores};
///
/// // Two clusters of four cores: index = Aff1 × 4 + Aff0.
/// static HITS: PerCore<[ExceptionLock<Cell<u32>>; 8], ClusterCores<2, 4>> =
///     PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 8]);
/// ```
pub struct MpidrCores<const CLUSTERS: usize, const CORES: usize, const THREADS: usize = 1>;

/// One cluster of `N` single-threaded cores: the index is `MPIDR_EL1.Aff0` (or Aff1 with MT set).
pub type FlatCores<const N: usize> = MpidrCores<1, N, 1>;

/// `CLUSTERS` clusters of `CORES` single-threaded cores.
pub type ClusterCores<const CLUSTERS: usize, const CORES: usize> = MpidrCores<CLUSTERS, CORES, 1>;

impl<const CLUSTERS: usize, const CORES: usize, const THREADS: usize>
    MpidrCores<CLUSTERS, CORES, THREADS>
{
    /// The declared topology.
    pub const TOPOLOGY: Topology = Topology::new(CLUSTERS, CORES, THREADS);
}

// SAFETY: `Topology::index_of` maps distinct affinities to distinct indices and rejects (here:
// panics on) every affinity outside the topology, and MPIDR_EL1 is unique per core and constant
// (Arm ARM: "the affinity value of each PE is unique within the system"), so two cores never get
// the same index and a core always gets the same one.
unsafe impl<const CLUSTERS: usize, const CORES: usize, const THREADS: usize> Cores
    for MpidrCores<CLUSTERS, CORES, THREADS>
{
    #[inline(always)]
    fn core_index() -> usize {
        let mpidr = read_mpidr();
        match Self::TOPOLOGY.index_of(mpidr) {
            Ok(index) => index,
            Err(_) => {
                // A jump, not a call: the error path then needs no stack frame, so the hot path
                // of the function this is inlined into needs none either (it would otherwise
                // save and restore the link register on every access).
                // SAFETY: this enters `outside_topology` as a call would (its argument in x0,
                // the stack pointer unchanged and 16-byte aligned, as LLVM keeps it on AArch64)
                // but without a return address, which a function that never returns does not
                // need.
                unsafe {
                    core::arch::asm!(
                        "b {fail}",
                        fail = sym outside_topology::<CLUSTERS, CORES, THREADS>,
                        in("x0") mpidr,
                        options(noreturn, nostack),
                    )
                }
            }
        }
    }
}

/// Panics with the affinity error of `mpidr` for the declared topology.
#[cold]
extern "C" fn outside_topology<const CLUSTERS: usize, const CORES: usize, const THREADS: usize>(
    mpidr: u64,
) -> ! {
    let topology = Topology::new(CLUSTERS, CORES, THREADS);
    panic!("{}", AffinityError { mpidr, topology })
}
