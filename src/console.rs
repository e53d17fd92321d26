//! Messages for the person at the terminal, on stdout and stderr.
//!
//! `println!` panics when its stream is gone (`hindsight build | head -1`, a closed
//! terminal, a pager quit early): the build then ends with exit code 101 and a panic
//! message although the site was written. These writes ignore a failed write instead; what
//! happened is in the exit code and on disk. SIGPIPE stays ignored (Rust's default) rather
//! than being reset to kill the process: `serve` writes to browsers' sockets, and a client
//! that disconnects must cost a failed write, not the server.

use std::fmt;
use std::io::Write;

/// Write to stdout; a reader that went away is not an error.
pub fn out(args: fmt::Arguments<'_>) {
    let _ = std::io::stdout().lock().write_fmt(args);
}

/// Write to stderr; a reader that went away is not an error.
pub fn err(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `println!` that never panics: see [`console`](crate::console).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics: see [`console`](crate::console).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}
