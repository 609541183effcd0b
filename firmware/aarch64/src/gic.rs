//! The few GICv3 operations the firmware needs: enable the distributor, wake this core's
//! redistributor, enable one private interrupt, acknowledge and end interrupts.

use core::arch::asm;
use core::ptr::{read_volatile, write_volatile};

use percore::aarch64::{Affinity, read_mpidr};

/// Distributor on QEMU `virt`.
const GICD: usize = 0x0800_0000;
/// First redistributor on QEMU `virt`; one 128 KiB frame pair per core.
const GICR: usize = 0x080A_0000;
const GICR_STRIDE: usize = 0x2_0000;
/// The SGI/PPI frame follows each redistributor's control frame.
const SGI_FRAME: usize = 0x1_0000;

const GICD_CTLR: usize = 0x0;
/// GICD_CTLR: register write pending.
const CTLR_RWP: u32 = 1 << 31;
/// GICD_CTLR with one security state: affinity routing, group 1 and group 0 enabled.
const CTLR_ARE_G1_G0: u32 = 1 << 4 | 1 << 1 | 1;
const GICR_WAKER: usize = 0x14;
const WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
const WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
const GICR_TYPER: usize = 0x8;
const TYPER_LAST: u64 = 1 << 4;
const GICR_IGROUPR0: usize = 0x80;
const GICR_ISENABLER0: usize = 0x100;
const GICR_IPRIORITYR: usize = 0x400;

/// INTIDs from 1020 up are special (1023: spurious): never acknowledged, never ended.
pub const SPECIAL: u32 = 1020;

fn read32(address: usize) -> u32 {
    // SAFETY: `address` is a GIC register on QEMU virt, mapped as device memory.
    unsafe { read_volatile(address as *const u32) }
}

fn write32(address: usize, value: u32) {
    // SAFETY: as in `read32`.
    unsafe { write_volatile(address as *mut u32, value) }
}

/// Enables the distributor with affinity routing. Boot core only, before starting others.
pub fn init_distributor() {
    write32(GICD + GICD_CTLR, CTLR_ARE_G1_G0);
    while read32(GICD + GICD_CTLR) & CTLR_RWP != 0 {}
}

/// Finds the redistributor of the calling core through GICR_TYPER's affinity field.
fn redistributor() -> usize {
    let aff = Affinity::from_mpidr(read_mpidr());
    let wanted = u64::from(aff.aff3) << 24
        | u64::from(aff.aff2) << 16
        | u64::from(aff.aff1) << 8
        | u64::from(aff.aff0);
    let mut frame = GICR;
    loop {
        // SAFETY: frames up to the one marked Last are redistributors on QEMU virt.
        let typer = unsafe { read_volatile((frame + GICR_TYPER) as *const u64) };
        if typer >> 32 == wanted {
            return frame;
        }
        assert!(
            typer & TYPER_LAST == 0,
            "no GICv3 redistributor for affinity {aff}"
        );
        frame += GICR_STRIDE;
    }
}

/// Wakes this core's redistributor, enables private interrupt `intid` at group 1, and enables
/// the system-register CPU interface. Every core, once.
pub fn init_core(intid: u32) {
    assert!(intid < 32, "only SGIs and PPIs are per core");
    let frame = redistributor();
    write32(
        frame + GICR_WAKER,
        read32(frame + GICR_WAKER) & !WAKER_PROCESSOR_SLEEP,
    );
    while read32(frame + GICR_WAKER) & WAKER_CHILDREN_ASLEEP != 0 {}
    let sgi = frame + SGI_FRAME;
    write32(
        sgi + GICR_IGROUPR0,
        read32(sgi + GICR_IGROUPR0) | 1 << intid,
    );
    // SAFETY: the priority registers are byte-accessible; this is `intid`'s byte.
    unsafe { write_volatile((sgi + GICR_IPRIORITYR + intid as usize) as *mut u8, 0x80) };
    write32(sgi + GICR_ISENABLER0, 1 << intid);
    // SAFETY: enabling the system-register interface, unmasking all priorities and enabling
    // group 1 only lets the GIC signal interrupts; DAIF still decides whether they are taken.
    unsafe {
        asm!(
            "mrs {tmp}, icc_sre_el1",
            "orr {tmp}, {tmp}, #1",
            "msr icc_sre_el1, {tmp}",
            "isb",
            "mov {tmp}, #0xff",
            "msr icc_pmr_el1, {tmp}",
            "mov {tmp}, #1",
            "msr icc_igrpen1_el1, {tmp}",
            "isb",
            tmp = out(reg) _,
            options(nostack, preserves_flags),
        );
    }
}

/// Acknowledges the highest-priority pending group 1 interrupt and returns its INTID.
pub fn acknowledge() -> u32 {
    let intid: u64;
    // SAFETY: reading ICC_IAR1_EL1 in an IRQ handler acknowledges the interrupt being handled.
    unsafe { asm!("mrs {}, icc_iar1_el1", out(reg) intid, options(nostack, preserves_flags)) };
    intid as u32
}

/// Ends interrupt `intid` (priority drop and deactivation).
pub fn end(intid: u32) {
    // SAFETY: `intid` was returned by `acknowledge` on this core and not ended yet.
    unsafe {
        asm!("msr icc_eoir1_el1, {}", in(reg) u64::from(intid), options(nostack, preserves_flags))
    };
}
