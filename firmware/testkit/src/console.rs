//! Whole-line printing from several cores at once.

use core::fmt::{self, Write};

use crate::semihosting;

/// Serialises lines: semihosting output is not safe to interleave between cores. Cores without
/// compare-and-swap (Armv6-M) only come single-core, where masking alone serialises.
#[cfg(target_has_atomic = "32")]
static CONSOLE: spin::Mutex<()> = spin::Mutex::new(());

/// A line being formatted: long lines are cut, never split between cores.
struct Line {
    bytes: [u8; 200],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        // Keep room for "\n\0".
        let room = self.bytes.len() - 2 - self.len;
        let take = text.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

impl Line {
    /// Formats `args` into a NUL-terminated line.
    fn format(args: fmt::Arguments<'_>) -> Self {
        let mut line = Line {
            bytes: [0; 200],
            len: 0,
        };
        let _ = line.write_fmt(args);
        line.bytes[line.len] = b'\n';
        line.bytes[line.len + 1] = 0;
        line
    }

    fn write(&self) {
        semihosting::write0(&self.bytes[..self.len + 2]);
    }
}

/// Prints one line; use [`println!`](crate::println).
pub fn print_line(args: fmt::Arguments<'_>) {
    let line = Line::format(args);
    #[cfg(target_has_atomic = "32")]
    let _guard = CONSOLE.lock();
    #[cfg(target_has_atomic = "32")]
    line.write();
    #[cfg(not(target_has_atomic = "32"))]
    percore::exception_free(|_| line.write());
}

/// Prints a line without waiting for the lock: for panic handlers, where the lock may be held
/// by the code that panicked.
pub fn print_line_unlocked(args: fmt::Arguments<'_>) {
    Line::format(args).write();
}

/// Prints a formatted line through semihosting, whole, even with several cores printing.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::console::print_line(format_args!($($arg)*))
    };
}
