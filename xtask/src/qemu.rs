//! Running the QEMU suites declared in `suites.rs`, and judging them.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::{cargo, describe, root, run};
pub use crate::suites::Arch;
use crate::suites::{Case, Expect, Firmware};

/// The bound on every QEMU run: a hung guest becomes a failure.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Builds `firmware` in release mode and copies it to its own file; returns that path.
pub fn build_firmware(firmware: &Firmware) -> Result<PathBuf, String> {
    let mut build = cargo(None);
    build.args([
        "build",
        "--package",
        firmware.package,
        "--target",
        firmware.target,
    ]);
    if firmware.release {
        build.arg("--release");
    }
    if !firmware.features.is_empty() {
        build.args(["--features", &firmware.features.join(",")]);
    }
    if !run(&mut build) {
        return Err(format!(
            "building {} for {} failed",
            firmware.package, firmware.target
        ));
    }
    let built = root()
        .join("target")
        .join(firmware.target)
        .join(if firmware.release { "release" } else { "debug" })
        .join(firmware.package);
    let dir = root().join("target").join("firmware");
    let copy = dir.join(firmware.file);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(&built, &copy))
        .map_err(|e| format!("copying {} to {}: {e}", built.display(), copy.display()))?;
    Ok(copy)
}

pub fn qemu_command(arch: Arch, firmware: &PathBuf, case: &Case) -> Command {
    let mut semihosting = String::from("enable=on,target=native");
    for arg in case.args {
        semihosting.push_str(",arg=");
        semihosting.push_str(arg);
    }
    let mut command = Command::new(arch.qemu_binary());
    command.args(case.machine);
    if arch.sized_machine() {
        command.args(["-m", "128M", "-smp", &case.smp.to_string()]);
    }
    command
        .args(["-display", "none", "-serial", "none", "-monitor", "none"])
        .args(["-semihosting-config", &semihosting])
        .arg("-kernel")
        .arg(firmware);
    command
}

/// Output and exit status of one bounded run.
pub struct Outcome {
    /// QEMU's exit status; `None` if it had to be killed.
    pub status: Option<i32>,
    /// stdout and stderr (semihosting output arrives on stderr).
    pub output: String,
    pub elapsed: Duration,
}

/// Runs `command`, killing it after `TIMEOUT`; `status` is `None` on a timeout.
pub fn run_bounded(mut command: Command, echo: bool) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", describe(&command)))?;
    // Semihosting output arrives on QEMU's stderr, its own messages on stdout: drain both
    // while it runs (a full pipe would stall the guest), echoing them for the demo.
    let readers = [
        drain(
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            echo,
        ),
        drain(
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            echo,
        ),
    ];
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status.code();
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut output = String::new();
    for reader in readers {
        output.push_str(&String::from_utf8_lossy(&reader.join().unwrap_or_default()));
    }
    Ok(Outcome {
        status,
        output,
        elapsed: start.elapsed(),
    })
}

/// Reads a stream to its end on a thread of its own, echoing it to stdout if asked.
fn drain(stream: Option<Box<dyn Read + Send>>, echo: bool) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let Some(mut stream) = stream else { return all };
        let mut chunk = [0; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            if echo {
                use std::io::Write;
                let _ = std::io::stdout().write_all(&chunk[..n]);
            }
            all.extend_from_slice(&chunk[..n]);
        }
        all
    })
}

/// The figures of the `percore-case` line.
#[derive(Default, Debug)]
struct Figures {
    verdict: String,
    cores: u64,
    irqs: u64,
    min_irqs: u64,
    ops: u64,
    torn: u64,
    lost: u64,
}

fn parse_figures(output: &str) -> Option<Figures> {
    let line = output
        .lines()
        .rev()
        .find(|line| line.starts_with("percore-case "))?;
    let mut figures = Figures::default();
    for field in line.split_whitespace() {
        let Some((key, value)) = field.split_once('=') else {
            continue;
        };
        let number = || value.parse().ok();
        match key {
            "verdict" => figures.verdict = value.to_string(),
            "cores" => figures.cores = number()?,
            "irqs" => figures.irqs = number()?,
            "min-irqs" => figures.min_irqs = number()?,
            "ops" => figures.ops = number()?,
            "torn" => figures.torn = number()?,
            "lost" => figures.lost = number()?,
            _ => {}
        }
    }
    Some(figures)
}

/// Judges one run: `Ok(note)` if it passed, `Err(reason)` if not.
fn judge(case: &Case, outcome: &Outcome) -> Result<&'static str, String> {
    let Some(status) = outcome.status else {
        return Err(format!("timed out after {} s", TIMEOUT.as_secs()));
    };
    let figures = parse_figures(&outcome.output)
        .ok_or_else(|| format!("exit {status} without a percore-case line"));
    match case.expect {
        Expect::Panics(message) => {
            // The panic handler exits with 101 after printing `panic: <message>`.
            // (`PanicInfo` prints the location, a line break, then the message.)
            let panicked = outcome.output.contains("panic: ") && outcome.output.contains(message);
            if status == 101 && panicked {
                Ok(" (misuse caught: panicked as required)")
            } else {
                Err(format!(
                    "exit {status}; expected a panic mentioning {message:?}"
                ))
            }
        }
        Expect::Pass { min_irqs } => {
            let figures = figures?;
            if status != 0 || figures.verdict != "pass" {
                return Err(format!("exit {status}, verdict {}", figures.verdict));
            }
            if figures.cores != u64::from(case.smp) {
                return Err(format!(
                    "{} cores took part, expected {}",
                    figures.cores, case.smp
                ));
            }
            if figures.torn != 0 || figures.lost != 0 {
                return Err("torn or lost updates".into());
            }
            if figures.min_irqs < min_irqs {
                return Err(format!(
                    "only {} interrupts on one core, need {min_irqs}",
                    figures.min_irqs
                ));
            }
            if let Some(check) = case.check {
                check(&outcome.output)?;
            }
            Ok("")
        }
        Expect::Detected => {
            let figures = figures?;
            // Exit 1 is the firmware's own "invariant broken" verdict; anything else (a panic,
            // a fault, a timeout) is not a detection.
            if status == 1 && figures.verdict == "fail" && figures.torn + figures.lost > 0 {
                Ok(" (negative control: corruption detected)")
            } else {
                Err(format!(
                    "negative control not detected: exit {status}, torn={} lost={}",
                    figures.torn, figures.lost
                ))
            }
        }
    }
}

/// Builds the firmware and runs the named cases (all if none), one line each. True if all passed.
pub fn run_suite(arch: Arch, names: &[String]) -> Result<bool, String> {
    let selected: Vec<&Case> = if names.is_empty() {
        arch.cases().iter().collect()
    } else {
        names
            .iter()
            .map(|name| {
                arch.cases()
                    .iter()
                    .find(|case| case.name == name)
                    .ok_or_else(|| {
                        let known: Vec<_> = arch.cases().iter().map(|case| case.name).collect();
                        format!(
                            "no case {name:?} for {}; cases: {}",
                            arch.name(),
                            known.join(", ")
                        )
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let mut built: Vec<(&str, PathBuf)> = Vec::new();
    let mut all_passed = true;
    for case in selected {
        let firmware = match built.iter().find(|(file, _)| *file == case.firmware.file) {
            Some((_, path)) => path.clone(),
            None => {
                let path = build_firmware(case.firmware)?;
                built.push((case.firmware.file, path.clone()));
                path
            }
        };
        let outcome = run_bounded(qemu_command(arch, &firmware, case), false)?;
        let figures = parse_figures(&outcome.output).unwrap_or_default();
        let verdict = judge(case, &outcome);
        let (word, note) = match &verdict {
            Ok(note) => ("PASS", note.to_string()),
            Err(reason) => ("FAIL", format!(" ({reason})")),
        };
        println!(
            "{:<8} {:<28} {word} cores={} irqs={} ops={} torn={} lost={} time={:.1}s{note}",
            arch.name(),
            case.name,
            figures.cores,
            figures.irqs,
            figures.ops,
            figures.torn,
            figures.lost,
            outcome.elapsed.as_secs_f64()
        );
        if verdict.is_err() {
            all_passed = false;
            println!(
                "--- output of {} ---\n{}--- end ---",
                case.name, outcome.output
            );
        }
    }
    Ok(all_passed)
}

/// Runs the demo with its output shown live.
pub fn demo(arch: Arch) -> bool {
    let case = arch.demo();
    let firmware = match build_firmware(case.firmware) {
        Ok(firmware) => firmware,
        Err(error) => {
            eprintln!("error: {error}");
            return false;
        }
    };
    println!(
        "{} cores on QEMU {} ({}); each keeps a PerCore<ExceptionLock<RefCell<..>>> that its main loop and its timer interrupt both update.",
        case.smp,
        arch.name(),
        case.machine.join(" ")
    );
    match run_bounded(qemu_command(arch, &firmware, &case), true) {
        Ok(outcome) => match judge(&case, &outcome) {
            Ok(_) => {
                println!(
                    "demo finished: every core's state stayed consistent under its timer interrupts."
                );
                true
            }
            Err(reason) => {
                eprintln!("demo failed: {reason}");
                false
            }
        },
        Err(error) => {
            eprintln!("error: {error}");
            false
        }
    }
}
