// Inner mutability without an ExceptionLock could be interrupted mid-update: not Sync.
use core::cell::RefCell;
use percore::{PerCore, host::HostCores};

static STATE: PerCore<[RefCell<u32>; 2], HostCores> =
    PerCore::new([const { RefCell::new(0) }; 2]);

fn main() {
    *STATE.get().borrow_mut() += 1;
}
