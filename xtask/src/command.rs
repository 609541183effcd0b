//! Running `cargo` and other programs, echoing what runs.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// `cargo`, as the one that started xtask (`$CARGO`), at the workspace root, optionally with a
/// `+toolchain`.
pub fn cargo(toolchain: Option<&str>) -> Command {
    // `cargo +toolchain` needs the rustup proxy, not the toolchain's own cargo binary.
    let program = match toolchain {
        Some(_) => "cargo".to_string(),
        None => std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
    };
    let mut command = Command::new(program);
    if let Some(toolchain) = toolchain {
        command.arg(format!("+{toolchain}"));
        // Let rustup pick the toolchain's own rustc, not the one xtask was started with.
        command.env_remove("RUSTC").env_remove("RUSTDOC");
    }
    command.current_dir(root());
    command
}

/// Runs a command, letting its output through; true if it succeeded.
pub fn run(command: &mut Command) -> bool {
    eprintln!("  $ {}", describe(command));
    match command.status() {
        Ok(status) => status.success(),
        Err(error) => {
            eprintln!("  cannot run {:?}: {error}", command.get_program());
            false
        }
    }
}

/// Runs a command and captures its output.
pub fn capture(command: &mut Command) -> Option<Output> {
    command.stdin(Stdio::null()).output().ok()
}

/// The command line, for the log.
pub fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}
