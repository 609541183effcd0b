//! `cargo xtask bench`: instructions executed on each hot path, ours beside the peers' and the
//! hand-written minimum, per architecture; and the check of ours against recorded ceilings.
//!
//! The firmware's `bench` case (crate `percore-bench`) prints each scenario's address and runs
//! each once between calls to a marker function. QEMU runs it with one instruction per
//! translation block and an execution trace (`-d exec,nochain`), so every executed instruction
//! is one trace line. A scenario's count is the number of trace lines from its entry to the
//! next marker that are not in the driver function (known from the symbol table), so it
//! includes the function's return and every out-of-line call it makes (critical-section's
//! acquire and release); panic paths are never executed, and the disassembly tells how many
//! cold calls each function has.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::command::{capture, root};
use crate::qemu::{build_firmware, qemu_command, run_bounded};
use crate::suites::{BENCH_TARGETS, BenchTarget, Case, Expect};

/// The scenarios, in table order.
const SCENARIOS: &[&str] = &["empty", "cell", "refcell", "nested"];
/// Names of cold functions a hot path may branch to: panics and our out-of-line errors.
const COLD: &[&str] = &[
    "panic",
    "outside_topology",
    "outside_range",
    "unknown_core",
    "out_of_range",
    "borrow_failed",
    "already_borrowed",
    "not_recorded",
];
/// Ceilings of our hot paths, one `LABEL SCENARIO MAX` per line.
const CEILINGS: &str = "xtask/hot-path-ceilings.txt";

/// One measured function.
struct Row {
    implementation: String,
    scenario: String,
    instructions: u64,
    bytes: Option<u64>,
    cold_calls: Option<usize>,
}

/// The measurements of one bench target.
struct Measured {
    label: &'static str,
    rust_target: &'static str,
    rows: Vec<Row>,
}

impl Measured {
    fn get(&self, implementation: &str, scenario: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|row| row.implementation == implementation && row.scenario == scenario)
    }

    /// The implementations other than ours, in first-seen order.
    fn others(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for row in &self.rows {
            let name = row.implementation.as_str();
            if name != "ours" && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

fn llvm_tool(name: &str) -> Option<PathBuf> {
    let sysroot = capture(Command::new("rustc").args(["--print", "sysroot"]))?;
    let version = capture(Command::new("rustc").arg("-vV"))?;
    let host = String::from_utf8_lossy(&version.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_string))?;
    let path = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim())
        .join("lib/rustlib")
        .join(host)
        .join("bin")
        .join(name);
    path.exists().then_some(path)
}

/// Function sizes by address (Thumb bit cleared), from `llvm-nm -S`.
fn symbol_sizes(elf: &Path) -> BTreeMap<u64, (u64, String)> {
    let mut sizes = BTreeMap::new();
    let Some(nm) = llvm_tool("llvm-nm") else {
        return sizes;
    };
    let Some(output) = capture(Command::new(nm).args(["-S", "--defined-only"]).arg(elf)) else {
        return sizes;
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let [address, size, kind, name] = fields[..]
            && kind.eq_ignore_ascii_case("t")
            && let (Ok(address), Ok(size)) = (
                u64::from_str_radix(address, 16),
                u64::from_str_radix(size, 16),
            )
        {
            // Local labels (`.Lpcrel_hi0`, size 0) are not functions.
            if size > 0 {
                sizes.insert(address & !1, (size, name.to_string()));
            }
        }
    }
    sizes
}

/// Distinct cold functions referenced from `[address, address + size)`, from the disassembly.
fn cold_calls(elf: &Path, address: u64, size: u64) -> Option<usize> {
    let objdump = llvm_tool("llvm-objdump")?;
    let output = capture(
        Command::new(objdump)
            .args(["-d", "-C", "--no-show-raw-insn"])
            .arg(format!("--start-address={address:#x}"))
            .arg(format!("--stop-address={:#x}", address + size))
            .arg(elf),
    )?;
    let mut targets: Vec<String> = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        // Instruction lines are `ADDRESS: MNEMONIC OPERANDS`; references end in `<symbol>`.
        let Some((address, _)) = line.trim_start().split_once(':') else {
            continue;
        };
        if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        if let Some(start) = line.rfind('<') {
            let symbol = line[start + 1..].trim_end_matches('>');
            let symbol = symbol.split('+').next().unwrap_or(symbol).to_string();
            if COLD.iter().any(|cold| symbol.contains(cold)) && !targets.contains(&symbol) {
                targets.push(symbol);
            }
        }
    }
    Some(targets.len())
}

/// Parses `0x...` after `prefix` on the first line that starts with it.
fn address_after(text: &str, prefix: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(prefix))?;
    u64::from_str_radix(line.rsplit(' ').next()?.trim_start_matches("0x"), 16).ok()
}

/// The PCs of an execution trace, in order.
fn trace_pcs(log: &Path) -> Result<Vec<u64>, String> {
    let text =
        std::fs::read_to_string(log).map_err(|e| format!("reading {}: {e}", log.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            // `Trace N: HOST [CS_BASE/PC/FLAGS/CFLAGS] symbol`
            let inside = line.split('[').nth(1)?;
            u64::from_str_radix(inside.split('/').nth(1)?, 16).ok()
        })
        .collect())
}

fn measure(target: &'static BenchTarget) -> Result<Measured, String> {
    let elf = build_firmware(&target.firmware)?;
    let log = root()
        .join("target")
        .join("bench")
        .join(format!("{}.trace", target.label));
    std::fs::create_dir_all(log.parent().expect("in target/bench")).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&log);
    let case = Case {
        name: "bench",
        firmware: &target.firmware,
        machine: target.machine,
        smp: 1,
        args: &["bench", "1"],
        expect: Expect::Pass { min_irqs: 0 },
        check: None,
    };
    let mut command = qemu_command(target.arch, &elf, &case);
    command
        .args([
            "-accel",
            "tcg,one-insn-per-tb=on",
            "-d",
            "exec,nochain",
            "-D",
        ])
        .arg(&log);
    let outcome = run_bounded(command, false)?;
    if outcome.status != Some(0) || !outcome.output.contains("bench-done") {
        return Err(format!(
            "{}: bench run failed ({:?}):\n{}",
            target.label, outcome.status, outcome.output
        ));
    }
    let marker = address_after(&outcome.output, "bench-marker ").ok_or("no bench-marker line")?;
    let functions: Vec<(String, String, u64)> = outcome
        .output
        .lines()
        .filter_map(|line| {
            let mut fields = line.strip_prefix("bench-fn ")?.split_whitespace();
            let (implementation, scenario, address) =
                (fields.next()?, fields.next()?, fields.next()?);
            let address = u64::from_str_radix(address.trim_start_matches("0x"), 16).ok()?;
            Some((implementation.to_string(), scenario.to_string(), address))
        })
        .collect();
    let pcs = trace_pcs(&log)?;
    let marks: Vec<usize> = pcs
        .iter()
        .enumerate()
        .filter(|(_, pc)| **pc == marker)
        .map(|(i, _)| i)
        .collect();
    if marks.len() != functions.len() + 1 {
        return Err(format!(
            "{}: {} markers in the trace for {} functions",
            target.label,
            marks.len(),
            functions.len()
        ));
    }
    let sizes = symbol_sizes(&elf);
    // The function containing `pc`, as an address range.
    let containing = |pc: u64| {
        sizes
            .range(..=pc)
            .next_back()
            .filter(|(start, (size, _))| pc < *start + *size)
            .map(|(start, (size, _))| *start..*start + *size)
    };
    let mut rows = Vec::new();
    for (k, (implementation, scenario, address)) in functions.into_iter().enumerate() {
        let span = &pcs[marks[k]..marks[k + 1]];
        let entry = span
            .iter()
            .position(|pc| *pc == address)
            .ok_or("scenario not entered")?;
        // The call came from the driver: everything after the entry that is not the driver is
        // the scenario or what it calls.
        let caller = entry
            .checked_sub(1)
            .and_then(|i| containing(span[i]))
            .ok_or_else(|| {
                let pc = span[entry.saturating_sub(1)];
                format!(
                    "{}: no symbol contains the caller {pc:#x} ({} symbols)",
                    target.label,
                    sizes.len()
                )
            })?;
        let instructions = span[entry..]
            .iter()
            .filter(|pc| !caller.contains(pc))
            .count() as u64;
        let size = sizes.get(&address).map(|(size, _)| *size);
        rows.push(Row {
            cold_calls: size.and_then(|size| cold_calls(&elf, address, size)),
            bytes: size,
            implementation,
            scenario,
            instructions,
        });
    }
    let _ = std::fs::remove_file(&log);
    Ok(Measured {
        label: target.label,
        rust_target: target.firmware.target,
        rows,
    })
}

fn print_table(measured: &Measured) {
    let others = measured.others();
    println!(
        "\n{} ({}), instructions executed on the hot path",
        measured.label, measured.rust_target
    );
    let mut header = format!("{:<9} {:>5}", "scenario", "ours");
    for other in &others {
        let _ = write!(header, " {:>16}", other);
    }
    let _ = write!(
        header,
        " {:>9} {:>11} {:>10}",
        "ours/best", "ours bytes", "ours cold"
    );
    println!("{header}");
    for scenario in SCENARIOS {
        let Some(ours) = measured.get("ours", scenario) else {
            continue;
        };
        let mut line = format!("{:<9} {:>5}", scenario, ours.instructions);
        let mut best = u64::MAX;
        for other in &others {
            let count = measured.get(other, scenario).map(|row| row.instructions);
            if let Some(count) = count {
                best = best.min(count);
            }
            let _ = write!(line, " {:>16}", count.map_or("-".into(), |c| c.to_string()));
        }
        let ratio = ours.instructions as f64 / best as f64;
        let bytes = ours.bytes.map_or("-".into(), |b| b.to_string());
        let cold = ours.cold_calls.map_or("-".into(), |c| c.to_string());
        let _ = write!(line, " {ratio:>9.2} {bytes:>11} {cold:>10}");
        println!("{line}");
    }
}

fn json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn to_json(all: &[Measured], build: Option<(f64, f64)>) -> String {
    let mut json = String::from("{\n  \"unit\": \"instructions executed\",\n  \"targets\": [\n");
    for (i, measured) in all.iter().enumerate() {
        let _ = writeln!(
            json,
            "    {{\"label\": {}, \"rust_target\": {}, \"rows\": [",
            json_string(measured.label),
            json_string(measured.rust_target)
        );
        let rows: Vec<String> = measured
            .rows
            .iter()
            .map(|row| {
                format!(
                    "      {{\"implementation\": {}, \"scenario\": {}, \"instructions\": {}, \"bytes\": {}, \"cold_calls\": {}}}",
                    json_string(&row.implementation),
                    json_string(&row.scenario),
                    row.instructions,
                    row.bytes.map_or("null".into(), |b| b.to_string()),
                    row.cold_calls.map_or("null".into(), |c| c.to_string())
                )
            })
            .collect();
        let _ = write!(
            json,
            "{}\n    ]}}{}\n",
            rows.join(",\n"),
            if i + 1 < all.len() { "," } else { "" }
        );
    }
    json.push_str("  ]");
    if let Some((ours, original)) = build {
        let _ = write!(
            json,
            ",\n  \"clean_build_seconds\": {{\"target\": \"aarch64-unknown-none\", \"percore\": {ours:.2}, \"percore-0.3\": {original:.2}, \"ratio\": {:.2}}}",
            ours / original
        );
    }
    json.push_str("\n}\n");
    json
}

/// Clean build of a scratch crate depending on `dependency`, for aarch64, in seconds.
fn clean_build_seconds(name: &str, dependency: &str) -> Result<f64, String> {
    let dir = root().join("target").join("bench").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{dependency}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "#![no_std]\npub use percore;\n")
        .map_err(|e| e.to_string())?;
    // Resolve and download first, so that only compiling is timed.
    let fetch = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["fetch", "--quiet"])
        .current_dir(&dir)
        .status()
        .map_err(|e| e.to_string())?;
    if !fetch.success() {
        return Err(format!("cargo fetch failed for {name}"));
    }
    let start = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--target", "aarch64-unknown-none"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    if status.success() {
        Ok(seconds)
    } else {
        Err(format!("building {name} failed"))
    }
}

/// `cargo xtask bench`: every table, the build-time ratio, and the JSON file.
pub fn run() -> bool {
    let mut all = Vec::new();
    for target in BENCH_TARGETS {
        match measure(target) {
            Ok(measured) => all.push(measured),
            Err(error) => {
                eprintln!("error: {error}");
                return false;
            }
        }
    }
    for measured in &all {
        print_table(measured);
    }
    let path = root().join("percore");
    let ours = clean_build_seconds(
        "build-time-percore",
        &format!("percore = {{ path = {:?} }}", path.display().to_string()),
    );
    let original = clean_build_seconds("build-time-percore-0-3", "percore = \"=0.3.0\"");
    let build = match (ours, original) {
        (Ok(ours), Ok(original)) => {
            println!(
                "\nclean build for aarch64-unknown-none (default features): percore {ours:.1} s, percore 0.3 {original:.1} s, ratio {:.2}",
                ours / original
            );
            Some((ours, original))
        }
        (ours, original) => {
            eprintln!(
                "build-time measurement failed: {:?} {:?}",
                ours.err(),
                original.err()
            );
            None
        }
    };
    let json = root().join("target").join("bench").join("hot-paths.json");
    match std::fs::write(&json, to_json(&all, build)) {
        Ok(()) => println!("\nmachine-readable results: {}", json.display()),
        Err(error) => {
            eprintln!("error: writing {}: {error}", json.display());
            return false;
        }
    }
    true
}

/// Checks our hot paths against the recorded ceilings; part of `cargo xtask test`.
pub fn check_ceilings() -> bool {
    let path = root().join(CEILINGS);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("  cannot read {CEILINGS}");
        return false;
    };
    let ceilings: Vec<(&str, &str, u64)> = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            Some((fields.next()?, fields.next()?, fields.next()?.parse().ok()?))
        })
        .collect();
    let mut ok = true;
    for target in BENCH_TARGETS {
        let measured = match measure(target) {
            Ok(measured) => measured,
            Err(error) => {
                eprintln!("  {error}");
                return false;
            }
        };
        for scenario in SCENARIOS {
            let Some(row) = measured.get("ours", scenario) else {
                continue;
            };
            match ceilings
                .iter()
                .find(|(label, name, _)| *label == target.label && name == scenario)
            {
                Some((_, _, ceiling)) if row.instructions > *ceiling => {
                    eprintln!(
                        "  {}/{scenario}: {} instructions, above the ceiling of {ceiling} in {CEILINGS}",
                        target.label, row.instructions
                    );
                    ok = false;
                }
                Some((_, _, ceiling)) => {
                    let note = if row.instructions < *ceiling {
                        " (below: lower the ceiling in a reviewed change)"
                    } else {
                        ""
                    };
                    eprintln!(
                        "  {}/{scenario}: {} <= {ceiling}{note}",
                        target.label, row.instructions
                    );
                }
                None => {
                    eprintln!(
                        "  {}/{scenario}: {} instructions, but no ceiling recorded in {CEILINGS}",
                        target.label, row.instructions
                    );
                    ok = false;
                }
            }
        }
    }
    ok
}
