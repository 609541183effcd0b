//! The state a stress case updates, and the per-core tallies it keeps.

use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};

/// Two counters that must always be equal once an update is complete.
///
/// [`update`](Self::update) changes them in several steps with a delay between them, so an
/// interrupt that lands mid-update sees them differ (a torn update) and one that lands between
/// the read and the write of `a` makes that write discard its own increment (a lost update).
/// Accesses are volatile so that the compiler emits each step as written: the negative controls
/// rely on the window being really there.
#[derive(Default)]
pub struct Pair {
    a: Cell<u64>,
    b: Cell<u64>,
}

impl Pair {
    /// A pair at zero.
    pub const fn new() -> Self {
        Self {
            a: Cell::new(0),
            b: Cell::new(0),
        }
    }

    fn load(cell: &Cell<u64>) -> u64 {
        // SAFETY: the pointer comes from a live `Cell`; the volatile read only pins the access.
        unsafe { cell.as_ptr().read_volatile() }
    }

    fn store(cell: &Cell<u64>, value: u64) {
        // SAFETY: as in `load`; `Cell` allows writes through a shared reference on one thread.
        unsafe { cell.as_ptr().write_volatile(value) }
    }

    /// Adds one to both counters in steps: read `a`, wait, write `a + 1`, wait, add one to `b`.
    #[inline(never)]
    pub fn update(&self, delay: impl Fn()) {
        let a = Self::load(&self.a);
        delay();
        Self::store(&self.a, a + 1);
        delay();
        Self::store(&self.b, Self::load(&self.b) + 1);
    }

    /// Whether the counters agree (no update is half done).
    pub fn consistent(&self) -> bool {
        Self::load(&self.a) == Self::load(&self.b)
    }

    /// The number of completed updates recorded in `a`.
    pub fn count(&self) -> u64 {
        Self::load(&self.a)
    }
}

/// Figures of one core: written by that core only, read by the boot core at the end.
///
/// Only plain loads and stores, no read-modify-write atomics, so it works on cores without
/// them (Armv6-M); each counter has a single writer (the core's main loop or its handler).
#[derive(Default)]
pub struct CoreTally {
    /// Updates done by the main loop.
    pub ops: AtomicU32,
    /// Timer interrupts taken.
    pub irqs: AtomicU32,
    /// Times an inconsistent [`Pair`] was seen.
    pub torn: AtomicU32,
    /// Updates missing from the final count.
    pub lost: AtomicU32,
    /// Set once the core has finished and its figures are final.
    pub done: AtomicU32,
}

/// Adds `by` to a counter that only this context writes.
pub fn bump(counter: &AtomicU32, by: u32) {
    counter.store(counter.load(Ordering::Relaxed) + by, Ordering::Relaxed);
}

/// One [`CoreTally`] per core.
pub struct Tallies<const N: usize> {
    cores: [CoreTally; N],
}

impl<const N: usize> Tallies<N> {
    /// All zero.
    pub const fn new() -> Self {
        Self {
            cores: [const {
                CoreTally {
                    ops: AtomicU32::new(0),
                    irqs: AtomicU32::new(0),
                    torn: AtomicU32::new(0),
                    lost: AtomicU32::new(0),
                    done: AtomicU32::new(0),
                }
            }; N],
        }
    }

    /// The tally of core `index`.
    pub fn core(&self, index: usize) -> &CoreTally {
        &self.cores[index]
    }

    /// Marks core `index` finished: its figures are published to the boot core.
    pub fn finish(&self, index: usize) {
        self.cores[index].done.store(1, Ordering::Release);
    }

    /// Waits until the first `cores` cores have finished. No spin bound: the host's timeout is
    /// the only bound (a vCPU can stall for seconds on a loaded host).
    pub fn wait_all(&self, cores: usize) {
        for tally in &self.cores[..cores] {
            while tally.done.load(Ordering::Acquire) == 0 {
                core::hint::spin_loop();
            }
        }
    }
}

impl<const N: usize> Default for Tallies<N> {
    fn default() -> Self {
        Self::new()
    }
}
