//! Core identity: which core is running this code.

/// Tells which core the calling code runs on, as an index from 0.
///
/// Implement it for a zero-sized type and name that type in [`PerCore`](crate::PerCore); or
/// use a ready-made implementation from a backend, such as
/// `aarch64::FlatCores` (the AArch64 backend reads and validates
/// `MPIDR_EL1`), or `host::HostCores` in host tests.
///
/// # Safety
///
/// Implementations must guarantee that:
///
/// - `core_index` never returns the same index on two different cores, and always returns the
///   same index on one core. Two cores sharing an index would share a per-core slot without any
///   lock: a data race.
/// - Code does not migrate between cores while it holds a reference obtained through the index
///   (for example a reference from [`PerCore::get`](crate::PerCore::get)). This is the premise
///   of per-core state and holds for firmware where each core runs its own code; a kernel that
///   moves threads between cores must pin a thread while it uses per-core references, or reach
///   per-core state only through [`PerCore::borrow`](crate::PerCore::borrow), which looks up
///   the index and uses it within one masked section, where no migration can happen.
///
/// Returning an index that is out of range for a `PerCore` is not unsafe: the access panics with
/// a message naming the index and the core count.
pub unsafe trait Cores {
    /// Returns the index of the core running this code.
    fn core_index() -> usize;
}
