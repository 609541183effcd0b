//! The QEMU suites: which firmware, which machine, which cases, and how to judge them.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::{cargo, describe, root, run};

/// An architecture with test firmware.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arch {
    Aarch64,
}

impl Arch {
    pub const ALL: &'static [Arch] = &[Arch::Aarch64];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|arch| arch.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Arch::Aarch64 => "aarch64",
        }
    }

    /// The Rust targets the library crates are built for on this architecture.
    pub fn rust_targets(self) -> &'static [&'static str] {
        match self {
            Arch::Aarch64 => &["aarch64-unknown-none"],
        }
    }

    /// The target the test firmware is built for.
    pub fn firmware_target(self) -> &'static str {
        self.rust_targets()[0]
    }

    pub fn firmware_package(self) -> &'static str {
        match self {
            Arch::Aarch64 => "percore-firmware-aarch64",
        }
    }

    pub fn qemu_binary(self) -> &'static str {
        match self {
            Arch::Aarch64 => "qemu-system-aarch64",
        }
    }

    /// The cases of this architecture's suite.
    fn cases(self) -> &'static [Case] {
        match self {
            Arch::Aarch64 => AARCH64_CASES,
        }
    }
}

/// What a case must show to pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exit 0, verdict=pass, torn=0, lost=0, and at least `min_irqs` interrupts on every core.
    Pass { min_irqs: u64 },
    /// A negative control: the firmware must detect corruption (torn or lost > 0) and fail.
    Detected,
}

/// One QEMU run.
struct Case {
    /// The name the report and the command line use.
    name: &'static str,
    /// Semihosting arguments: the firmware's case and its parameters.
    args: &'static [&'static str],
    machine: &'static str,
    smp: u32,
    /// Extra QEMU arguments.
    extra: &'static [&'static str],
    expect: Expect,
}

const VIRT_EL1: &str = "virt,gic-version=3";
const VIRT_EL2: &str = "virt,gic-version=3,virtualization=on";

const AARCH64_CASES: &[Case] = &[
    Case {
        name: "el1/stress",
        args: &["stress"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &[],
        expect: Expect::Pass { min_irqs: 300 },
    },
    Case {
        name: "el1/stress-unmasked",
        args: &["stress-unmasked"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &[],
        expect: Expect::Detected,
    },
    Case {
        name: "el1/stress-icount",
        args: &["stress"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &["-icount", "shift=0"],
        expect: Expect::Pass { min_irqs: 300 },
    },
    Case {
        name: "el1/nesting",
        args: &["nesting"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &[],
        expect: Expect::Pass { min_irqs: 100 },
    },
    Case {
        name: "el1/nesting-naive",
        args: &["nesting-naive"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &[],
        expect: Expect::Detected,
    },
    Case {
        name: "el2/stress",
        args: &["stress"],
        machine: VIRT_EL2,
        smp: 4,
        extra: &[],
        expect: Expect::Pass { min_irqs: 300 },
    },
    Case {
        name: "el2/stress-unmasked",
        args: &["stress-unmasked"],
        machine: VIRT_EL2,
        smp: 4,
        extra: &[],
        expect: Expect::Detected,
    },
    Case {
        name: "el2/nesting",
        args: &["nesting"],
        machine: VIRT_EL2,
        smp: 4,
        extra: &[],
        expect: Expect::Pass { min_irqs: 100 },
    },
    Case {
        name: "el2/nesting-naive",
        args: &["nesting-naive"],
        machine: VIRT_EL2,
        smp: 4,
        extra: &[],
        expect: Expect::Detected,
    },
    Case {
        name: "topology",
        args: &["topology", "20"],
        machine: VIRT_EL1,
        smp: 20,
        extra: &[],
        expect: Expect::Pass { min_irqs: 0 },
    },
    Case {
        name: "topology-aff0",
        args: &["topology-aff0", "20"],
        machine: VIRT_EL1,
        smp: 20,
        extra: &[],
        expect: Expect::Detected,
    },
];

/// The bound on every QEMU run: a hung guest becomes a failure.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Builds the firmware of `arch` in release mode and returns its path.
pub fn build_firmware(arch: Arch) -> Result<PathBuf, String> {
    let target = arch.firmware_target();
    let package = arch.firmware_package();
    if !run(cargo(None).args([
        "build",
        "--release",
        "--package",
        package,
        "--target",
        target,
    ])) {
        return Err(format!("building {package} for {target} failed"));
    }
    Ok(root()
        .join("target")
        .join(target)
        .join("release")
        .join(package))
}

fn qemu_command(arch: Arch, firmware: &PathBuf, case: &Case) -> Command {
    let mut semihosting = String::from("enable=on,target=native");
    for arg in case.args {
        semihosting.push_str(",arg=");
        semihosting.push_str(arg);
    }
    let mut command = Command::new(arch.qemu_binary());
    command
        .args(["-machine", case.machine, "-cpu", "max", "-m", "128M"])
        .args(["-smp", &case.smp.to_string()])
        .args(["-display", "none", "-serial", "none", "-monitor", "none"])
        .args(["-semihosting-config", &semihosting])
        .args(case.extra)
        .arg("-kernel")
        .arg(firmware);
    command
}

/// Output and exit status of one bounded run.
struct Outcome {
    status: Option<i32>,
    output: String,
    elapsed: Duration,
}

/// Runs `command`, killing it after `TIMEOUT`; `status` is `None` on a timeout.
fn run_bounded(mut command: Command, echo: bool) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", describe(&command)))?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut chunk = [0; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut chunk) {
            if echo {
                use std::io::Write;
                let _ = std::io::stdout().write_all(&chunk[..n]);
            }
            all.extend_from_slice(&chunk[..n]);
        }
        all
    });
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
    let mut output = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut output);
    }
    Ok(Outcome {
        status,
        output,
        elapsed: start.elapsed(),
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
        .ok_or_else(|| format!("exit {status} without a percore-case line"))?;
    match case.expect {
        Expect::Pass { min_irqs } => {
            if status != 0 || figures.verdict != "pass" {
                return Err(format!("exit {status}, verdict {}", figures.verdict));
            }
            if figures.cores != u64::from(case.smp) {
                return Err(format!("{} cores took part, expected {}", figures.cores, case.smp));
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
            Ok("")
        }
        Expect::Detected => {
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
    let firmware = build_firmware(arch)?;
    let mut all_passed = true;
    for case in selected {
        let outcome = run_bounded(qemu_command(arch, &firmware, case), false)?;
        let figures = parse_figures(&outcome.output).unwrap_or_default();
        let verdict = judge(case, &outcome);
        let (word, note) = match &verdict {
            Ok(note) => ("PASS", note.to_string()),
            Err(reason) => ("FAIL", format!(" ({reason})")),
        };
        println!(
            "{:<8} {:<22} {word} cores={} irqs={} ops={} torn={} lost={} time={:.1}s{note}",
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
    let firmware = match build_firmware(arch) {
        Ok(firmware) => firmware,
        Err(error) => {
            eprintln!("error: {error}");
            return false;
        }
    };
    let case = Case {
        name: "demo",
        args: &["demo"],
        machine: VIRT_EL1,
        smp: 4,
        extra: &[],
        expect: Expect::Pass { min_irqs: 300 },
    };
    println!(
        "Four cores on QEMU {}; each keeps a PerCore<ExceptionLock<RefCell<..>>> that its main loop and its timer interrupt both update.",
        arch.name()
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
