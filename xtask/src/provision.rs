//! Installing what the tests need on a fresh machine: Rust targets, components, the nightly and
//! MSRV toolchains, and QEMU.

use std::process::Command;

use crate::command::{capture, run};
use crate::qemu::Arch;

/// Rust components the stable toolchain needs.
const STABLE_COMPONENTS: &[&str] = &["clippy", "rustfmt", "llvm-tools"];
/// Components of the nightly toolchain, for Miri.
const NIGHTLY_COMPONENTS: &[&str] = &["miri", "rust-src"];

/// A `key = "value"` of the workspace `Cargo.toml` (first match).
fn workspace_field(key: &str) -> String {
    let manifest = std::fs::read_to_string(crate::command::root().join("Cargo.toml"))
        .expect("read the workspace Cargo.toml");
    let prefix = format!("{key} = ");
    manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix(prefix.as_str()))
        .map(|value| value.trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("the workspace Cargo.toml declares {key}"))
}

/// The `rust-version` the workspace declares: the MSRV build uses exactly this.
pub fn msrv() -> String {
    workspace_field("rust-version")
}

/// The package spec of this workspace's `percore` (`percore@VERSION`): the lock file also holds
/// the original `percore` 0.3, which the benchmarks compare against, so the bare name is
/// ambiguous.
pub fn percore() -> String {
    format!("percore@{}", workspace_field("version"))
}

fn stdout(command: &mut Command) -> Option<String> {
    let output = capture(command)?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn rustup(args: &[&str]) -> Command {
    let mut command = Command::new("rustup");
    command.args(args);
    command
}

/// Installs whatever is missing; if something cannot be installed here, prints exactly what is
/// missing and how to install it, and returns false.
pub fn ensure_or_explain(arches: &[Arch]) -> bool {
    let mut missing = Vec::new();
    ensure_rust(arches, &mut missing);
    ensure_qemu(arches, &mut missing);
    if missing.is_empty() {
        return true;
    }
    eprintln!("error: missing tools that could not be installed automatically:");
    for (what, how) in &missing {
        eprintln!("  - {what}\n      {how}");
    }
    false
}

fn ensure_rust(arches: &[Arch], missing: &mut Vec<(String, String)>) {
    let Some(toolchains) = stdout(&mut rustup(&["toolchain", "list"])) else {
        missing.push((
            "rustup".into(),
            "install rustup from your distribution or rustup.rs".into(),
        ));
        return;
    };
    let msrv = msrv();
    for (toolchain, components) in [
        ("stable", STABLE_COMPONENTS),
        ("nightly", NIGHTLY_COMPONENTS),
        (msrv.as_str(), &[][..]),
    ] {
        if !toolchains.lines().any(|line| line.starts_with(toolchain)) {
            let mut install = rustup(&["toolchain", "install", toolchain, "--profile", "minimal"]);
            for component in components {
                install.args(["--component", component]);
            }
            if !run(&mut install) {
                missing.push((
                    format!("Rust toolchain {toolchain}"),
                    crate::command::describe(&install),
                ));
                continue;
            }
        }
        let installed = stdout(&mut rustup(&[
            "component",
            "list",
            "--installed",
            "--toolchain",
            toolchain,
        ]))
        .unwrap_or_default();
        for component in components {
            if !installed.lines().any(|line| line.starts_with(component)) {
                let mut add = rustup(&["component", "add", component, "--toolchain", toolchain]);
                if !run(&mut add) {
                    missing.push((
                        format!("component {component} ({toolchain})"),
                        crate::command::describe(&add),
                    ));
                }
            }
        }
        let targets = stdout(&mut rustup(&[
            "target",
            "list",
            "--installed",
            "--toolchain",
            toolchain,
        ]))
        .unwrap_or_default();
        if toolchain == "nightly" {
            continue;
        }
        for &target in arches.iter().flat_map(|arch| arch.rust_targets()) {
            if !targets.lines().any(|line| line == target) {
                let mut add = rustup(&["target", "add", target, "--toolchain", toolchain]);
                if !run(&mut add) {
                    missing.push((
                        format!("Rust target {target} ({toolchain})"),
                        crate::command::describe(&add),
                    ));
                }
            }
        }
    }
}

fn ensure_qemu(arches: &[Arch], missing: &mut Vec<(String, String)>) {
    let absent: Vec<&str> = arches
        .iter()
        .map(|arch| arch.qemu_binary())
        .filter(|binary| stdout(Command::new(binary).arg("--version")).is_none())
        .collect();
    if absent.is_empty() {
        return;
    }
    let how = "as root on Debian 12: add the suite bookworm-backports (component main, from the \
               Debian mirror your apt sources already use) to /etc/apt/sources.list.d, then \
               `apt-get update && apt-get install -y -t bookworm-backports qemu-system-arm \
               qemu-system-misc` (Debian 12's own QEMU 7.2 conflicts with the preinstalled qemu-utils)";
    if !can_apt_install() || !install_qemu() {
        for binary in absent {
            missing.push((binary.to_string(), how.to_string()));
        }
    }
}

/// The URI of the main Debian archive the apt sources already use (not the security one).
fn debian_mirror() -> Option<String> {
    let mut texts = vec![std::fs::read_to_string("/etc/apt/sources.list").unwrap_or_default()];
    if let Ok(entries) = std::fs::read_dir("/etc/apt/sources.list.d") {
        for entry in entries.flatten() {
            texts.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    texts.iter().flat_map(|text| text.lines()).find_map(|line| {
        let line = line.trim();
        // deb822 form (`URIs: ...`) or one-line form (`deb [options] URI suite ...`).
        let uri = if let Some(uris) = line.strip_prefix("URIs:") {
            uris.split_whitespace().next()?
        } else if let Some(rest) = line.strip_prefix("deb ") {
            rest.split_whitespace().find(|word| word.contains("://"))?
        } else {
            return None;
        };
        (uri.ends_with("/debian") || uri.ends_with("/debian/")).then(|| uri.to_string())
    })
}

/// Root on Debian: apt can install QEMU without asking anyone.
fn can_apt_install() -> bool {
    let root = stdout(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    root && std::path::Path::new("/etc/debian_version").exists()
}

fn install_qemu() -> bool {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let codename = release
        .lines()
        .find_map(|line| line.strip_prefix("VERSION_CODENAME="))
        .unwrap_or("bookworm")
        .trim_matches('"')
        .to_string();
    let backports = format!("{codename}-backports");
    let Some(mirror) = debian_mirror() else {
        eprintln!("  no Debian mirror found in the apt sources");
        return false;
    };
    let list = "/etc/apt/sources.list.d/percore-backports.list";
    let line = format!("deb {mirror} {backports} main\n");
    eprintln!("  installing QEMU from {backports} (writes {list})");
    if std::fs::write(list, line).is_err() {
        return false;
    }
    let mut update = Command::new("apt-get");
    update.args(["update", "-q"]);
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-q", "-t", &backports])
        .args(["qemu-system-arm", "qemu-system-misc"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut update) && run(&mut install)
}
