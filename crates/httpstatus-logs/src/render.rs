//! Pure rendering helpers for the front ends: the terminal sparkline and the marks under it.

use crate::report::{Report, Series};

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values`, one character each, scaled to the largest.
pub fn sparkline(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                ' '
            } else {
                BLOCKS[((v as f64 / max as f64) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// A marker line under a sparkline: `^` under every bucket that falls in a spike.
pub fn spike_marks(series: &Series, report: &Report) -> String {
    series
        .buckets
        .iter()
        .map(|b| {
            let end = b.start_ms + series.bucket_seconds * 1000;
            if report
                .spikes
                .iter()
                .any(|s| s.start_ms < end && s.end_ms > b.start_ms)
            {
                '^'
            } else {
                ' '
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8]), " ▂▃▅█");
        assert_eq!(sparkline(&[]), "");
    }
}
