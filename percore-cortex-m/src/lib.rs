//! The Cortex-M backend of [percore](https://docs.rs/percore): interrupt masking through
//! `PRIMASK`, and core identity on multi-core microcontrollers.
//!
//! This crate owns the architecture code and nothing else; it does not depend on `percore`, so
//! that `percore` can re-export it. With default features, `percore` selects it on M-profile
//! targets (`thumbv6m`, `thumbv7m`, `thumbv7em`, `thumbv8m.*`; a build script tells them apart),
//! distinct from A/R-profile `arm` targets, and exposes it as `percore::cortex_m`.
//!
//! # What is masked
//!
//! [`mask`] sets `PRIMASK`, which raises the execution priority to 0: every exception with
//! configurable priority (all interrupts, SysTick, PendSV, SVCall, and the configurable faults)
//! waits until [`restore`]. `PRIMASK` does not mask NMI and HardFault (fixed priorities -2 and
//! -1). Code that runs in those handlers must not touch state protected by percore.
//!
//! # Core identity
//!
//! Armv6-M, Armv7-M and Armv8-M have no architectural core-id register: identity is specific to
//! the SoC. This crate reads a memory-mapped core-id register described by a
//! [`CoreIdRegister`] implementation; ready-made ones, each behind a feature that asserts the
//! part: [`Sse200`] / [`Sse200NonSecure`] (feature `sse-200`: MPS2 AN521, MPS3 AN524) and
//! [`Rp2040`] (feature `rp2040`). A single-core part has no such register: percore's
//! `SingleCore` (percore feature `cortex-m-single-core`) always answers 0, which is sound only
//! when there is one core; that is why it is never enabled by default.
//!
//! ```
//! use percore_cortex_m::{CoreIdRegister, core_index_from};
//!
//! // A made-up dual-core part whose core-id register reads 0 or 1.
//! struct MyChip;
//! // SAFETY: (on that part) the register at ADDRESS reads a distinct, fixed id on each core.
//! unsafe impl CoreIdRegister for MyChip {
//!     const ADDRESS: usize = 0x4000_0000;
//!     const CORES: usize = 2;
//! }
//! // The check applied to what the register reads:
//! assert_eq!(core_index_from::<MyChip>(1), Ok(1));
//! assert!(core_index_from::<MyChip>(2).is_err());
//! ```

#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]

mod core_id;
#[cfg(all(target_arch = "arm", mclass))]
mod mask;

#[cfg(feature = "rp2040")]
pub use core_id::Rp2040;
#[cfg(all(target_arch = "arm", mclass))]
pub use core_id::read_core_index;
pub use core_id::{CoreIdError, CoreIdRegister, core_index_from};
#[cfg(feature = "sse-200")]
pub use core_id::{Sse200, Sse200NonSecure};
#[cfg(all(target_arch = "arm", mclass))]
pub use mask::{SavedPrimask, interrupts_masked, mask, restore};
