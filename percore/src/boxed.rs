//! [`PerCore`] over a boxed slice, for a core count known only at run time.

use alloc::boxed::Box;
use core::{cell::RefCell, cell::RefMut, iter::repeat_with};

use crate::{
    Cores, ExceptionFree, ExceptionLock, PerCore,
    per_core::{slot, slot_mut},
};

impl<T, C: Cores> PerCore<Box<[T]>, C> {
    /// The value of the current core.
    ///
    /// # Panics
    ///
    /// If the core index is not below the slice length.
    #[inline(always)]
    #[track_caller]
    pub fn get(&self) -> &T {
        slot(&self.values, C::core_index())
    }

    /// The value of the current core, mutably.
    ///
    /// # Panics
    ///
    /// If the core index is not below the slice length.
    #[inline(always)]
    #[track_caller]
    pub fn get_mut(&mut self) -> &mut T {
        slot_mut(&mut self.values, C::core_index())
    }

    /// The number of cores this holds values for.
    pub fn core_count(&self) -> usize {
        self.values.len()
    }
}

impl<T: Default, C: Cores> PerCore<Box<[T]>, C> {
    /// Creates `core_count` default values.
    ///
    /// ```
    /// use core::cell::Cell;
    /// use percore::{ExceptionLock, PerCore, host::HostCores};
    ///
    /// let counters = PerCore::<Box<[ExceptionLock<Cell<u32>>]>, HostCores>::new_with_default(8);
    /// assert_eq!(counters.core_count(), 8);
    /// ```
    pub fn new_with_default(core_count: usize) -> Self {
        Self::new(repeat_with(T::default).take(core_count).collect())
    }
}

impl<T, C: Cores> PerCore<Box<[ExceptionLock<T>]>, C> {
    /// The current core's value, for as long as exceptions stay masked.
    ///
    /// # Panics
    ///
    /// If the core index is not below the slice length.
    #[inline(always)]
    #[track_caller]
    pub fn borrow<'cs>(&'cs self, token: ExceptionFree<'cs>) -> &'cs T {
        self.get().borrow(token)
    }
}

impl<T, C: Cores> PerCore<Box<[ExceptionLock<RefCell<T>>]>, C> {
    /// Mutably borrows the current core's value while exceptions stay masked.
    ///
    /// # Panics
    ///
    /// If the core index is not below the slice length, or the value is already borrowed.
    #[inline(always)]
    #[track_caller]
    pub fn borrow_mut<'cs>(&'cs self, token: ExceptionFree<'cs>) -> RefMut<'cs, T> {
        self.get().borrow_mut(token)
    }
}

// SAFETY: As for the array form (see `per_core.rs`): each core reaches only its own slot, and a
// slot's contents only with exceptions masked, so each `T` is used by one thread of execution at
// a time, which `T: Send` allows.
unsafe impl<T: Send, C: Cores> Sync for PerCore<Box<[ExceptionLock<T>]>, C> {}
