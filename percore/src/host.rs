//! The host test backend: each thread acts as a core, and interrupts are simulated.
//!
//! Enabled by the `host-test` feature, which only builds for hosted targets (`unix` or
//! `windows`): it cannot end up in firmware by accident. Typical use is a dev-dependency:
//!
//! ```toml
//! [dev-dependencies]
//! percore = { version = "0.4", features = ["host-test"] }
//! ```
//!
//! - [`run_on_cores`] runs a closure on `n` threads at once, thread `i` being core `i` for
//!   [`HostCores`]. Only one simulated machine runs at a time in a process (others wait), so
//!   tests that share a `static PerCore` cannot step on each other.
//! - Masking is a per-thread flag ([`is_masked`]), with the same nesting and restore rules as on
//!   hardware.
//! - [`interrupt`] simulates an interrupt on the calling thread: its handler runs at once when
//!   the thread is unmasked, or is held pending until the outermost masked section ends, exactly
//!   when hardware would take it.
//!
//! ```
//! use core::cell::Cell;
//! use percore::{ExceptionFree, ExceptionLock, PerCore, exception_free, host};
//!
//! static COUNT: PerCore<[ExceptionLock<Cell<u32>>; 2], host::HostCores> =
//!     PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 2]);
//!
//! fn on_timer() {
//!     // SAFETY: interrupt handlers run with interrupts masked.
//!     let token = unsafe { ExceptionFree::new() };
//!     COUNT.borrow(token).set(COUNT.borrow(token).get() + 100);
//! }
//!
//! let counts = host::run_on_cores(2, |_core| {
//!     exception_free(|token| {
//!         let count = COUNT.borrow(token);
//!         let before = count.get();
//!         host::interrupt(on_timer); // held pending: we are masked
//!         count.set(before + 1); // so this update cannot be lost
//!     });
//!     // The pending interrupt ran when the section ended.
//!     exception_free(|token| COUNT.borrow(token).get())
//! });
//! assert_eq!(counts, [101, 101]);
//! ```

extern crate std;

use std::{
    boxed::Box,
    cell::{Cell, RefCell},
    collections::VecDeque,
    panic::resume_unwind,
    sync::{Mutex, PoisonError},
    thread,
    vec::Vec,
};

use crate::{Cores, ExceptionMasking};

std::thread_local! {
    /// The simulated core this thread is, if any.
    static CORE: Cell<Option<usize>> = const { Cell::new(None) };
    /// Whether this thread's (simulated) exceptions are masked.
    static MASKED: Cell<bool> = const { Cell::new(false) };
    /// Interrupts raised while masked, oldest first.
    static PENDING: RefCell<VecDeque<Box<dyn FnOnce()>>> = const { RefCell::new(VecDeque::new()) };
}

/// Held while a simulated machine runs: one machine at a time per process.
static MACHINE: Mutex<()> = Mutex::new(());

/// Core identity for host tests: the index [`run_on_cores`] gave the calling thread.
///
/// # Panics
///
/// `core_index` panics on a thread that [`run_on_cores`] did not start.
pub struct HostCores;

// SAFETY: `run_on_cores` gives each of its threads a distinct index, fixed for the thread's
// life, and holds the process-wide `MACHINE` lock until all of them have been joined, so no two
// live threads ever have the same index. Threads cannot migrate: a thread is its core.
unsafe impl Cores for HostCores {
    #[track_caller]
    fn core_index() -> usize {
        match CORE.get() {
            Some(index) => index,
            None => panic!(
                "this thread is not a simulated core: call percore::host::HostCores::core_index \
                 only inside percore::host::run_on_cores"
            ),
        }
    }
}

/// Runs `f(i)` on `cores` threads at once, thread `i` acting as core `i`, and returns the
/// results in core order.
///
/// Waits for any other simulated machine in the process to finish first. A panic on any core
/// is propagated once all cores have stopped.
///
/// # Panics
///
/// If called from a simulated core (machines do not nest), or if `f` panics.
pub fn run_on_cores<R: Send>(cores: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    if let Some(core) = CORE.get() {
        panic!("run_on_cores called on simulated core {core}: simulated machines do not nest");
    }
    let _machine = MACHINE.lock().unwrap_or_else(PoisonError::into_inner);
    let f = &f;
    thread::scope(|scope| {
        let threads: Vec<_> = (0..cores)
            .map(|core| {
                thread::Builder::new()
                    .name(std::format!("core {core}"))
                    .spawn_scoped(scope, move || {
                        CORE.set(Some(core));
                        f(core)
                    })
                    .expect("failed to spawn a thread for a simulated core")
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|thread| thread.join()).collect();
        results
            .into_iter()
            .map(|result| result.unwrap_or_else(|panic| resume_unwind(panic)))
            .collect()
    })
}

/// Whether exceptions are (simulated as) masked on the calling thread.
pub fn is_masked() -> bool {
    MASKED.get()
}

/// The number of interrupts held pending on the calling thread.
pub fn pending_interrupts() -> usize {
    PENDING.with_borrow(VecDeque::len)
}

/// Simulates an interrupt on the calling thread.
///
/// If the thread is unmasked, `handler` runs now, with exceptions masked as on hardware entry.
/// Otherwise it is held pending and runs when the outermost masked section ends.
pub fn interrupt(handler: impl FnOnce() + 'static) {
    if MASKED.get() {
        PENDING.with_borrow_mut(|pending| pending.push_back(Box::new(handler)));
    } else {
        take_interrupt(handler);
    }
}

/// Runs a handler as hardware would: masked on entry, unmasked on return (also if it panics).
fn take_interrupt(handler: impl FnOnce()) {
    struct Unmask;
    impl Drop for Unmask {
        fn drop(&mut self) {
            MASKED.set(false);
        }
    }
    MASKED.set(true);
    let _unmask = Unmask;
    handler();
}

/// Simulated masking: a per-thread flag; the backend of [`exception_free`](crate::exception_free)
/// with the `host-test` feature.
pub struct HostMasking;

// SAFETY: while the flag is set, `interrupt` only queues handlers; they run only once `restore`
// clears the flag, i.e. after the outermost section ended. `restore` puts back the saved flag.
unsafe impl ExceptionMasking for HostMasking {
    type State = bool;

    fn mask() -> bool {
        MASKED.replace(true)
    }

    unsafe fn restore(was_masked: bool) {
        MASKED.set(was_masked);
        if !was_masked {
            while let Some(handler) = PENDING.with_borrow_mut(VecDeque::pop_front) {
                take_interrupt(handler);
            }
        }
    }
}
