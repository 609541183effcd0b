// The intended use compiles: a per-core static of ExceptionLocks, reached with a token.
use core::cell::{Cell, RefCell};
use percore::{ExceptionLock, PerCore, exception_free, host::HostCores};

static COUNTS: PerCore<[ExceptionLock<Cell<u64>>; 2], HostCores> =
    PerCore::new([const { ExceptionLock::new(Cell::new(0)) }; 2]);
static LOGS: PerCore<[ExceptionLock<RefCell<Vec<u8>>>; 2], HostCores> =
    PerCore::new([const { ExceptionLock::new(RefCell::new(Vec::new())) }; 2]);

fn main() {
    percore::host::run_on_cores(2, |core| {
        exception_free(|token| {
            let count = COUNTS.borrow(token);
            count.set(count.get() + 1);
            LOGS.borrow_mut(token).push(core as u8);
        });
    });
}
