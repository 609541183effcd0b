//! `cargo xtask`: the one orchestrator of the percore workspace.
//!
//! ```text
//! cargo xtask test                          everything CI checks, with a summary table
//! cargo xtask qemu [--arch ARCH] [CASE...]  build the test firmware and run QEMU cases
//! cargo xtask demo [--arch ARCH]            the multi-core demo on QEMU
//! cargo xtask bench                         hot-path instruction counts beside the peers
//! cargo xtask provision                     install the Rust targets, components and QEMU
//! ```

mod bench;
mod cli;
mod command;
mod provision;
mod qemu;
mod steps;
mod suites;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args) {
        Ok(task) => task.run(),
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
    }
}
