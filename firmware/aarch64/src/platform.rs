//! QEMU `virt` platform glue: exception level, page table, secondary-core start through PSCI.

use core::arch::asm;

use aarch64_rt::{InitialPagetable, Stack, initial_pagetable, start_core};
use percore::aarch64::Topology;
use percore_testkit::cases::MAX_CORES;
use smccc::{Hvc, Smc, psci};

/// The topology the firmware declares: two clusters of 16 cores. QEMU `virt` with GICv3 puts
/// 16 cores in each Aff1 cluster, so `-smp 17` and above give cores with Aff1 = 1.
pub const TOPOLOGY: Topology = Topology::new(2, 16, 1);
/// Pages of stack for each secondary core.
const STACK_PAGES: usize = 4;

/// Block descriptor bits (level 1, 1 GiB blocks): valid block, access flag.
const BLOCK: usize = 0b01 | 1 << 10;
/// MAIR index 0 (AttrIndx bits all zero: device nGnRE in aarch64-rt's default MAIR),
/// execute-never.
const DEVICE: usize = BLOCK | 0b11 << 53;
/// MAIR index 1 (normal write-back), inner shareable: exclusives work across cores.
const NORMAL: usize = BLOCK | 1 << 2 | 0b11 << 8;

initial_pagetable!({
    let mut table = [0; 512];
    // 0..1 GiB: GIC, UART and other devices.
    table[0] = DEVICE;
    // 1..2 GiB: RAM, holding this image.
    table[1] = NORMAL | 0x4000_0000;
    InitialPagetable(table)
});

/// Stacks of the secondary cores (index 0 runs on aarch64-rt's boot stack).
static mut STACKS: [Stack<STACK_PAGES>; MAX_CORES] = [const { Stack::new() }; MAX_CORES];

/// The exception level this code runs at (1, 2 or 3).
pub fn current_el() -> u64 {
    let current_el: u64;
    // SAFETY: reading CurrentEL has no side effects.
    unsafe {
        asm!("mrs {}, CurrentEL", out(reg) current_el, options(nomem, nostack, preserves_flags))
    };
    (current_el >> 2) & 0b11
}

/// Per-core setup that depends on the exception level: at EL2, route physical IRQs to EL2
/// (`HCR_EL2.IMO`), otherwise they target EL1 and are never taken while running at EL2.
pub fn init_core() {
    if current_el() == 2 {
        // SAFETY: setting HCR_EL2.IMO only changes where IRQs are taken; this firmware runs no
        // EL1 guest that could rely on the old routing. The ISB makes it take effect.
        unsafe {
            asm!(
                "mrs {tmp}, hcr_el2",
                "orr {tmp}, {tmp}, #(1 << 4)",
                "msr hcr_el2, {tmp}",
                "isb",
                tmp = out(reg) _,
                options(nostack, preserves_flags),
            );
        }
    }
}

/// Starts core `index` of [`TOPOLOGY`] running `entry(index)`.
///
/// Returns `Ok(false)` if the platform has no core with that affinity.
pub fn start(index: usize, entry: fn(usize) -> !) -> Result<bool, psci::Error> {
    assert!(index > 0 && index < MAX_CORES);
    let mpidr = TOPOLOGY
        .affinity_of(index)
        .expect("index inside topology")
        .to_mpidr();
    // SAFETY: each secondary gets its own stack, `STACKS[index]`, started at most once (the
    // boot core calls `start` once per index), and nothing else touches it. The stacks are in
    // RAM, which the initial page table maps for every core with the same attributes.
    let stack = unsafe { &raw mut STACKS[index] };
    let body = move || entry(index);
    // QEMU's PSCI uses HVC when entered at EL1 and SMC at EL2.
    let result = if current_el() == 1 {
        // SAFETY: as above.
        unsafe { start_core::<Hvc, _, STACK_PAGES>(mpidr, stack, body) }
    } else {
        // SAFETY: as above.
        unsafe { start_core::<Smc, _, STACK_PAGES>(mpidr, stack, body) }
    };
    match result {
        Ok(()) => Ok(true),
        Err(psci::Error::InvalidParameters) => Ok(false),
        Err(error) => Err(error),
    }
}
