//! percore's scenarios, with the backend's own core identity.

use core::cell::{Cell, RefCell};

use percore::{ExceptionLock, PerCore, exception_free};

use crate::{Scenario, scenario};

#[cfg(target_arch = "aarch64")]
type Cores = percore::aarch64::FlatCores<4>;
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
type Cores = percore::riscv::HartCores<4>;
#[cfg(target_arch = "arm")]
type Cores = percore::cortex_m::SingleCore;

static CELLS: PerCore<[ExceptionLock<Cell<u64>>; 4], Cores> =
    PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 4]);
static REFCELLS: PerCore<[ExceptionLock<RefCell<u64>>; 4], Cores> =
    PerCore::new([const { ExceptionLock::new(RefCell::new(0)) }; 4]);

#[inline(never)]
extern "C" fn empty() {
    exception_free(|_| {});
}

#[inline(never)]
extern "C" fn cell() {
    exception_free(|token| {
        let cell = CELLS.borrow(token);
        cell.set(cell.get() + 1);
    });
}

#[inline(never)]
extern "C" fn refcell() {
    exception_free(|token| *REFCELLS.borrow_mut(token) += 1);
}

#[inline(never)]
extern "C" fn nested() {
    exception_free(|_| exception_free(|_| {}));
}

pub(crate) fn scenarios() -> [Scenario; 4] {
    [
        scenario("ours", "empty", empty),
        scenario("ours", "cell", cell),
        scenario("ours", "refcell", refcell),
        scenario("ours", "nested", nested),
    ]
}
