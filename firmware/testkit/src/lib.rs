//! The arch-neutral half of percore's QEMU test firmware.
//!
//! Each architecture's firmware crate boots its cores, wires up a timer interrupt and calls
//! into this crate for everything that is the same everywhere: talking to the host through
//! semihosting ([`semihosting`]), printing whole lines from several cores ([`println!`]), the
//! state a stress case tears if masking fails ([`Pair`]), per-core tallies ([`Tallies`]) and
//! the one-line verdict the `xtask` harness parses ([`Report`]).

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod arguments;
pub mod cases;
pub mod console;
pub mod report;
pub mod semihosting;
pub mod stress;

pub use arguments::Arguments;
pub use report::Report;
pub use stress::{Pair, Tallies};
