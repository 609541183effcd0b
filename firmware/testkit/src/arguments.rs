//! The firmware's command line: the case to run, and an optional number.

use crate::semihosting;

/// The semihosting arguments QEMU was given (`-semihosting-config ...,arg=CASE,arg=N`).
pub struct Arguments {
    text: [u8; 64],
    len: usize,
}

impl Arguments {
    /// Reads the arguments from the host.
    pub fn read() -> Self {
        let mut text = [0; 64];
        let len = semihosting::cmdline(&mut text).len();
        Self { text, len }
    }

    fn words(&self) -> core::str::SplitAsciiWhitespace<'_> {
        core::str::from_utf8(&self.text[..self.len])
            .unwrap_or("")
            .split_ascii_whitespace()
    }

    /// The case name (`stress` if none was given).
    pub fn case(&self) -> &str {
        self.words().next().unwrap_or("stress")
    }

    /// The second argument as a number, if there is one.
    pub fn number(&self) -> Option<usize> {
        self.words().nth(1).and_then(|n| n.parse().ok())
    }

    /// Runs the `bench` case and ends the run, if that is the case asked for and the firmware
    /// was built with the `bench` feature.
    pub fn run_bench_if_asked(&self) {
        #[cfg(feature = "bench")]
        if self.case() == "bench" {
            percore_bench::run(crate::console::print_line);
            semihosting::exit(0);
        }
    }
}
