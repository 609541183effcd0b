// Reaching the contents of an ExceptionLock takes a token.
use core::cell::Cell;
use percore::ExceptionLock;

fn main() {
    let lock = ExceptionLock::new(Cell::new(0));
    lock.borrow().set(1);
}
