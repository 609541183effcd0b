//! Emits `cfg(mclass)` on M-profile Arm targets (Cortex-M), which no built-in cfg tells apart
//! from A/R-profile `arm` targets on stable Rust.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mclass)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let m_profile = ["thumbv6m", "thumbv7m", "thumbv7em", "thumbv8m"];
    if m_profile.iter().any(|prefix| target.starts_with(prefix)) {
        println!("cargo::rustc-cfg=mclass");
    }
}
