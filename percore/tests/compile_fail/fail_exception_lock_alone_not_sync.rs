// An ExceptionLock alone keeps handlers out, not other cores: not Sync.
use core::cell::Cell;
use percore::ExceptionLock;

static SHARED: ExceptionLock<Cell<u32>> = ExceptionLock::new(Cell::new(0));

fn main() {
    let _ = &SHARED;
}
