//! Writes the linker script: machine mode runs from the start of RAM (`-bios none`),
//! supervisor mode above OpenSBI at 0x8020_0000.

use std::{env, fs, path::PathBuf};

fn main() {
    let origin = if env::var_os("CARGO_FEATURE_S_MODE").is_some() {
        "0x80200000"
    } else {
        "0x80000000"
    };
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let script = fs::read_to_string("link.ld.in")
        .unwrap()
        .replace("@ORIGIN@", origin);
    fs::write(out.join("link.ld"), script).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.ld");
    println!("cargo:rerun-if-changed=link.ld.in");
}
