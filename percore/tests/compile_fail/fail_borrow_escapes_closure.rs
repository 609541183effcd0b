// A borrow made with the token must end with the section.
use core::cell::RefCell;
use percore::{ExceptionLock, exception_free};

fn main() {
    let lock = ExceptionLock::new(RefCell::new(0));
    let inner = exception_free(|token| lock.borrow_mut(token));
    drop(inner);
}
