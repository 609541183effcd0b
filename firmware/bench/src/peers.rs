//! The peers' scenarios: the original `percore` 0.3 on AArch64 (with the MPIDR Aff0 `Cores`
//! its users write), `critical-section` with the `riscv` single-hart and `cortex-m`
//! single-core implementations elsewhere.

use crate::{Scenario, scenario};

#[cfg(target_arch = "aarch64")]
mod percore03_scenarios {
    use core::cell::{Cell, RefCell};

    use percore03::{Cores, ExceptionLock, PerCore, exception_free};

    /// The hand-written `Cores` of the original crate's users: MPIDR_EL1 Aff0.
    pub struct Aff0;

    // SAFETY: on the machines benchmarked (QEMU virt, one cluster), Aff0 is unique per core.
    unsafe impl Cores for Aff0 {
        fn core_index() -> usize {
            let mpidr: u64;
            // SAFETY: reading MPIDR_EL1 has no side effects.
            unsafe {
                core::arch::asm!("mrs {}, mpidr_el1", out(reg) mpidr, options(pure, nomem, nostack));
            }
            (mpidr & 0xff) as usize
        }
    }

    static CELLS: PerCore<[ExceptionLock<Cell<u64>>; 4], Aff0> =
        PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 4]);
    static REFCELLS: PerCore<[ExceptionLock<RefCell<u64>>; 4], Aff0> =
        PerCore::new([const { ExceptionLock::new(RefCell::new(0)) }; 4]);

    #[inline(never)]
    pub extern "C" fn empty() {
        exception_free(|_| {});
    }

    #[inline(never)]
    pub extern "C" fn cell() {
        exception_free(|token| {
            let cell = CELLS.get().borrow(token);
            cell.set(cell.get() + 1);
        });
    }

    #[inline(never)]
    pub extern "C" fn refcell() {
        exception_free(|token| *REFCELLS.get().borrow_mut(token) += 1);
    }

    #[inline(never)]
    pub extern "C" fn nested() {
        exception_free(|_| exception_free(|_| {}));
    }
}

#[cfg(target_arch = "aarch64")]
pub(crate) fn scenarios() -> [Scenario; 4] {
    use percore03_scenarios::*;
    [
        scenario("percore-0.3", "empty", empty),
        scenario("percore-0.3", "cell", cell),
        scenario("percore-0.3", "refcell", refcell),
        scenario("percore-0.3", "nested", nested),
    ]
}

#[cfg(not(target_arch = "aarch64"))]
mod critical_section_scenarios {
    use core::cell::{Cell, RefCell};

    use critical_section::{Mutex, with};
    // The implementation of `critical-section` for the target.
    #[cfg(target_arch = "arm")]
    use cortex_m as _;
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    use riscv as _;

    static CELL: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));
    static REFCELL: Mutex<RefCell<u64>> = Mutex::new(RefCell::new(0));

    #[inline(never)]
    pub extern "C" fn empty() {
        with(|_| {});
    }

    #[inline(never)]
    pub extern "C" fn cell() {
        with(|cs| {
            let cell = CELL.borrow(cs);
            cell.set(cell.get() + 1);
        });
    }

    #[inline(never)]
    pub extern "C" fn refcell() {
        with(|cs| *REFCELL.borrow_ref_mut(cs) += 1);
    }

    #[inline(never)]
    pub extern "C" fn nested() {
        with(|_| with(|_| {}));
    }
}

#[cfg(not(target_arch = "aarch64"))]
pub(crate) fn scenarios() -> [Scenario; 4] {
    use critical_section_scenarios::*;
    [
        scenario("critical-section", "empty", empty),
        scenario("critical-section", "cell", cell),
        scenario("critical-section", "refcell", refcell),
        scenario("critical-section", "nested", nested),
    ]
}
