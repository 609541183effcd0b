//! Mapping `MPIDR_EL1` affinities to dense core indices for a declared topology.

use core::fmt;

/// `MPIDR_EL1.MT`: the lowest affinity level (Aff0) numbers hardware threads of one core.
const MT: u64 = 1 << 24;
/// `MPIDR_EL1.U` (uniprocessor) and bit 31 (RES1): not part of the affinity.
const NOT_AFFINITY: u64 = 0b11 << 30;

/// The affinity fields of an `MPIDR_EL1` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Affinity {
    /// Affinity level 3 (`MPIDR_EL1[39:32]`).
    pub aff3: u8,
    /// Affinity level 2 (`MPIDR_EL1[23:16]`).
    pub aff2: u8,
    /// Affinity level 1 (`MPIDR_EL1[15:8]`).
    pub aff1: u8,
    /// Affinity level 0 (`MPIDR_EL1[7:0]`).
    pub aff0: u8,
    /// `MPIDR_EL1.MT`: Aff0 numbers threads within a core, so the core is in Aff1.
    pub mt: bool,
}

impl Affinity {
    /// An affinity with the MT bit clear.
    pub const fn new(aff3: u8, aff2: u8, aff1: u8, aff0: u8) -> Self {
        Self {
            aff3,
            aff2,
            aff1,
            aff0,
            mt: false,
        }
    }

    /// Extracts the affinity fields of an `MPIDR_EL1` value.
    pub const fn from_mpidr(mpidr: u64) -> Self {
        Self {
            aff3: (mpidr >> 32) as u8,
            aff2: (mpidr >> 16) as u8,
            aff1: (mpidr >> 8) as u8,
            aff0: mpidr as u8,
            mt: mpidr & MT != 0,
        }
    }

    /// The affinity fields (and MT bit) in their `MPIDR_EL1` positions: the form PSCI `CPU_ON`
    /// and GICv3 `GICR_TYPER` use to name a core.
    pub const fn to_mpidr(self) -> u64 {
        (self.aff3 as u64) << 32
            | if self.mt { MT } else { 0 }
            | (self.aff2 as u64) << 16
            | (self.aff1 as u64) << 8
            | self.aff0 as u64
    }
}

impl fmt::Display for Affinity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}{}",
            self.aff3,
            self.aff2,
            self.aff1,
            self.aff0,
            if self.mt { " (MT)" } else { "" }
        )
    }
}

/// A declared core topology: `clusters` × `cores_per_cluster` × `threads_per_core`.
///
/// [`index_of`](Self::index_of) maps an `MPIDR_EL1` value to a dense index in
/// `0..core_count()`:
///
/// - MT bit clear: the core is Aff0, the cluster Aff1; Aff2 and Aff3 must be 0; the thread is 0.
/// - MT bit set: the thread is Aff0, the core Aff1, the cluster Aff2; Aff3 must be 0.
///
/// The MT bit describes the affinity layout of the whole system, so it reads the same on every
/// core; the uniqueness of indices relies on that.
///
/// and the index is `(cluster × cores_per_cluster + core) × threads_per_core + thread`.
/// Distinct affinities inside the declaration get distinct indices; an affinity outside it is an
/// [`AffinityError`], never a wrapped or aliased index.
///
/// Platforms whose affinities are not dense (gaps between clusters, Aff2 used for sockets) need
/// their own mapping: implement `percore::Cores` with a table, as Linux and Trusted Firmware-A
/// do for such machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Topology {
    clusters: u16,
    cores_per_cluster: u16,
    threads_per_core: u16,
}

impl Topology {
    /// Declares `clusters` × `cores_per_cluster` × `threads_per_core`.
    ///
    /// # Panics
    ///
    /// If any count is 0 or above 256 (one affinity level holds 256 values). In a `const`
    /// this is a compile-time error.
    pub const fn new(clusters: usize, cores_per_cluster: usize, threads_per_core: usize) -> Self {
        assert!(
            clusters >= 1 && clusters <= 256,
            "clusters must be in 1..=256"
        );
        assert!(
            cores_per_cluster >= 1 && cores_per_cluster <= 256,
            "cores_per_cluster must be in 1..=256"
        );
        assert!(
            threads_per_core >= 1 && threads_per_core <= 256,
            "threads_per_core must be in 1..=256"
        );
        Self {
            clusters: clusters as u16,
            cores_per_cluster: cores_per_cluster as u16,
            threads_per_core: threads_per_core as u16,
        }
    }

    /// One cluster of `cores` single-threaded cores: with the MT bit clear, the index is Aff0.
    pub const fn flat(cores: usize) -> Self {
        Self::new(1, cores, 1)
    }

    /// The number of clusters.
    pub const fn clusters(self) -> usize {
        self.clusters as usize
    }

    /// The number of cores in each cluster.
    pub const fn cores_per_cluster(self) -> usize {
        self.cores_per_cluster as usize
    }

    /// The number of hardware threads of each core.
    pub const fn threads_per_core(self) -> usize {
        self.threads_per_core as usize
    }

    /// The number of indices this topology maps to: every index is below it.
    pub const fn core_count(self) -> usize {
        self.clusters() * self.cores_per_cluster() * self.threads_per_core()
    }

    /// Maps an `MPIDR_EL1` value to its dense index, or explains why it lies outside.
    #[inline(always)]
    pub const fn index_of(self, mpidr: u64) -> Result<usize, AffinityError> {
        let value = mpidr & !NOT_AFFINITY;
        let cores = self.cores_per_cluster as u64;
        // Fast path for the most common layout (one cluster, no threads, MT clear): `value` is
        // then Aff3:0:Aff2:Aff1:Aff0, and a single comparison checks that Aff0 is in range and
        // every other affinity field (and the MT bit) is zero.
        if self.clusters == 1 && self.threads_per_core == 1 && value < cores {
            return Ok(value as usize);
        }
        let (thread, core, cluster) = if value < 1 << 16 {
            // MT clear, Aff3 = Aff2 = 0.
            (0, value & 0xff, value >> 8)
        } else if value ^ MT < 1 << 24 {
            // MT set, Aff3 = 0.
            let value = value ^ MT;
            (value & 0xff, (value >> 8) & 0xff, value >> 16)
        } else {
            return Err(AffinityError {
                mpidr,
                topology: self,
            });
        };
        if thread < self.threads_per_core as u64 && core < cores && cluster < self.clusters as u64 {
            Ok(((cluster * cores + core) * self.threads_per_core as u64 + thread) as usize)
        } else {
            Err(AffinityError {
                mpidr,
                topology: self,
            })
        }
    }

    /// The affinity that [`index_of`](Self::index_of) maps to `index`, or `None` if `index` is
    /// not below [`core_count`](Self::core_count).
    ///
    /// With one thread per core this is the MT-clear layout (core in Aff0), otherwise the MT
    /// layout (thread in Aff0). Boot code uses it to name the cores it starts.
    pub const fn affinity_of(self, index: usize) -> Option<Affinity> {
        if index >= self.core_count() {
            return None;
        }
        let thread = index % self.threads_per_core();
        let core = index / self.threads_per_core() % self.cores_per_cluster();
        let cluster = index / self.threads_per_core() / self.cores_per_cluster();
        Some(if self.threads_per_core == 1 {
            Affinity::new(0, 0, cluster as u8, core as u8)
        } else {
            Affinity {
                aff3: 0,
                aff2: cluster as u8,
                aff1: core as u8,
                aff0: thread as u8,
                mt: true,
            }
        })
    }

    /// The index of the core running this code.
    ///
    /// # Errors
    ///
    /// If this core's affinity lies outside the declared topology.
    #[cfg(target_arch = "aarch64")]
    #[inline(always)]
    pub fn current_index(self) -> Result<usize, AffinityError> {
        self.index_of(read_mpidr())
    }
}

impl fmt::Display for Topology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u16| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} cluster{} × {} core{} × {} thread{}",
            self.clusters,
            plural(self.clusters),
            self.cores_per_cluster,
            plural(self.cores_per_cluster),
            self.threads_per_core,
            plural(self.threads_per_core)
        )
    }
}

/// An `MPIDR_EL1` value whose affinity lies outside a declared [`Topology`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AffinityError {
    /// The offending `MPIDR_EL1` value.
    pub mpidr: u64,
    /// The topology it was checked against.
    pub topology: Topology,
}

impl fmt::Display for AffinityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MPIDR_EL1 {:#x} (affinity {}) lies outside the declared topology of {}",
            self.mpidr,
            Affinity::from_mpidr(self.mpidr),
            self.topology
        )
    }
}

impl core::error::Error for AffinityError {}

/// Reads `MPIDR_EL1` of the core running this code.
#[cfg(target_arch = "aarch64")]
#[inline(always)]
pub fn read_mpidr() -> u64 {
    use aarch64_cpu::registers::{MPIDR_EL1, Readable};
    MPIDR_EL1.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MPIDR_EL1` bit 31 is RES1 on every Armv8-A core.
    const RES1: u64 = 1 << 31;

    #[test]
    fn flat_maps_aff0() {
        let t = Topology::flat(4);
        for core in 0..4 {
            assert_eq!(t.index_of(RES1 | core), Ok(core as usize));
        }
        assert!(t.index_of(RES1 | 4).is_err());
        // A core in cluster 1 must not alias core 0 of cluster 0.
        assert!(t.index_of(RES1 | 1 << 8).is_err());
        assert!(t.index_of(RES1 | 1 << 16).is_err());
        assert!(t.index_of(RES1 | 1 << 32).is_err());
        // The U bit is not an affinity.
        assert_eq!(t.index_of(RES1 | 1 << 30 | 2), Ok(2));
    }

    #[test]
    fn flat_honours_mt() {
        let t = Topology::flat(4);
        // MT set: the core is Aff1; thread 0 is the only declared thread.
        assert_eq!(t.index_of(RES1 | MT | 3 << 8), Ok(3));
        assert!(t.index_of(RES1 | MT | 3 << 8 | 1).is_err());
        assert!(t.index_of(RES1 | MT | 1 << 16).is_err());
    }

    #[test]
    fn clusters_and_threads_are_dense_and_unique() {
        for &(c, k, th) in &[(2, 4, 1), (3, 2, 2), (1, 16, 1), (2, 16, 1), (4, 1, 4)] {
            let t = Topology::new(c, k, th);
            for index in 0..t.core_count() {
                let aff = t.affinity_of(index).unwrap();
                assert_eq!(t.index_of(RES1 | aff.to_mpidr()), Ok(index), "{t}: {aff}");
            }
            assert_eq!(t.affinity_of(t.core_count()), None);
        }
    }

    #[test]
    fn every_affinity_maps_inside_or_errs() {
        // Exhaustive over the low affinity levels, with MT clear and with MT set (the MT bit
        // describes the whole system's layout, so it is the same on every core): never an index
        // out of range, never two affinities on one index.
        let t = Topology::new(2, 3, 2);
        for mt in [0, MT] {
            let mut owner = vec![None; t.core_count()];
            for aff2 in 0..4u64 {
                for aff1 in 0..5u64 {
                    for aff0 in 0..5u64 {
                        let mpidr = RES1 | mt | aff2 << 16 | aff1 << 8 | aff0;
                        if let Ok(index) = t.index_of(mpidr) {
                            assert!(index < t.core_count());
                            assert_eq!(owner[index], None, "{mpidr:#x} aliases another core");
                            owner[index] = Some(mpidr);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn error_names_the_affinity_and_topology() {
        let error = Topology::new(1, 16, 1)
            .index_of(RES1 | 1 << 8 | 2)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "MPIDR_EL1 0x80000102 (affinity 0.0.1.2) lies outside the declared topology of \
             1 cluster × 16 cores × 1 thread"
        );
    }

    #[test]
    #[should_panic(expected = "cores_per_cluster must be in 1..=256")]
    fn rejects_empty_topology() {
        Topology::new(1, 0, 1);
    }
}
