//! Core identity from a memory-mapped core-id register.

use core::fmt;

/// A memory-mapped register that reads a distinct, fixed core id on each core of a part.
///
/// # Safety
///
/// On the part the code runs on, a 32-bit read of `ADDRESS` must be valid, have no side
/// effects, and return a different value on each core, always the same on one core. Ids at or
/// above `CORES` are rejected at run time, so `CORES` only bounds the index; a register that
/// gives two cores the same id makes them share per-core state: a data race.
pub unsafe trait CoreIdRegister {
    /// The register's address.
    const ADDRESS: usize;
    /// The number of cores: valid ids are `0..CORES`.
    const CORES: usize;
}

/// An id read from a [`CoreIdRegister`] that is not below its core count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreIdError {
    /// The register's address.
    pub address: usize,
    /// The id it read.
    pub id: usize,
    /// The declared core count.
    pub cores: usize,
}

impl fmt::Display for CoreIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "core-id register {:#x} read {}, outside the declared {} cores",
            self.address, self.id, self.cores
        )
    }
}

impl core::error::Error for CoreIdError {}

/// Checks a value read from `R`'s register against its core count.
#[inline(always)]
pub const fn core_index_from<R: CoreIdRegister>(id: usize) -> Result<usize, CoreIdError> {
    if id < R::CORES {
        Ok(id)
    } else {
        Err(CoreIdError {
            address: R::ADDRESS,
            id,
            cores: R::CORES,
        })
    }
}

/// Reads `R`'s register and checks it.
///
/// # Errors
///
/// If the id read is not below `R::CORES`.
#[cfg(all(target_arch = "arm", mclass))]
#[inline(always)]
pub fn read_core_index<R: CoreIdRegister>() -> Result<usize, CoreIdError> {
    // SAFETY: the `CoreIdRegister` implementation guarantees that the address is a readable
    // register without side effects on this part.
    let id = unsafe { core::ptr::read_volatile(R::ADDRESS as *const u32) };
    core_index_from::<R>(id as usize)
}

/// The Arm SSE-200 subsystem's CPU_IDENTITY register (Secure alias `0x5001_F000`): 0 on CPU0,
/// 1 on CPU1. For MPS2 AN521 and MPS3 AN524 running in the Secure state.
#[cfg(feature = "sse-200")]
pub struct Sse200;

// SAFETY: the SSE-200 CPU_IDENTITY register (Arm CoreLink SSE-200 TRM, "CPU Identity") is a
// read-only register at this Secure address returning each CPU's number; the `sse-200` feature
// asserts the part.
#[cfg(feature = "sse-200")]
unsafe impl CoreIdRegister for Sse200 {
    const ADDRESS: usize = 0x5001_F000;
    const CORES: usize = 2;
}

/// The same register through its Non-secure alias `0x4001_F000`, for code in the Non-secure
/// state.
#[cfg(feature = "sse-200")]
pub struct Sse200NonSecure;

// SAFETY: as for `Sse200`, through the Non-secure alias of the same register.
#[cfg(feature = "sse-200")]
unsafe impl CoreIdRegister for Sse200NonSecure {
    const ADDRESS: usize = 0x4001_F000;
    const CORES: usize = 2;
}

/// The RP2040's SIO CPUID register (`0xD000_0000`): 0 on core 0, 1 on core 1.
#[cfg(feature = "rp2040")]
pub struct Rp2040;

// SAFETY: SIO CPUID (RP2040 datasheet, "SIO: CPUID") is read-only, single-cycle, and reads the
// number of the core accessing it; the `rp2040` feature asserts the part.
#[cfg(feature = "rp2040")]
unsafe impl CoreIdRegister for Rp2040 {
    const ADDRESS: usize = 0xD000_0000;
    const CORES: usize = 2;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Three;
    // SAFETY: test-only; never read.
    unsafe impl CoreIdRegister for Three {
        const ADDRESS: usize = 0x1234;
        const CORES: usize = 3;
    }

    #[test]
    fn ids_below_the_count_pass_others_are_named() {
        for id in 0..3 {
            assert_eq!(core_index_from::<Three>(id), Ok(id));
        }
        let error = core_index_from::<Three>(7).unwrap_err();
        assert_eq!(
            error.to_string(),
            "core-id register 0x1234 read 7, outside the declared 3 cores"
        );
    }
}
