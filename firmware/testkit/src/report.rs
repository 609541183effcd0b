//! The verdict line of a case, in the form the `xtask` harness parses.

use core::sync::atomic::Ordering;

use crate::{println, stress::Tallies};

/// Figures of a whole case, summed over its cores.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    /// Cores that took part.
    pub cores: u32,
    /// Timer interrupts taken, all cores.
    pub irqs: u32,
    /// Fewest timer interrupts taken on one core.
    pub min_irqs: u32,
    /// Masked updates done, all cores.
    pub ops: u32,
    /// Times an invariant was seen broken.
    pub torn: u32,
    /// Updates missing from the final counts.
    pub lost: u32,
}

impl Report {
    /// Sums the tallies of the first `cores` cores, printing one line per core.
    pub fn collect<const N: usize>(
        arch: &str,
        case: &str,
        tallies: &Tallies<N>,
        cores: usize,
    ) -> Self {
        let mut report = Report {
            cores: cores as u32,
            min_irqs: u32::MAX,
            ..Report::default()
        };
        for index in 0..cores {
            let tally = tallies.core(index);
            let (ops, irqs) = (
                tally.ops.load(Ordering::Relaxed),
                tally.irqs.load(Ordering::Relaxed),
            );
            let (torn, lost) = (
                tally.torn.load(Ordering::Relaxed),
                tally.lost.load(Ordering::Relaxed),
            );
            println!(
                "percore-core arch={arch} case={case} core={index} irqs={irqs} ops={ops} torn={torn} lost={lost}"
            );
            report.ops += ops;
            report.irqs += irqs;
            report.min_irqs = report.min_irqs.min(irqs);
            report.torn += torn;
            report.lost += lost;
        }
        if cores == 0 {
            report.min_irqs = 0;
        }
        report
    }

    /// Prints the verdict line and ends the run: exit status 0 for `pass`, 1 otherwise.
    pub fn finish(&self, arch: &str, case: &str, pass: bool) -> ! {
        println!(
            "percore-case arch={arch} case={case} verdict={} cores={} irqs={} min-irqs={} ops={} torn={} lost={}",
            if pass { "pass" } else { "fail" },
            self.cores,
            self.irqs,
            self.min_irqs,
            self.ops,
            self.torn,
            self.lost
        );
        crate::semihosting::exit(if pass { 0 } else { 1 })
    }
}
