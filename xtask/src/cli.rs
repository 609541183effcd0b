//! The command line, declared in one place.

use std::process::ExitCode;

use crate::{provision, qemu, steps};

pub const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  test                          rustfmt, clippy, host tests, Miri, compile-fail tests, builds for
                                every target, the MSRV build and every QEMU suite; a summary
                                table and `N passed, M failed` at the end
  qemu [--arch ARCH] [CASE...]  build the test firmware and run QEMU cases (all by default)
  demo [--arch ARCH]            run the multi-core demo on QEMU
  bench                         instructions on each hot path, ours beside the peers and the
                                hand-written minimum, per architecture; writes JSON
  provision                     install missing Rust targets, components, toolchains and QEMU

ARCH: aarch64 (the default), riscv64, riscv32";

/// A parsed command line.
pub enum Task {
    Test,
    Qemu {
        arch: qemu::Arch,
        cases: Vec<String>,
    },
    Demo {
        arch: qemu::Arch,
    },
    Bench,
    Provision,
}

pub fn parse(args: &[String]) -> Result<Task, String> {
    let (task, rest) = args.split_first().ok_or("no task given")?;
    let mut arch = qemu::Arch::Aarch64;
    let mut positional = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--arch" => {
                let name = rest.next().ok_or("--arch needs a value")?;
                arch = qemu::Arch::parse(name)
                    .ok_or_else(|| format!("unknown architecture {name:?}"))?;
            }
            "-h" | "--help" => return Err("help requested".into()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag:?}")),
            _ => positional.push(arg.clone()),
        }
    }
    let no_positional = |task: Task| {
        if positional.is_empty() {
            Ok(task)
        } else {
            Err(format!("unexpected arguments {positional:?}"))
        }
    };
    match task.as_str() {
        "test" => no_positional(Task::Test),
        "demo" => no_positional(Task::Demo { arch }),
        "provision" => no_positional(Task::Provision),
        "bench" => no_positional(Task::Bench),
        "qemu" => Ok(Task::Qemu {
            arch,
            cases: positional,
        }),
        other => Err(format!("unknown task {other:?}")),
    }
}

impl Task {
    pub fn run(self) -> ExitCode {
        let ok = match self {
            Task::Test => steps::test_all(),
            Task::Qemu { arch, cases } => {
                provision::ensure_or_explain(&[arch])
                    && qemu::run_suite(arch, &cases).unwrap_or_else(|e| {
                        eprintln!("error: {e}");
                        false
                    })
            }
            Task::Demo { arch } => provision::ensure_or_explain(&[arch]) && qemu::demo(arch),
            Task::Bench => provision::ensure_or_explain(qemu::Arch::ALL) && crate::bench::run(),
            Task::Provision => provision::ensure_or_explain(qemu::Arch::ALL),
        };
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
