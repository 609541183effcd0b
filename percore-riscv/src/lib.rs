//! The RISC-V backend of [percore](https://docs.rs/percore): interrupt masking through
//! `mstatus.MIE` (machine mode) or `sstatus.SIE` (supervisor mode), and hart identity.
//!
//! This crate owns the architecture code and nothing else; it does not depend on `percore`, so
//! that `percore` can re-export it. With default features, `percore` selects it on `riscv32` and
//! `riscv64` bare-metal targets and exposes it as `percore::riscv`.
//!
//! # Modes
//!
//! The privilege mode the code runs in is chosen by a feature, machine mode by default:
//!
//! | feature | masks | hart id from |
//! |---|---|---|
//! | none, or `m-mode` | `mstatus.MIE` | `mhartid` |
//! | `s-mode` | `sstatus.SIE` | `tp`, written once per hart by boot code with [`set_hart_id`] |
//!
//! Enabling both is a compile error.
//!
//! In supervisor mode `mhartid` cannot be read; the SBI firmware (OpenSBI) passes the hart id
//! in `a0` when it enters the kernel on a hart, both on the boot hart and on harts started with
//! the HSM extension's `hart_start`. Boot code must hand it to [`set_hart_id`] on each hart
//! before anything asks for the hart id, and must not use `tp` for anything else. Debug builds
//! check that this happened and panic with a message naming `set_hart_id` otherwise.
//!
//! # Hart ids
//!
//! Hart ids need not start at 0 (some SoCs number a monitor hart 0 and the application harts
//! from 1), and the boot hart need not be hart 0 (OpenSBI picks it by lottery). [`HartRange`]
//! maps a declared range of hart ids to dense indices `0..count` and rejects any other id with
//! a [`HartIdError`]. For ids with gaps, [`HartList`] maps a declared list of ids to their
//! positions.
//!
//! ```
//! use percore_riscv::HartRange;
//!
//! // Application harts 1 to 4.
//! const HARTS: HartRange = HartRange::new(1, 4);
//! assert_eq!(HARTS.index_of(1), Ok(0));
//! assert_eq!(HARTS.index_of(4), Ok(3));
//! assert!(HARTS.index_of(0).is_err());
//! assert!(HARTS.index_of(5).is_err());
//! ```

#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]

#[cfg(all(feature = "m-mode", feature = "s-mode"))]
compile_error!(
    "percore-riscv: the `m-mode` and `s-mode` features both choose the privilege mode; enable one"
);

mod hart;
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
mod mask;

#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
pub use hart::hart_id;
#[cfg(all(
    feature = "s-mode",
    any(target_arch = "riscv32", target_arch = "riscv64")
))]
pub use hart::set_hart_id;
pub use hart::{DeclaredHarts, HartIdError, HartList, HartRange};
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
pub use mask::{SavedInterrupts, interrupts_enabled, mask, restore};

/// The privilege mode this build of the crate runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Machine mode: `mstatus.MIE`, `mhartid`.
    Machine,
    /// Supervisor mode: `sstatus.SIE`, hart id kept by boot code in `tp`.
    Supervisor,
}

/// The mode selected by features.
pub const MODE: Mode = if cfg!(feature = "s-mode") {
    Mode::Supervisor
} else {
    Mode::Machine
};
