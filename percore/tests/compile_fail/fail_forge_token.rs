// A token can only be made without masking in `unsafe` code.
use core::cell::Cell;
use percore::{ExceptionFree, ExceptionLock};

fn main() {
    let lock = ExceptionLock::new(Cell::new(0));
    lock.borrow(ExceptionFree::new()).set(1);
}
