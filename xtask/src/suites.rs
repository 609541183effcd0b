//! What the QEMU suites run: architectures, firmware builds and cases. Data only; running and
//! judging live in `qemu.rs`.

/// An architecture with a backend and test firmware.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arch {
    Aarch64,
    Riscv64,
    Riscv32,
    CortexM,
}

impl Arch {
    pub const ALL: &'static [Arch] = &[Arch::Aarch64, Arch::Riscv64, Arch::Riscv32, Arch::CortexM];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|arch| arch.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
            Arch::Riscv32 => "riscv32",
            Arch::CortexM => "cortex-m",
        }
    }

    /// The Rust targets the library crates are built and linted for.
    pub fn rust_targets(self) -> &'static [&'static str] {
        match self {
            Arch::Aarch64 => &["aarch64-unknown-none"],
            Arch::Riscv64 => &["riscv64gc-unknown-none-elf"],
            Arch::Riscv32 => &["riscv32imac-unknown-none-elf"],
            Arch::CortexM => &[
                "thumbv6m-none-eabi",
                "thumbv7m-none-eabi",
                "thumbv7em-none-eabihf",
                "thumbv8m.main-none-eabihf",
            ],
        }
    }

    /// Further `percore` feature sets to build besides the defaults and the explicit backend.
    pub fn feature_sets(self) -> &'static [&'static str] {
        match self {
            Arch::Aarch64 | Arch::Riscv32 => &[],
            Arch::Riscv64 => &["riscv-s-mode"],
            Arch::CortexM => &["cortex-m-single-core", "cortex-m-sse-200,cortex-m-rp2040"],
        }
    }

    /// Whether QEMU takes `-m` and `-smp` for this architecture's machines (the Cortex-M boards
    /// have fixed memory and core counts).
    pub fn sized_machine(self) -> bool {
        self != Arch::CortexM
    }

    /// The `percore` feature that selects this backend explicitly.
    pub fn feature(self) -> &'static str {
        match self {
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 | Arch::Riscv32 => "riscv",
            Arch::CortexM => "cortex-m",
        }
    }

    /// `percore` examples written for this architecture: (example, features, target).
    pub fn examples(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Arch::Aarch64 => &[("per_core_counter", "aarch64", "aarch64-unknown-none")],
            Arch::Riscv64 => &[("riscv_s_mode", "riscv-s-mode", "riscv64gc-unknown-none-elf")],
            Arch::Riscv32 => &[],
            Arch::CortexM => &[(
                "cortex_m_dual_core",
                "cortex-m-sse-200",
                "thumbv7m-none-eabi",
            )],
        }
    }

    /// The crate that owns the backend.
    pub fn backend(self) -> &'static str {
        match self {
            Arch::Aarch64 => "percore-aarch64",
            Arch::Riscv64 | Arch::Riscv32 => "percore-riscv",
            Arch::CortexM => "percore-cortex-m",
        }
    }

    pub fn qemu_binary(self) -> &'static str {
        match self {
            Arch::Aarch64 => "qemu-system-aarch64",
            Arch::Riscv64 => "qemu-system-riscv64",
            Arch::Riscv32 => "qemu-system-riscv32",
            Arch::CortexM => "qemu-system-arm",
        }
    }

    /// The cases of this architecture's suite.
    pub fn cases(self) -> &'static [Case] {
        match self {
            Arch::Aarch64 => AARCH64,
            Arch::Riscv64 => RISCV64,
            Arch::Riscv32 => RISCV32,
            Arch::CortexM => CORTEX_M,
        }
    }

    /// The firmware builds this architecture's cases use, each once.
    pub fn firmwares(self) -> Vec<&'static Firmware> {
        let mut firmwares: Vec<&'static Firmware> = Vec::new();
        for case in self.cases() {
            if !firmwares.iter().any(|f| f.file == case.firmware.file) {
                firmwares.push(case.firmware);
            }
        }
        firmwares
    }

    /// The demo run.
    pub fn demo(self) -> Case {
        match self {
            Arch::Aarch64 => Case::pass("demo", &AARCH64_FW, VIRT_EL1, 4, &["demo"], 300),
            Arch::Riscv64 => Case::pass("demo", &RISCV64_M, RISCV_M, 4, &["demo", "4"], 300),
            Arch::Riscv32 => Case::pass("demo", &RISCV32_M, RISCV_M, 4, &["demo", "4"], 300),
            Arch::CortexM => Case::pass("demo", &AN521, MPS2_AN521, 2, &["demo"], 300),
        }
    }
}

/// One build of test firmware.
pub struct Firmware {
    pub package: &'static str,
    pub target: &'static str,
    pub features: &'static [&'static str],
    /// Built in release mode (`true`) or with the dev profile, which keeps debug assertions.
    pub release: bool,
    /// Where the build is copied, under `target/firmware/` (builds of one package with
    /// different features would overwrite each other in place).
    pub file: &'static str,
}

const AARCH64_FW: Firmware = Firmware {
    package: "percore-firmware-aarch64",
    target: "aarch64-unknown-none",
    features: &[],
    release: true,
    file: "aarch64.elf",
};
const RISCV64_M: Firmware = Firmware {
    package: "percore-firmware-riscv",
    target: "riscv64gc-unknown-none-elf",
    features: &[],
    release: true,
    file: "riscv64-m.elf",
};
const RISCV64_S: Firmware = Firmware {
    package: "percore-firmware-riscv",
    target: "riscv64gc-unknown-none-elf",
    features: &["s-mode"],
    release: true,
    file: "riscv64-s.elf",
};
/// Debug build: the check that boot code recorded the hart id exists in debug builds only.
const RISCV64_S_DEBUG: Firmware = Firmware {
    package: "percore-firmware-riscv",
    target: "riscv64gc-unknown-none-elf",
    features: &["s-mode"],
    release: false,
    file: "riscv64-s-debug.elf",
};
const RISCV32_M: Firmware = Firmware {
    package: "percore-firmware-riscv",
    target: "riscv32imac-unknown-none-elf",
    features: &[],
    release: true,
    file: "riscv32-m.elf",
};

const MICROBIT: Firmware = Firmware {
    package: "percore-firmware-cortex-m",
    target: "thumbv6m-none-eabi",
    features: &["board-microbit"],
    release: true,
    file: "cortex-m0-microbit.elf",
};
const AN385: Firmware = Firmware {
    package: "percore-firmware-cortex-m",
    target: "thumbv7m-none-eabi",
    features: &["board-an385"],
    release: true,
    file: "cortex-m3-an385.elf",
};
const AN505: Firmware = Firmware {
    package: "percore-firmware-cortex-m",
    target: "thumbv8m.main-none-eabihf",
    features: &["board-an505"],
    release: true,
    file: "cortex-m33-an505.elf",
};
/// QEMU's AN521 CPU0 has no FPU: built for Armv7-M, which the M33 also runs.
const AN521: Firmware = Firmware {
    package: "percore-firmware-cortex-m",
    target: "thumbv7m-none-eabi",
    features: &["board-an521"],
    release: true,
    file: "cortex-m33x2-an521.elf",
};

/// What a case must show to pass.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exit 0, verdict=pass, all cores present, torn=0, lost=0, and at least `min_irqs`
    /// interrupts on every core.
    Pass { min_irqs: u64 },
    /// A negative control: the firmware must detect corruption (torn or lost > 0) and fail.
    Detected,
    /// A misuse that must stop the firmware with a panic whose message contains this text.
    Panics(&'static str),
}

/// Checks a run's output beyond its case line.
pub type OutputCheck = fn(&str) -> Result<(), String>;

/// One QEMU run.
pub struct Case {
    /// The name the report and the command line use.
    pub name: &'static str,
    pub firmware: &'static Firmware,
    /// `-machine` and any other QEMU arguments.
    pub machine: &'static [&'static str],
    pub smp: u32,
    /// Semihosting arguments: the firmware's case and its parameters.
    pub args: &'static [&'static str],
    pub expect: Expect,
    /// A further check of the output, after the case line's.
    pub check: Option<OutputCheck>,
}

impl Case {
    const fn pass(
        name: &'static str,
        firmware: &'static Firmware,
        machine: &'static [&'static str],
        smp: u32,
        args: &'static [&'static str],
        min_irqs: u64,
    ) -> Self {
        Case {
            name,
            firmware,
            machine,
            smp,
            args,
            expect: Expect::Pass { min_irqs },
            check: None,
        }
    }

    const fn control(
        name: &'static str,
        firmware: &'static Firmware,
        machine: &'static [&'static str],
        smp: u32,
        args: &'static [&'static str],
    ) -> Self {
        Case {
            name,
            firmware,
            machine,
            smp,
            args,
            expect: Expect::Detected,
            check: None,
        }
    }

    const fn panics(
        name: &'static str,
        firmware: &'static Firmware,
        machine: &'static [&'static str],
        smp: u32,
        args: &'static [&'static str],
        message: &'static str,
    ) -> Self {
        Case {
            name,
            firmware,
            machine,
            smp,
            args,
            expect: Expect::Panics(message),
            check: None,
        }
    }

    const fn checking(mut self, check: OutputCheck) -> Self {
        self.check = Some(check);
        self
    }
}

const VIRT_EL1: &[&str] = &["-machine", "virt,gic-version=3", "-cpu", "max"];
const VIRT_EL2: &[&str] = &[
    "-machine",
    "virt,gic-version=3,virtualization=on",
    "-cpu",
    "max",
];
const VIRT_EL1_ICOUNT: &[&str] = &[
    "-machine",
    "virt,gic-version=3",
    "-cpu",
    "max",
    "-icount",
    "shift=0",
];
const MICROBIT_M0: &[&str] = &["-machine", "microbit"];
const MPS2_AN385: &[&str] = &["-machine", "mps2-an385"];
const MPS2_AN505: &[&str] = &["-machine", "mps2-an505"];
const MPS2_AN521: &[&str] = &["-machine", "mps2-an521"];
const RISCV_M: &[&str] = &["-machine", "virt", "-bios", "none"];
/// Supervisor mode under QEMU's default firmware, OpenSBI.
const RISCV_S: &[&str] = &["-machine", "virt"];

#[rustfmt::skip]
const AARCH64: &[Case] = &[
    Case::pass("el1/stress", &AARCH64_FW, VIRT_EL1, 4, &["stress"], 300),
    Case::control("el1/stress-unmasked", &AARCH64_FW, VIRT_EL1, 4, &["stress-unmasked"]),
    Case::control("el1/stress-shared", &AARCH64_FW, VIRT_EL1, 4, &["stress-shared"]),
    Case::pass("el1/stress-icount", &AARCH64_FW, VIRT_EL1_ICOUNT, 4, &["stress"], 300),
    Case::pass("el1/nesting", &AARCH64_FW, VIRT_EL1, 4, &["nesting"], 100),
    Case::control("el1/nesting-naive", &AARCH64_FW, VIRT_EL1, 4, &["nesting-naive"]),
    Case::pass("el2/stress", &AARCH64_FW, VIRT_EL2, 4, &["stress"], 300),
    Case::control("el2/stress-unmasked", &AARCH64_FW, VIRT_EL2, 4, &["stress-unmasked"]),
    Case::pass("el2/nesting", &AARCH64_FW, VIRT_EL2, 4, &["nesting"], 100),
    Case::control("el2/nesting-naive", &AARCH64_FW, VIRT_EL2, 4, &["nesting-naive"]),
    Case::pass("topology", &AARCH64_FW, VIRT_EL1, 20, &["topology", "20"], 0),
    Case::control("topology-aff0", &AARCH64_FW, VIRT_EL1, 20, &["topology-aff0", "20"]),
    Case::panics("outside-topology", &AARCH64_FW, VIRT_EL1, 17, &["outside-topology"], "lies outside the declared topology of 1 cluster × 16 cores"),
];

#[rustfmt::skip]
const RISCV64: &[Case] = &[
    Case::pass("m/stress", &RISCV64_M, RISCV_M, 4, &["stress", "4"], 300),
    Case::control("m/stress-unmasked", &RISCV64_M, RISCV_M, 4, &["stress-unmasked", "4"]),
    Case::control("m/stress-shared", &RISCV64_M, RISCV_M, 4, &["stress-shared", "4"]),
    Case::pass("m/nesting", &RISCV64_M, RISCV_M, 4, &["nesting", "4"], 100),
    Case::control("m/nesting-naive", &RISCV64_M, RISCV_M, 4, &["nesting-naive", "4"]),
    Case::panics("m/outside-range", &RISCV64_M, RISCV_M, 4, &["outside-range", "4"], "hart id 3 lies outside the declared harts 0..=2"),
    // The coordinating hart is never hart 0: the firmware hands over if OpenSBI booted hart 0.
    Case::pass("s/stress", &RISCV64_S, RISCV_S, 4, &["stress"], 300).checking(coordinator_not_hart_0),
    Case::control("s/stress-unmasked", &RISCV64_S, RISCV_S, 4, &["stress-unmasked"]),
    Case::control("s/stress-shared", &RISCV64_S, RISCV_S, 4, &["stress-shared"]),
    Case::pass("s/nesting", &RISCV64_S, RISCV_S, 4, &["nesting"], 100),
    Case::control("s/nesting-naive", &RISCV64_S, RISCV_S, 4, &["nesting-naive"]),
    Case::panics("s/hart-id-unset", &RISCV64_S_DEBUG, RISCV_S, 4, &["hart-id-unset"], "boot code must call percore_riscv::set_hart_id"),
];

#[rustfmt::skip]
const RISCV32: &[Case] = &[
    Case::pass("m/stress", &RISCV32_M, RISCV_M, 4, &["stress", "4"], 300),
    Case::control("m/stress-unmasked", &RISCV32_M, RISCV_M, 4, &["stress-unmasked", "4"]),
    Case::control("m/stress-shared", &RISCV32_M, RISCV_M, 4, &["stress-shared", "4"]),
    Case::pass("m/nesting", &RISCV32_M, RISCV_M, 4, &["nesting", "4"], 100),
    Case::control("m/nesting-naive", &RISCV32_M, RISCV_M, 4, &["nesting-naive", "4"]),
    Case::panics("m/outside-range", &RISCV32_M, RISCV_M, 4, &["outside-range", "4"], "hart id 3 lies outside the declared harts 0..=2"),
];

#[rustfmt::skip]
const CORTEX_M: &[Case] = &[
    Case::pass("m0-microbit/stress", &MICROBIT, MICROBIT_M0, 1, &["stress"], 300),
    Case::control("m0-microbit/stress-unmasked", &MICROBIT, MICROBIT_M0, 1, &["stress-unmasked"]),
    Case::pass("m0-microbit/nesting", &MICROBIT, MICROBIT_M0, 1, &["nesting"], 100),
    Case::control("m0-microbit/nesting-naive", &MICROBIT, MICROBIT_M0, 1, &["nesting-naive"]),
    Case::pass("m3-an385/stress", &AN385, MPS2_AN385, 1, &["stress"], 300),
    Case::control("m3-an385/stress-unmasked", &AN385, MPS2_AN385, 1, &["stress-unmasked"]),
    Case::pass("m3-an385/nesting", &AN385, MPS2_AN385, 1, &["nesting"], 100),
    Case::control("m3-an385/nesting-naive", &AN385, MPS2_AN385, 1, &["nesting-naive"]),
    Case::pass("m33-an505/stress", &AN505, MPS2_AN505, 1, &["stress"], 300),
    Case::control("m33-an505/stress-unmasked", &AN505, MPS2_AN505, 1, &["stress-unmasked"]),
    Case::pass("m33-an505/nesting", &AN505, MPS2_AN505, 1, &["nesting"], 100),
    Case::control("m33-an505/nesting-naive", &AN505, MPS2_AN505, 1, &["nesting-naive"]),
    Case::pass("m33x2-an521/stress", &AN521, MPS2_AN521, 2, &["stress"], 300),
    Case::control("m33x2-an521/stress-unmasked", &AN521, MPS2_AN521, 2, &["stress-unmasked"]),
    Case::control("m33x2-an521/stress-shared", &AN521, MPS2_AN521, 2, &["stress-shared"]),
    Case::pass("m33x2-an521/nesting", &AN521, MPS2_AN521, 2, &["nesting"], 100),
    Case::control("m33x2-an521/nesting-naive", &AN521, MPS2_AN521, 2, &["nesting-naive"]),
];

/// The supervisor-mode firmware reports `coordinator: hart N, M harts`; N must not be 0.
fn coordinator_not_hart_0(output: &str) -> Result<(), String> {
    let line = output
        .lines()
        .find_map(|line| line.strip_prefix("coordinator: hart "))
        .ok_or("no coordinator line")?;
    match line.split(',').next().map(str::trim) {
        Some("0") | None => Err(format!("coordinator line {line:?}: hart 0 coordinated")),
        Some(_) => Ok(()),
    }
}

/// A `cargo xtask bench` run: one firmware build with the `bench` feature, on one core.
pub struct BenchTarget {
    /// The table's name for it (`aarch64`, `cortex-m0`, ...).
    pub label: &'static str,
    pub arch: Arch,
    pub firmware: Firmware,
    pub machine: &'static [&'static str],
}

const fn bench(
    label: &'static str,
    arch: Arch,
    base: &Firmware,
    features: &'static [&'static str],
    file: &'static str,
    machine: &'static [&'static str],
) -> BenchTarget {
    BenchTarget {
        label,
        arch,
        firmware: Firmware {
            package: base.package,
            target: base.target,
            features,
            release: true,
            file,
        },
        machine,
    }
}

#[rustfmt::skip]
pub const BENCH_TARGETS: &[BenchTarget] = &[
    bench("aarch64", Arch::Aarch64, &AARCH64_FW, &["bench"], "bench-aarch64.elf", VIRT_EL1),
    bench("riscv64", Arch::Riscv64, &RISCV64_M, &["bench"], "bench-riscv64.elf", RISCV_M),
    bench("riscv32", Arch::Riscv32, &RISCV32_M, &["bench"], "bench-riscv32.elf", RISCV_M),
    bench("cortex-m0", Arch::CortexM, &MICROBIT, &["board-microbit", "bench"], "bench-cortex-m0.elf", MICROBIT_M0),
    bench("cortex-m3", Arch::CortexM, &AN385, &["board-an385", "bench"], "bench-cortex-m3.elf", MPS2_AN385),
    bench("cortex-m33", Arch::CortexM, &AN505, &["board-an505", "bench"], "bench-cortex-m33.elf", MPS2_AN505),
];
