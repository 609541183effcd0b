//! Writes the linker script for the board chosen by feature.

use std::{env, fs, path::PathBuf};

/// (feature, flash origin, flash length, RAM origin, RAM length, cores)
const BOARDS: &[(&str, &str, &str, &str, &str, u32)] = &[
    ("MICROBIT", "0x00000000", "256K", "0x20000000", "16K", 1),
    ("AN385", "0x00000000", "4M", "0x20000000", "4M", 1),
    ("AN505", "0x10000000", "4M", "0x38000000", "2M", 1),
    ("AN521", "0x10000000", "4M", "0x38000000", "2M", 2),
];

fn main() {
    let chosen: Vec<_> = BOARDS
        .iter()
        .filter(|board| env::var_os(format!("CARGO_FEATURE_BOARD_{}", board.0)).is_some())
        .collect();
    let [(_, flash, flash_len, ram, ram_len, cores)] = chosen[..] else {
        panic!("enable exactly one board-* feature");
    };
    let script = fs::read_to_string("link.ld.in")
        .unwrap()
        .replace("@FLASH@", flash)
        .replace("@FLASH_LEN@", flash_len)
        .replace("@RAM@", ram)
        .replace("@RAM_LEN@", ram_len)
        .replace("@CORES@", &cores.to_string());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out.join("link.ld"), script).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.ld");
    println!("cargo:rerun-if-changed=link.ld.in");
}
