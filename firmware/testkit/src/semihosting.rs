//! Semihosting calls: the firmware's channel to the host (print, exit status, arguments).
//!
//! QEMU must run with `-semihosting-config enable=on,target=native`; the call numbers and
//! parameter blocks are those of Arm's semihosting specification, which RISC-V reuses.

use core::arch::asm;

const SYS_WRITE0: usize = 0x04;
const SYS_GET_CMDLINE: usize = 0x15;
const SYS_EXIT: usize = 0x18;
/// `SYS_EXIT_EXTENDED`: like `SYS_EXIT` with a block, for 32-bit targets, where `SYS_EXIT`
/// takes the reason alone and cannot carry an exit status.
const SYS_EXIT_EXTENDED: usize = 0x20;
/// `ADP_Stopped_ApplicationExit`: with a subcode, QEMU exits with that status.
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x20026;

/// Performs semihosting call `op` with parameter `arg` (a value or a pointer to a block).
///
/// # Safety
///
/// `arg` must be what call `op` expects: for calls taking a block, a pointer to a valid block
/// whose buffers are valid for the reads and writes the call makes.
#[inline(always)]
unsafe fn call(op: usize, arg: usize) -> usize {
    let result: usize;
    // SAFETY: the semihosting trap hands control to the debugger (QEMU), which performs `op`
    // on `arg` as the caller guaranteed is valid, then resumes after the trap. Not `nomem`: the
    // host reads and writes memory through `arg`.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        asm!("hlt #0xf000", inout("x0") op => result, in("x1") arg, options(nostack));
    }
    // SAFETY: as above. RISC-V: the `ebreak` between these two no-op shifts is the semihosting
    // trap. The three must be uncompressed and on one page (QEMU reads the neighbours), hence
    // the alignment.
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    unsafe {
        asm!(
            ".balign 16",
            ".option push",
            ".option norvc",
            "slli x0, x0, 0x1f",
            "ebreak",
            "srai x0, x0, 7",
            ".option pop",
            inout("a0") op => result,
            in("a1") arg,
            options(nostack),
        );
    }
    // SAFETY: as above. Cortex-M: `bkpt 0xab` is the semihosting trap of the M profile.
    #[cfg(target_arch = "arm")]
    unsafe {
        asm!("bkpt 0xab", inout("r0") op => result, in("r1") arg, options(nostack));
    }
    result
}

/// Prints a NUL-terminated byte string on the host's standard output.
pub fn write0(text: &[u8]) {
    assert_eq!(
        text.last(),
        Some(&0),
        "write0 needs a NUL-terminated string"
    );
    // SAFETY: SYS_WRITE0 reads the bytes up to the NUL, which `text` contains.
    unsafe { call(SYS_WRITE0, text.as_ptr() as usize) };
}

/// Ends the QEMU run with `status` as its exit code.
pub fn exit(status: u32) -> ! {
    let block = [ADP_STOPPED_APPLICATION_EXIT, status as usize];
    let op = if usize::BITS == 64 {
        SYS_EXIT
    } else {
        SYS_EXIT_EXTENDED
    };
    // SAFETY: SYS_EXIT (64-bit) and SYS_EXIT_EXTENDED (32-bit) read the two-word block.
    unsafe { call(op, block.as_ptr() as usize) };
    // QEMU does not return from SYS_EXIT; if some host did, stop here.
    loop {
        core::hint::spin_loop();
    }
}

/// Reads the command line QEMU was given (`-semihosting-config ...,arg=A,arg=B` gives "A B")
/// into `buffer` and returns it.
pub fn cmdline(buffer: &mut [u8]) -> &str {
    let mut block = [buffer.as_mut_ptr() as usize, buffer.len()];
    // SAFETY: SYS_GET_CMDLINE writes at most `block[1]` bytes into `block[0]`, our buffer, and
    // stores the length it wrote into `block[1]`.
    let status = unsafe { call(SYS_GET_CMDLINE, block.as_mut_ptr() as usize) };
    if status != 0 {
        return "";
    }
    let len = block[1].min(buffer.len());
    core::str::from_utf8(&buffer[..len]).unwrap_or("")
}
