//! The saved `DAIF` value, kept as a typed register copy.

use aarch64_cpu::registers::DAIF;
use tock_registers::{LocalRegisterCopy, fields::FieldValue};

/// A copy of `DAIF` as it was before [`mask`](crate::mask) set all four mask bits.
///
/// Hand it back to [`restore`](crate::restore) to return to exactly that state: bits that were
/// already set stay set, so a nested section never unmasks what an outer one masked.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct SavedDaif(LocalRegisterCopy<u64, DAIF::Register>);

impl SavedDaif {
    /// Wraps a raw `DAIF` value (bits 9..6 are D, A, I, F; every other bit is RES0).
    #[inline(always)]
    pub const fn from_bits(bits: u64) -> Self {
        Self(LocalRegisterCopy::new(bits))
    }

    /// The raw `DAIF` value.
    #[inline(always)]
    pub fn bits(self) -> u64 {
        self.0.get()
    }

    /// Whether IRQs were masked (`DAIF.I`).
    pub fn irq_masked(self) -> bool {
        self.0.is_set(DAIF::I)
    }

    /// Whether FIQs were masked (`DAIF.F`).
    pub fn fiq_masked(self) -> bool {
        self.0.is_set(DAIF::F)
    }

    /// Whether SError exceptions were masked (`DAIF.A`).
    pub fn serror_masked(self) -> bool {
        self.0.is_set(DAIF::A)
    }

    /// Whether debug exceptions were masked (`DAIF.D`).
    pub fn debug_masked(self) -> bool {
        self.0.is_set(DAIF::D)
    }

    /// Whether all four of D, A, I and F were masked.
    pub fn all_masked(self) -> bool {
        self.0.matches_all(all_masked())
    }
}

fn all_masked() -> FieldValue<u64, DAIF::Register> {
    DAIF::D::Masked + DAIF::A::Masked + DAIF::I::Masked + DAIF::F::Masked
}

impl PartialEq for SavedDaif {
    fn eq(&self, other: &Self) -> bool {
        self.bits() == other.bits()
    }
}

impl Eq for SavedDaif {}

impl core::fmt::Debug for SavedDaif {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "SavedDaif {{ D: {}, A: {}, I: {}, F: {} }}",
            self.debug_masked() as u8,
            self.serror_masked() as u8,
            self.irq_masked() as u8,
            self.fiq_masked() as u8
        )
    }
}

#[cfg(test)]
mod tests {
    use super::SavedDaif;

    #[test]
    fn decodes_each_bit() {
        let all = SavedDaif::from_bits(0b1111 << 6);
        assert!(all.all_masked());
        let irq_only = SavedDaif::from_bits(1 << 7);
        assert!(irq_only.irq_masked());
        assert!(!irq_only.fiq_masked() && !irq_only.serror_masked() && !irq_only.debug_masked());
        assert!(!irq_only.all_masked());
        assert_eq!(
            format!("{irq_only:?}"),
            "SavedDaif { D: 0, A: 0, I: 1, F: 0 }"
        );
    }
}
