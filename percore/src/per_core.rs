//! [`PerCore`]: one value per core, where each core reaches only its own.

use core::{cell::RefCell, cell::RefMut, marker::PhantomData};

use crate::{Cores, ExceptionFree, ExceptionLock};

/// One value per core; code running on a core reaches only that core's value.
///
/// `V` holds the values, indexed by [`C::core_index`](Cores::core_index): an array
/// `[T; N]`, or with the `alloc` feature a `Box<[T]>`.
///
/// `PerCore<[ExceptionLock<T>; N], C>` (and the boxed form) is `Sync` when `T: Send`, so it can
/// be a `static`: another core never touches this core's slot (the [`Cores`] contract), and on
/// this core the [`ExceptionLock`] keeps exception handlers out while the value is in use.
/// Inner mutability without an `ExceptionLock` (a bare `RefCell` or `Cell`) is not `Sync`: an
/// interrupt handler on the same core could break into the middle of an update.
///
/// ```
/// use core::cell::RefCell;
/// use percore::{ExceptionLock, PerCore, exception_free, host::{HostCores, run_on_cores}};
///
/// #[derive(Default)]
/// struct Stats {
///     ticks: u64,
///     last: u64,
/// }
///
/// static STATS: PerCore<[ExceptionLock<RefCell<Stats>>; 4], HostCores> = PerCore::new(
///     [const { ExceptionLock::new(RefCell::new(Stats { ticks: 0, last: 0 })) }; 4],
/// );
///
/// // In tests, each thread stands in for one core.
/// let ticks = run_on_cores(4, |core| {
///     for now in 0..10 {
///         exception_free(|token| {
///             let mut stats = STATS.borrow_mut(token);
///             stats.ticks += 1;
///             stats.last = now;
///         });
///     }
///     exception_free(|token| STATS.borrow_mut(token).ticks)
/// });
/// assert_eq!(ticks, [10; 4]);
/// ```
///
/// # Invariants
///
/// `values` is only reached through the slot `C::core_index()` picks, so each slot is only ever
/// touched by one core.
#[repr(transparent)]
pub struct PerCore<V: ?Sized, C: Cores> {
    _cores: PhantomData<C>,
    pub(crate) values: V,
}

impl<V, C: Cores> PerCore<V, C> {
    /// Creates a set of per-core values.
    pub const fn new(values: V) -> Self {
        Self {
            _cores: PhantomData,
            values,
        }
    }

    /// Unwraps the values of all cores.
    pub fn into_inner(self) -> V {
        self.values
    }
}

impl<V: Default, C: Cores> Default for PerCore<V, C> {
    fn default() -> Self {
        Self::new(V::default())
    }
}

/// Picks `values[index]`, or panics naming the index and the core count.
#[inline(always)]
#[track_caller]
pub(crate) fn slot<T>(values: &[T], index: usize) -> &T {
    match values.get(index) {
        Some(value) => value,
        None => out_of_range(index, values.len()),
    }
}

/// [`slot`] for a mutable slice.
#[inline(always)]
#[track_caller]
pub(crate) fn slot_mut<T>(values: &mut [T], index: usize) -> &mut T {
    let len = values.len();
    match values.get_mut(index) {
        Some(value) => value,
        None => out_of_range(index, len),
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn out_of_range(index: usize, core_count: usize) -> ! {
    panic!(
        "core index {index} is out of range: this PerCore holds values for {core_count} cores \
         (the Cores implementation and the per-core array length disagree)"
    )
}

impl<T, C: Cores, const N: usize> PerCore<[T; N], C> {
    /// The value of the current core.
    ///
    /// # Panics
    ///
    /// If the core index is not below `N`.
    #[inline(always)]
    #[track_caller]
    pub fn get(&self) -> &T {
        slot(&self.values, C::core_index())
    }

    /// The value of the current core, mutably.
    ///
    /// # Panics
    ///
    /// If the core index is not below `N`.
    #[inline(always)]
    #[track_caller]
    pub fn get_mut(&mut self) -> &mut T {
        slot_mut(&mut self.values, C::core_index())
    }

    /// The number of cores this holds values for.
    pub const fn core_count(&self) -> usize {
        N
    }
}

impl<T, C: Cores, const N: usize> PerCore<[ExceptionLock<T>; N], C> {
    /// The current core's value, for as long as exceptions stay masked.
    ///
    /// Unlike `get().borrow(token)`, the core index is looked up inside the masked section, so
    /// the result is right even where code can migrate between cores while unmasked.
    ///
    /// # Panics
    ///
    /// If the core index is not below `N`.
    #[inline(always)]
    #[track_caller]
    pub fn borrow<'cs>(&'cs self, token: ExceptionFree<'cs>) -> &'cs T {
        self.get().borrow(token)
    }
}

impl<T, C: Cores, const N: usize> PerCore<[ExceptionLock<RefCell<T>>; N], C> {
    /// Mutably borrows the current core's value while exceptions stay masked.
    ///
    /// # Panics
    ///
    /// If the core index is not below `N`, or the value is already borrowed.
    #[inline(always)]
    #[track_caller]
    pub fn borrow_mut<'cs>(&'cs self, token: ExceptionFree<'cs>) -> RefMut<'cs, T> {
        self.get().borrow_mut(token)
    }
}

// SAFETY: A `&PerCore` shared between cores only ever yields each core's own slot (the `Cores`
// contract: distinct indices on distinct cores, no migration while a reference is held), so no
// two cores reach the same `ExceptionLock<T>`. On one core, the contents of the `ExceptionLock`
// are only reachable with an `ExceptionFree` token, i.e. with exceptions masked, so an exception
// handler (the other "thread" of execution on a core) cannot run while they are in use. `T` is
// thus only ever used by one thread of execution at a time, which is exactly what `T: Send`
// allows; `T` need not be `Sync`.
unsafe impl<T: Send, C: Cores, const N: usize> Sync for PerCore<[ExceptionLock<T>; N], C> {}
