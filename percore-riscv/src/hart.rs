//! Hart identity: reading the hart id, and mapping it to a dense index.

use core::fmt;

/// A declared range of hart ids, `first..first + count`, mapped to indices `0..count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HartRange {
    first: usize,
    count: usize,
}

impl HartRange {
    /// Harts `first` to `first + count - 1`.
    ///
    /// # Panics
    ///
    /// If `count` is 0 or the range overflows (a compile-time error in a `const`).
    pub const fn new(first: usize, count: usize) -> Self {
        assert!(count >= 1, "a hart range holds at least one hart");
        assert!(
            first.checked_add(count).is_some(),
            "the hart range overflows"
        );
        Self { first, count }
    }

    /// The first hart id of the range.
    pub const fn first(self) -> usize {
        self.first
    }

    /// The number of harts, and of indices.
    pub const fn count(self) -> usize {
        self.count
    }

    /// Maps a hart id to its index, or explains why it lies outside.
    #[inline(always)]
    pub const fn index_of(self, hart_id: usize) -> Result<usize, HartIdError> {
        // One subtraction and one unsigned comparison: ids below `first` wrap to large values.
        let index = hart_id.wrapping_sub(self.first);
        if index < self.count {
            Ok(index)
        } else {
            Err(HartIdError {
                hart_id,
                declared: DeclaredHarts::Range(self),
            })
        }
    }

    /// The index of the hart running this code.
    ///
    /// # Errors
    ///
    /// If this hart's id lies outside the range.
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    #[inline(always)]
    pub fn current_index(self) -> Result<usize, HartIdError> {
        self.index_of(hart_id())
    }
}

/// A declared list of hart ids, for parts whose hart ids have gaps: index = position in the list.
///
/// ```
/// use percore_riscv::HartList;
///
/// // Harts 0, 2, 4 and 6 (say, one hart of each core of a part with two harts per core).
/// const HARTS: HartList = HartList::new(&[0, 2, 4, 6]);
/// assert_eq!(HARTS.index_of(4), Ok(2));
/// assert!(HARTS.index_of(3).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HartList {
    ids: &'static [usize],
}

impl HartList {
    /// The harts `ids`, in index order.
    ///
    /// # Panics
    ///
    /// If the list is empty or holds an id twice (a compile-time error in a `const`): two
    /// indices for one hart would let one hart reach two slots, and the index of the second
    /// would be unreachable.
    pub const fn new(ids: &'static [usize]) -> Self {
        assert!(!ids.is_empty(), "a hart list holds at least one hart");
        let mut i = 0;
        while i < ids.len() {
            let mut j = i + 1;
            while j < ids.len() {
                assert!(ids[i] != ids[j], "a hart id appears twice in the hart list");
                j += 1;
            }
            i += 1;
        }
        Self { ids }
    }

    /// The number of harts, and of indices.
    pub const fn count(self) -> usize {
        self.ids.len()
    }

    /// Maps a hart id to its position in the list, or explains why it is not there.
    #[inline]
    pub const fn index_of(self, hart_id: usize) -> Result<usize, HartIdError> {
        let mut index = 0;
        while index < self.ids.len() {
            if self.ids[index] == hart_id {
                return Ok(index);
            }
            index += 1;
        }
        Err(HartIdError {
            hart_id,
            declared: DeclaredHarts::List(self),
        })
    }
}

/// A hart id outside a declared [`HartRange`] (or not in a [`HartList`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HartIdError {
    /// The offending hart id.
    pub hart_id: usize,
    /// What it was checked against.
    pub declared: DeclaredHarts,
}

/// The declaration a [`HartIdError`] was checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclaredHarts {
    /// A [`HartRange`].
    Range(HartRange),
    /// A [`HartList`].
    List(HartList),
}

impl fmt::Display for HartIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.declared {
            DeclaredHarts::Range(range) => write!(
                f,
                "hart id {} lies outside the declared harts {}..={}",
                self.hart_id,
                range.first,
                range.first + range.count - 1
            ),
            DeclaredHarts::List(list) => write!(
                f,
                "hart id {} is not in the declared hart list {:?}",
                self.hart_id, list.ids
            ),
        }
    }
}

impl core::error::Error for HartIdError {}

/// In debug builds, `tp` holds this tag in its top byte besides the hart id, so that reading a
/// hart id nobody recorded is caught.
#[cfg(feature = "s-mode")]
const TAG: usize = 0xA5 << (usize::BITS - 8);

/// The id of the hart running this code: `mhartid` in machine mode, the value boot code gave
/// [`set_hart_id`] in supervisor mode.
///
/// # Panics
///
/// In supervisor mode, debug builds panic if [`set_hart_id`] was not called on this hart.
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
#[inline(always)]
pub fn hart_id() -> usize {
    let id: usize;
    // SAFETY: reading mhartid (machine mode) or tp (supervisor mode) has no side effects.
    // mhartid never changes, so that read is `pure` and the compiler may reuse it. The read of
    // `tp` is not `pure`: it must stay ordered after the `set_hart_id` that writes it.
    unsafe {
        #[cfg(not(feature = "s-mode"))]
        core::arch::asm!("csrr {}, mhartid", out(reg) id, options(pure, nomem, nostack));
        #[cfg(feature = "s-mode")]
        core::arch::asm!("mv {}, tp", out(reg) id, options(nomem, nostack));
    }
    #[cfg(all(feature = "s-mode", debug_assertions))]
    let id = {
        if id & !(usize::MAX >> 8) != TAG {
            hart_id_not_recorded(id)
        }
        id & (usize::MAX >> 8)
    };
    id
}

#[cfg(all(feature = "s-mode", debug_assertions))]
#[cold]
#[inline(never)]
fn hart_id_not_recorded(tp: usize) -> ! {
    panic!(
        "this hart's id was not recorded (tp = {tp:#x}): boot code must call \
         percore_riscv::set_hart_id(a0) on every hart before using per-core state"
    )
}

/// Records the id of the hart running this code, for [`hart_id`] in supervisor mode.
///
/// Call it first thing on every hart, with the hart id SBI passed in `a0`.
///
/// # Safety
///
/// `hart_id` must be the id of the hart running this code, and nothing else may use `tp` for
/// as long as per-core state is in use: a wrong value makes two harts share per-core slots.
#[cfg(all(
    feature = "s-mode",
    any(target_arch = "riscv32", target_arch = "riscv64")
))]
#[inline(always)]
pub unsafe fn set_hart_id(hart_id: usize) {
    let value = if cfg!(debug_assertions) {
        assert!(hart_id <= usize::MAX >> 8, "hart id too large");
        hart_id | TAG
    } else {
        hart_id
    };
    // SAFETY: `tp` is reserved: the compiler never allocates it (no thread-locals on bare-metal
    // RISC-V targets), and the caller guarantees nothing else uses it.
    unsafe { core::arch::asm!("mv tp, {}", in(reg) value, options(nomem, nostack)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_maps_densely_and_rejects_outside() {
        let range = HartRange::new(3, 4);
        for id in 3..7 {
            assert_eq!(range.index_of(id), Ok(id - 3));
        }
        for id in [0, 1, 2, 7, 8, usize::MAX] {
            assert!(range.index_of(id).is_err(), "{id}");
        }
    }

    #[test]
    fn error_names_the_id_and_the_range() {
        let error = HartRange::new(0, 4).index_of(9).unwrap_err();
        assert_eq!(
            error.to_string(),
            "hart id 9 lies outside the declared harts 0..=3"
        );
    }

    #[test]
    fn list_maps_positions_and_names_missing_ids() {
        let list = HartList::new(&[1, 3, 8]);
        assert_eq!(list.index_of(1), Ok(0));
        assert_eq!(list.index_of(8), Ok(2));
        assert_eq!(
            list.index_of(2).unwrap_err().to_string(),
            "hart id 2 is not in the declared hart list [1, 3, 8]"
        );
    }

    #[test]
    #[should_panic(expected = "appears twice")]
    fn list_rejects_duplicates() {
        HartList::new(&[0, 1, 0]);
    }

    #[test]
    #[should_panic(expected = "at least one hart")]
    fn empty_range_is_rejected() {
        HartRange::new(0, 0);
    }
}
