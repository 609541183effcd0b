// The same for a bare Cell.
use core::cell::Cell;
use percore::{PerCore, host::HostCores};

static STATE: PerCore<[Cell<u32>; 2], HostCores> = PerCore::new([const { Cell::new(0) }; 2]);

fn main() {
    STATE.get().set(1);
}
