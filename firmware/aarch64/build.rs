//! Links the firmware at QEMU virt's RAM, above the device tree QEMU puts at its bottom.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rustc-link-arg-bins=-Timage.ld");
    println!("cargo:rustc-link-arg-bins=-Tmemory.ld");
    println!("cargo:rerun-if-changed=memory.ld");
}
