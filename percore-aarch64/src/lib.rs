//! The AArch64 backend of [percore](https://docs.rs/percore): exception masking through `DAIF`
//! and core identity through `MPIDR_EL1`.
//!
//! This crate owns the architecture code and nothing else; it does not depend on `percore`, so
//! that `percore` can re-export it. Most users never name it: with default features, `percore`
//! selects it on `aarch64` bare-metal targets and exposes its items as `percore::aarch64`.
//!
//! - [`mask`] / [`restore`]: mask IRQ, FIQ, SError and Debug exceptions on the current core,
//!   and put back exactly the state found before. They work at EL1, EL2 and EL3: `DAIF` is
//!   the same register at every exception level.
//! - [`Topology`]: a declared clusters × cores × threads topology that maps an `MPIDR_EL1`
//!   affinity to a dense core index, honouring the MT bit, and rejects any affinity outside
//!   the declaration with an [`AffinityError`] instead of aliasing two cores.
//!
//! The register-level code ([`mask`], [`restore`], [`read_mpidr`], [`Topology::current_index`])
//! exists only when compiling for `target_arch = "aarch64"`; the pure affinity arithmetic builds
//! everywhere so that it can be unit-tested (and run under Miri) on any host.
//!
//! ```
//! use percore_aarch64::{Affinity, Topology};
//!
//! // Two clusters of four cores, one thread each: MPIDR Aff1 picks the cluster.
//! const TOPOLOGY: Topology = Topology::new(2, 4, 1);
//! assert_eq!(TOPOLOGY.index_of(0x8000_0102), Ok(6));
//! assert_eq!(TOPOLOGY.affinity_of(6), Some(Affinity::new(0, 0, 1, 2)));
//! // Cluster 2 was not declared: an error, never an aliased index.
//! assert!(TOPOLOGY.index_of(0x8000_0200).is_err());
//! ```

#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]

#[cfg(target_arch = "aarch64")]
mod mask;
mod mask_state;
mod topology;

#[cfg(target_arch = "aarch64")]
pub use mask::{daif, mask, restore};
pub use mask_state::SavedDaif;
#[cfg(target_arch = "aarch64")]
pub use topology::read_mpidr;
pub use topology::{Affinity, AffinityError, Topology};
