//! [`ExceptionLock`]: data reachable only with proof that exceptions are masked.

use core::cell::{BorrowMutError, Cell, Ref, RefCell, RefMut};

use crate::ExceptionFree;

/// Wraps a value so that it can only be reached while exceptions are masked on the current
/// core: every shared access takes an [`ExceptionFree`] token.
///
/// Masking keeps exception handlers on this core away; it does nothing about other cores. An
/// `ExceptionLock` is therefore not `Sync` by itself: put it in a [`PerCore`](crate::PerCore),
/// which gives each core its own, and the pair is `Sync`.
///
/// Inner mutability comes from the contents: `Cell` for plain values, `RefCell` for anything
/// else (whose double borrows panic with a clear message rather than alias).
///
/// ```
/// use core::cell::RefCell;
/// use percore::{ExceptionLock, exception_free};
///
/// let log = ExceptionLock::new(RefCell::new(Vec::new()));
/// exception_free(|token| log.borrow_mut(token).push("tick"));
/// assert_eq!(log.into_inner().into_inner(), ["tick"]);
/// ```
#[derive(Default)]
#[repr(transparent)]
pub struct ExceptionLock<T> {
    value: T,
}

impl<T> ExceptionLock<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Self { value }
    }

    /// Borrows the value for as long as exceptions stay masked.
    #[inline(always)]
    pub fn borrow<'cs>(&'cs self, _token: ExceptionFree<'cs>) -> &'cs T {
        &self.value
    }

    /// Borrows the value mutably. No token needed: `&mut self` already proves that nothing else,
    /// handler or core, can reach it.
    #[inline(always)]
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> ExceptionLock<RefCell<T>> {
    /// Mutably borrows the contents while exceptions stay masked.
    ///
    /// # Panics
    ///
    /// If the contents are already borrowed (a double borrow within the section).
    #[inline(always)]
    #[track_caller]
    pub fn borrow_mut<'cs>(&'cs self, token: ExceptionFree<'cs>) -> RefMut<'cs, T> {
        self.borrow(token).borrow_mut()
    }

    /// Same as [`borrow_mut`](Self::borrow_mut), under the name `critical_section::Mutex` uses.
    ///
    /// # Panics
    ///
    /// If the contents are already borrowed.
    #[inline(always)]
    #[track_caller]
    pub fn borrow_ref_mut<'cs>(&'cs self, token: ExceptionFree<'cs>) -> RefMut<'cs, T> {
        self.borrow_mut(token)
    }

    /// Mutably borrows the contents, or reports that they are already borrowed.
    ///
    /// # Errors
    ///
    /// If the contents are already borrowed.
    #[inline(always)]
    pub fn try_borrow_mut<'cs>(
        &'cs self,
        token: ExceptionFree<'cs>,
    ) -> Result<RefMut<'cs, T>, BorrowMutError> {
        self.borrow(token).try_borrow_mut()
    }

    /// Immutably borrows the contents while exceptions stay masked.
    ///
    /// # Panics
    ///
    /// If the contents are mutably borrowed.
    #[inline(always)]
    #[track_caller]
    pub fn borrow_ref<'cs>(&'cs self, token: ExceptionFree<'cs>) -> Ref<'cs, T> {
        self.borrow(token).borrow()
    }

    /// Replaces the contents, returning the old value.
    ///
    /// # Panics
    ///
    /// If the contents are borrowed.
    #[track_caller]
    pub fn replace(&self, token: ExceptionFree<'_>, value: T) -> T {
        self.borrow(token).replace(value)
    }

    /// Replaces the contents with one computed from the old value, returning the old value.
    ///
    /// # Panics
    ///
    /// If the contents are borrowed.
    #[track_caller]
    pub fn replace_with(&self, token: ExceptionFree<'_>, f: impl FnOnce(&mut T) -> T) -> T {
        self.borrow(token).replace_with(f)
    }

    /// Takes the contents, leaving `T::default()`.
    ///
    /// # Panics
    ///
    /// If the contents are borrowed.
    #[track_caller]
    pub fn take(&self, token: ExceptionFree<'_>) -> T
    where
        T: Default,
    {
        self.borrow(token).take()
    }

    /// A raw pointer to the contents, as [`RefCell::as_ptr`]. Using it is up to the caller's
    /// own `unsafe` argument.
    pub fn as_ptr(&self) -> *mut T {
        self.value.as_ptr()
    }
}

impl<T: Copy> ExceptionLock<Cell<T>> {
    /// Copies the contents out.
    #[inline(always)]
    pub fn get(&self, token: ExceptionFree<'_>) -> T {
        self.borrow(token).get()
    }
}

impl<T> ExceptionLock<Cell<T>> {
    /// Sets the contents.
    #[inline(always)]
    pub fn set(&self, token: ExceptionFree<'_>, value: T) {
        self.borrow(token).set(value);
    }

    /// Replaces the contents, returning the old value.
    #[inline(always)]
    pub fn replace(&self, token: ExceptionFree<'_>, value: T) -> T {
        self.borrow(token).replace(value)
    }

    /// Takes the contents, leaving `T::default()`.
    pub fn take(&self, token: ExceptionFree<'_>) -> T
    where
        T: Default,
    {
        self.borrow(token).take()
    }
}
