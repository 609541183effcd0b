//! Emits `cfg(armv6m)` for the hand-written Armv6-M sequences (no `ldrd`, `adc` immediate, `cbnz`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(armv6m)");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("TARGET")
        .unwrap_or_default()
        .starts_with("thumbv6m")
    {
        println!("cargo::rustc-cfg=armv6m");
    }
}
