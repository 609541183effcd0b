// A value that must stay on its thread (Rc) cannot be in a shared per-core static.
use std::rc::Rc;
use percore::{ExceptionLock, PerCore, host::HostCores};

static STATE: PerCore<[ExceptionLock<Option<Rc<u32>>>; 2], HostCores> =
    PerCore::new([const { ExceptionLock::new(None) }; 2]);

fn main() {
    let _ = &STATE;
}
