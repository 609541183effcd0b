//! `cargo xtask test`: every check, one progress line per step, a summary table at the end.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::command::{capture, cargo, describe, run};
use crate::provision::{ensure_or_explain, msrv, percore};
use crate::qemu::{self, Arch};

/// Library crates: what users depend on.
/// `-p` arguments for every library crate: what users depend on.
fn libraries() -> Vec<String> {
    [
        "-p",
        &percore(),
        "-p",
        "percore-aarch64",
        "-p",
        "percore-riscv",
        "-p",
        "percore-cortex-m",
    ]
    .map(String::from)
    .to_vec()
}

struct Step {
    name: String,
    passed: bool,
    time: Duration,
}

#[derive(Default)]
struct Steps {
    done: Vec<Step>,
}

impl Steps {
    fn run(&mut self, name: &str, body: impl FnOnce() -> bool) {
        let number = self.done.len() + 1;
        eprintln!("\n==> [{number}] {name}");
        let start = Instant::now();
        let passed = body();
        let time = start.elapsed();
        eprintln!(
            "<== [{number}] {name}: {} in {:.1} s",
            if passed { "ok" } else { "FAILED" },
            time.as_secs_f64()
        );
        self.done.push(Step {
            name: name.to_string(),
            passed,
            time,
        });
    }

    fn summary(&self) -> bool {
        let width = self
            .done
            .iter()
            .map(|step| step.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!("\n{:<width$}  result  time", "step");
        for step in &self.done {
            println!(
                "{:<width$}  {:<6}  {:>6.1} s",
                step.name,
                if step.passed { "pass" } else { "FAIL" },
                step.time.as_secs_f64()
            );
        }
        let passed = self.done.iter().filter(|step| step.passed).count();
        let failed = self.done.len() - passed;
        println!("{passed} passed, {failed} failed");
        failed == 0
    }
}

/// The library crates for one architecture: `percore` and its backend.
fn arch_libraries(arch: Arch) -> [String; 4] {
    ["-p".into(), percore(), "-p".into(), arch.backend().into()]
}

/// Expects `command` to fail with `message` in its output: a misuse caught at compile time.
fn fails_with(command: &mut Command, message: &str) -> bool {
    eprintln!("  $ {}  (must fail with {message:?})", describe(command));
    let Some(output) = capture(command) else {
        return false;
    };
    let text = String::from_utf8_lossy(&output.stderr);
    let ok = !output.status.success() && text.contains(message);
    if !ok {
        eprintln!("  expected a failure mentioning {message:?}; got:\n{text}");
    }
    ok
}

pub fn test_all() -> bool {
    let mut steps = Steps::default();
    let arches = Arch::ALL;
    steps.run("provision toolchains and QEMU", || {
        ensure_or_explain(arches)
    });
    steps.run("rustfmt", || {
        run(cargo(None).args(["fmt", "--all", "--", "--check"]))
    });
    steps.run("clippy (host)", || {
        run(cargo(None)
            .args(["clippy", "--all-targets"])
            .args(libraries())
            .args(["-p", "xtask", "--", "-D", "warnings"]))
    });
    for &arch in arches {
        steps.run(&format!("clippy ({})", arch.name()), || {
            let libraries = arch.rust_targets().iter().all(|target| {
                run(cargo(None)
                    .args(["clippy", "--target", target])
                    .args(arch_libraries(arch))
                    .args(["-p", "percore-bench", "--", "-D", "warnings"]))
            });
            libraries
                && arch.firmwares().iter().all(|firmware| {
                    run(cargo(None)
                        .args(["clippy", "--release", "--target", firmware.target])
                        .args(["-p", "percore-testkit", "-p", firmware.package])
                        .args(["--features", &firmware.features.join(",")])
                        .args(["--", "-D", "warnings"]))
                })
        });
    }
    steps.run("host unit tests and doctests", || {
        run(cargo(None)
            .arg("test")
            .args(libraries())
            .args(["--", "--skip", "soundness_promises"]))
    });
    steps.run("compile-fail tests", || {
        run(cargo(None).args(["test", "-p", &percore(), "--test", "compile_fail"]))
    });
    steps.run("Miri (host tests)", || {
        run(cargo(Some("nightly"))
            .args(["miri", "test", "--lib", "--tests"])
            .args(libraries())
            .env("MIRIFLAGS", "-Zmiri-strict-provenance"))
    });
    // Each crate is documented where its items exist: percore with the host test backend (as
    // docs.rs builds it), each backend for its target (percore-riscv in S-mode, which has
    // every item M-mode has plus `set_hart_id`).
    steps.run("docs (no broken links)", || {
        let doc = |args: &[&str]| {
            run(cargo(None)
                .args(["doc", "--no-deps"])
                .args(args)
                .env("RUSTDOCFLAGS", "-D warnings"))
        };
        doc(&["-p", &percore(), "--features", "host-test,alloc"])
            && doc(&[
                "-p",
                "percore-aarch64",
                "--target",
                Arch::Aarch64.rust_targets()[0],
            ])
            && doc(&[
                "-p",
                "percore-riscv",
                "--target",
                Arch::Riscv64.rust_targets()[0],
                "--features",
                "s-mode",
            ])
            && doc(&[
                "-p",
                "percore-cortex-m",
                "--target",
                "thumbv7m-none-eabi",
                "--features",
                "sse-200,rp2040",
            ])
    });
    for &arch in arches {
        steps.run(&format!("build for {}", arch.name()), || {
            let mut features: Vec<Vec<&str>> = vec![
                vec![],
                vec!["--features", "alloc"],
                vec!["--no-default-features"],
                vec!["--no-default-features", "--features", arch.feature()],
            ];
            for set in arch.feature_sets() {
                features.push(vec!["--no-default-features", "--features", set]);
            }
            let libraries = arch.rust_targets().iter().all(|target| {
                features.iter().all(|flags| {
                    run(cargo(None)
                        .args(["build", "--target", target])
                        .args(arch_libraries(arch))
                        .args(flags))
                })
            });
            // The examples (in README.md and the crate's examples/) that are this arch's code.
            let examples = arch.examples().iter().all(|(example, features, target)| {
                run(cargo(None)
                    .args(["build", "--target", target, "-p", &percore()])
                    .args(["--example", example, "--features", features]))
            });
            libraries && examples
        });
    }
    steps.run("build for the host without a backend", || {
        run(cargo(None).args(["build", "-p", &percore(), "--no-default-features"]))
    });
    steps.run("misconfigured backends are compile errors", || {
        let percore = |args: &[&str]| {
            let mut command = cargo(None);
            command.args(["build", "-p", &percore()]).args(args);
            command
        };
        fails_with(
            &mut percore(&["--features", "aarch64"]),
            "the `aarch64` feature selects the AArch64 backend",
        ) && fails_with(
            &mut percore(&["--features", "cortex-m"]),
            "feature selects the Cortex-M backend",
        ) && fails_with(
            &mut percore(&["--features", "riscv"]),
            "feature selects the RISC-V backend",
        ) && fails_with(
            &mut percore(&[
                "--features",
                "host-test",
                "--target",
                "aarch64-unknown-none",
            ]),
            "the `host-test` feature is the host test backend",
        ) && fails_with(
            cargo(None).args([
                "build",
                "-p",
                "percore-riscv",
                "--features",
                "m-mode,s-mode",
            ]),
            "features both choose the privilege mode",
        )
    });
    steps.run(
        "README example is the built example",
        readme_example_in_sync,
    );
    let msrv = msrv();
    steps.run(&format!("MSRV build (Rust {msrv})"), || {
        run(cargo(Some(&msrv)).arg("build").args(libraries()))
            && arches.iter().all(|arch| {
                arch.rust_targets().iter().all(|target| {
                    run(cargo(Some(&msrv))
                        .args(["build", "--target", target])
                        .args(arch_libraries(*arch)))
                })
            })
    });
    steps.run(
        "hot-path ceilings (QEMU instruction counts)",
        crate::bench::check_ceilings,
    );
    for &arch in arches {
        steps.run(&format!("QEMU suite ({})", arch.name()), || {
            qemu::run_suite(arch, &[]).unwrap_or_else(|error| {
                eprintln!("error: {error}");
                false
            })
        });
    }
    steps.summary()
}

/// The README's example must be the example that the build compiles, character for character.
fn readme_example_in_sync() -> bool {
    let root = crate::command::root();
    let path = "percore/examples/per_core_counter.rs";
    let (Ok(readme), Ok(example)) = (
        std::fs::read_to_string(root.join("README.md")),
        std::fs::read_to_string(root.join(path)),
    ) else {
        eprintln!("  cannot read README.md or {path}");
        return false;
    };
    let block = format!("```rust\n{example}```");
    let ok = readme.contains(&block);
    if !ok {
        eprintln!("  README.md must contain {path} verbatim in a ```rust block");
    }
    ok
}
