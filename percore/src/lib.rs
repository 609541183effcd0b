//! Safe per-core mutable state for `no_std` multi-core systems, through exception masking.
//!
//! Firmware, kernels, hypervisors and secure monitors keep state per CPU core: counters,
//! run queues, the current task. Two things can break into such state: another core, and an
//! exception handler on the same core. percore rules out both in the type system:
//!
//! - [`PerCore`] holds one value per core and hands each core only its own, picked by a
//!   [`Cores`] implementation (core identity).
//! - [`ExceptionLock`] makes a value reachable only with an [`ExceptionFree`] token: proof that
//!   exceptions are masked on this core, which [`exception_free`] provides for the duration of a
//!   closure, restoring the previous mask state afterwards.
//!
//! Together, `PerCore<[ExceptionLock<T>; N], C>` is `Sync` and can be a `static`, without any
//! lock shared between cores.
//!
//! ```
//! use core::cell::RefCell;
//! use percore::{ExceptionLock, PerCore, exception_free};
//! # use percore::host::HostCores as MyCores;
//!
//! struct Scheduler {
//!     ready: [u16; 8],
//!     len: usize,
//! }
//!
//! // One scheduler per core; `MyCores` tells which core is running.
//! static SCHEDULERS: PerCore<[ExceptionLock<RefCell<Scheduler>>; 4], MyCores> = PerCore::new(
//!     [const { ExceptionLock::new(RefCell::new(Scheduler { ready: [0; 8], len: 0 })) }; 4],
//! );
//!
//! fn make_ready(task: u16) {
//!     // Interrupt handlers on this core cannot run until the closure returns, and other cores
//!     // have schedulers of their own.
//!     exception_free(|token| {
//!         let mut scheduler = SCHEDULERS.borrow_mut(token);
//!         let len = scheduler.len;
//!         scheduler.ready[len] = task;
//!         scheduler.len += 1;
//!     });
//! }
//! # percore::host::run_on_cores(4, |_| make_ready(7));
//! ```
//!
//! # Backends
//!
//! Masking and core identity are architecture code, kept in backend crates that percore
//! re-exports. With default features, the backend of the target architecture is selected on
//! bare-metal targets:
//!
//! | target | backend | masking | core identity |
//! |---|---|---|---|
//! | `aarch64-*-none*` | `percore-aarch64`, as `percore::aarch64` | `DAIF` (D, A, I, F) at EL1, EL2 or EL3 | `MPIDR_EL1` for a declared topology: `FlatCores<N>`, `ClusterCores<C, K>`, `MpidrCores<C, K, T>` |
//! | `riscv32*-none*`, `riscv64*-none*` | `percore-riscv`, as `percore::riscv` | `mstatus.MIE` (M-mode) or `sstatus.SIE` (S-mode, `riscv-s-mode`) | hart id (`mhartid`, or `tp` set by boot code in S-mode) in a declared range: `HartCores<N, FIRST>` |
//! | `thumbv6m`, `thumbv7m`, `thumbv7em`, `thumbv8m.*` (M-profile) | `percore-cortex-m`, as `percore::cortex_m` | `PRIMASK` (not NMI, HardFault) | a SoC core-id register: `Sse200Cores`, `Rp2040Cores`, `MmioCores<R>`; `SingleCore` for single-core parts (explicit feature) |
//! | host (`unix`/`windows`), `host-test` feature | [`host`] | per-thread flag, simulated interrupts | thread `i` of [`host::run_on_cores`] is core `i` |
//!
//! On a target without a backend everything but [`exception_free`] still builds. To port to
//! a new architecture, implement [`ExceptionMasking`] (mask and restore, in your own crate) and
//! [`Cores`], and run sections with [`exception_free_with`]; to make it built-in, add a
//! `percore-<arch>` crate that owns the architecture code (it must not depend on `percore`),
//! a feature and a target-specific dependency here, and a branch in the backend selection at
//! the top of `lib.rs`.
//!
//! # Features
//!
//! - `auto` (default): select the backend of the target architecture on bare-metal targets
//!   (neither `unix` nor `windows`). On hosted targets it does nothing.
//! - `aarch64`: select the AArch64 backend explicitly; a compile error on other architectures.
//! - `riscv`: select the RISC-V backend explicitly (machine mode); a compile error on other
//!   architectures.
//! - `cortex-m`: select the Cortex-M backend explicitly; a compile error on targets that are not
//!   M-profile Arm.
//! - `cortex-m-single-core`: `cortex_m::SingleCore`, core index 0. **Unsound on a multi-core
//!   part**: two cores would share every per-core slot. Enable it only for single-core parts.
//! - `cortex-m-sse-200`, `cortex-m-rp2040`: the ready-made core-id registers of the Arm SSE-200
//!   (MPS2 AN521, MPS3 AN524) and the RP2040; enabling one asserts the part.
//! - `riscv-s-mode`: the RISC-V backend in supervisor mode: masks `sstatus.SIE`, and boot code
//!   records each hart's id with `percore::riscv::set_hart_id` (see `percore_riscv`).
//! - `alloc`: `PerCore<Box<[T]>, C>` with [`PerCore::new_with_default`]. Not a default feature
//!   (it was in the original crate): linking `alloc` needs a global allocator, which much
//!   firmware does not have.
//! - `host-test`: the [`host`] test backend, for unit tests of code that uses per-core state.
//!   A compile error on bare-metal targets, and with an architecture backend feature.
//!
//! # Soundness
//!
//! The model is the one of the original `percore` crate: a core runs its own code, and code
//! does not migrate between cores while it holds per-core references (see the [`Cores`]
//! contract). On top of it: the token is `!Send + !Sync` and cannot outlive its section;
//! sections nest and restore the state they found, also when a closure panics and unwinds; a
//! core index out of range is a panic that names it, never an out-of-bounds access.

#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "alloc")]
mod boxed;
mod cores;
mod exceptions;
mod lock;
mod per_core;

pub use cores::Cores;
pub use exceptions::{ExceptionFree, ExceptionMasking, exception_free_with};
pub use lock::ExceptionLock;
pub use per_core::PerCore;

#[cfg(all(feature = "aarch64", not(target_arch = "aarch64")))]
compile_error!(
    "percore: the `aarch64` feature selects the AArch64 backend, but the target architecture is \
     not aarch64. Remove the feature (the default `auto` feature picks the backend of the target)."
);

#[cfg(all(feature = "host-test", not(any(unix, windows))))]
compile_error!(
    "percore: the `host-test` feature is the host test backend (threads as cores) and needs an \
     operating system; it must not be enabled for firmware. Enable it only in \
     [dev-dependencies], or for host targets."
);

#[cfg(all(
    feature = "riscv",
    not(any(target_arch = "riscv32", target_arch = "riscv64"))
))]
compile_error!(
    "percore: the `riscv` (or `riscv-s-mode`) feature selects the RISC-V backend, but the target \
     architecture is not riscv32 or riscv64. Remove the feature (the default `auto` feature picks \
     the backend of the target)."
);

#[cfg(all(feature = "cortex-m", not(all(target_arch = "arm", mclass))))]
compile_error!(
    "percore: the `cortex-m` (or `cortex-m-*`) feature selects the Cortex-M backend, but the \
     target is not an M-profile Arm target (thumbv6m, thumbv7m, thumbv7em, thumbv8m). A/R-profile \
     Arm targets have no backend yet."
);

#[cfg(all(
    feature = "host-test",
    any(feature = "aarch64", feature = "riscv", feature = "cortex-m")
))]
compile_error!(
    "percore: the `host-test` feature and an architecture feature both select a backend; \
     enable only one."
);

// Backend selection: the one place that decides which backend `exception_free` uses.
cfg_if::cfg_if! {
    if #[cfg(feature = "host-test")] {
        pub mod host;
        exceptions::exception_free_for!(host::HostMasking);
    } else if #[cfg(all(
        target_arch = "aarch64",
        any(feature = "aarch64", all(feature = "auto", not(any(unix, windows))))
    ))] {
        pub mod aarch64;
        exceptions::exception_free_for!(aarch64::DaifMasking);
    } else if #[cfg(all(
        any(target_arch = "riscv32", target_arch = "riscv64"),
        any(feature = "riscv", all(feature = "auto", not(any(unix, windows))))
    ))] {
        pub mod riscv;
        exceptions::exception_free_for!(riscv::InterruptMasking);
    } else if #[cfg(all(
        target_arch = "arm",
        mclass,
        any(feature = "cortex-m", all(feature = "auto", not(any(unix, windows))))
    ))] {
        pub mod cortex_m;
        exceptions::exception_free_for!(cortex_m::PrimaskMasking);
    }
}
