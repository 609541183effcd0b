//! Masked sections: the [`ExceptionFree`] token and the functions that create it.

use core::marker::PhantomData;

/// Masks and restores exceptions on the current core: the interface a backend implements.
///
/// The built-in backends implement it (for example
/// `aarch64::DaifMasking`); implement it yourself to use percore
/// on an architecture it does not support yet, and run sections with [`exception_free_with`].
///
/// # Safety
///
/// - After [`mask`](Self::mask) returns, no exception handler or other code that could touch the
///   same per-core data may run on this core until [`restore`](Self::restore) is called with
///   the state `mask` returned.
/// - `restore` must put back exactly the state that `mask` found: if exceptions were already
///   masked, they stay masked.
pub unsafe trait ExceptionMasking {
    /// What `mask` saves and `restore` puts back.
    type State: Copy;

    /// Masks exceptions on the current core and returns the previous state.
    fn mask() -> Self::State;

    /// Restores a state returned by [`mask`](Self::mask).
    ///
    /// # Safety
    ///
    /// `state` must come from `mask` on this core, and every section opened after that `mask`
    /// call must have ended: nothing may still rely on exceptions being masked by it.
    unsafe fn restore(state: Self::State);
}

/// Proof that exceptions are masked on the current core for the lifetime `'cs`.
///
/// It is `Copy`, so it can be handed to any number of [`ExceptionLock`](crate::ExceptionLock)s
/// within the section, but it is neither `Send` nor `Sync`: it proves something about the core
/// that created it, and means nothing on another core or thread. Its lifetime is that of the
/// closure passed to [`exception_free`](crate::exception_free); it cannot outlive the section.
#[derive(Clone, Copy, Debug)]
pub struct ExceptionFree<'cs> {
    /// `&'cs ()` ties the token to the section; `*const ()` makes it `!Send + !Sync`.
    _section: PhantomData<(&'cs (), *const ())>,
}

impl ExceptionFree<'_> {
    /// Creates a token without masking anything.
    ///
    /// # Safety
    ///
    /// Exceptions must be masked on the current core for the whole lifetime of the token (for
    /// example inside an exception handler whose entry masks further exceptions, if no handler
    /// that touches the same data can nest), and it must not be used on another core.
    #[inline(always)]
    pub unsafe fn new() -> Self {
        Self {
            _section: PhantomData,
        }
    }
}

/// Restores the saved state when dropped, also while unwinding from a panic.
struct Restore<M: ExceptionMasking> {
    state: M::State,
}

impl<M: ExceptionMasking> Drop for Restore<M> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `state` came from `M::mask` on this core in `exception_free_with`, and the
        // guard is dropped only after the closure has returned or unwound, when the token (whose
        // lifetime is bound to the closure call) and every borrow made with it are dead.
        unsafe { M::restore(self.state) }
    }
}

/// Runs `f` with exceptions masked by the backend `M`, then restores the previous state.
///
/// [`exception_free`](crate::exception_free) is this function with the backend selected for the target. Call this one
/// directly to use a backend of your own.
///
/// ```
/// use percore::{ExceptionMasking, exception_free_with};
///
/// // A backend for a platform where some interrupt controller masks and unmasks.
/// struct MyMasking;
///
/// // SAFETY: (in a real port) masking stops every handler on this core until restore, and
/// // restore puts back exactly the saved state.
/// unsafe impl ExceptionMasking for MyMasking {
///     type State = bool;
///     fn mask() -> bool {
///         // Read-and-mask the platform's interrupt enable here.
///         false
///     }
///     unsafe fn restore(_was_masked: bool) {}
/// }
///
/// let answer = exception_free_with::<MyMasking, _>(|_token| 42);
/// assert_eq!(answer, 42);
/// ```
#[inline(always)]
pub fn exception_free_with<M: ExceptionMasking, T>(f: impl FnOnce(ExceptionFree<'_>) -> T) -> T {
    let _restore = Restore::<M> { state: M::mask() };
    // SAFETY: exceptions are masked from here until `_restore` is dropped, which happens after
    // `f` returns or unwinds; the token passed to `f` cannot escape `f` because `f` must accept
    // a token of any lifetime, and it is `!Send`, so it stays on this core.
    f(unsafe { ExceptionFree::new() })
}

/// Defines [`exception_free`] for the backend the crate root selected.
#[allow(unused_macros, reason = "unused on targets without a backend")]
macro_rules! exception_free_for {
    ($masking:ty) => {
        /// Runs `f` with exceptions masked on the current core, then restores the previous
        /// state.
        ///
        /// Sections nest: an inner section restores the state the outer one set, so it never
        /// unmasks what an outer section masked. The state is also restored when `f` panics and
        /// unwinds.
        ///
        /// Available when a backend is selected (see the crate docs).
        ///
        /// ```
        /// use core::cell::Cell;
        /// use percore::{ExceptionLock, exception_free};
        ///
        /// let lock = ExceptionLock::new(Cell::new(0));
        /// exception_free(|token| {
        ///     let counter = lock.borrow(token);
        ///     counter.set(counter.get() + 1);
        ///     // Nesting is fine: the inner section leaves exceptions masked.
        ///     exception_free(|inner| lock.borrow(inner).set(counter.get() + 1));
        /// });
        /// assert_eq!(lock.into_inner().get(), 2);
        /// ```
        #[inline(always)]
        pub fn exception_free<T>(f: impl FnOnce($crate::ExceptionFree<'_>) -> T) -> T {
            $crate::exception_free_with::<$masking, T>(f)
        }
    };
}
#[allow(unused_imports, reason = "unused on targets without a backend")]
pub(crate) use exception_free_for;
