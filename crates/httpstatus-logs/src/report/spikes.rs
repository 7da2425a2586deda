//! Spikes: time buckets where an error code is far above its usual level, merged into incidents.

use serde::Serialize;

use crate::stats::{Stats, is_error};
use crate::time::format_rfc3339;

/// One incident: consecutive buckets where a code stood far above its median.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spike {
    pub code: Option<u16>,
    pub label: String,
    pub start: String,
    pub start_ms: i64,
    /// End of the last bucket of the incident (exclusive).
    pub end: String,
    pub end_ms: i64,
    /// Requests with this code during the incident.
    pub count: u64,
    /// The highest count in one bucket, and the usual (median) count per bucket.
    pub peak: u64,
    pub baseline: f64,
    pub bucket_seconds: i64,
}

fn median(sorted: &[u64]) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let m = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[m] as f64
    } else {
        (sorted[m - 1] + sorted[m]) as f64 / 2.0
    }
}

/// Finds the incidents of every error code over the stats' own buckets (a minute unless the span forced
/// them coarser). A bucket counts when it is above all of: three times the median, the median plus six
/// robust deviations (or six times the square root of the median, for counts that are mostly zero), and
/// ten requests. Buckets at most one apart merge into one incident. The ten largest are returned, in time
/// order.
pub fn find_spikes(stats: &Stats) -> Vec<Spike> {
    let raw = stats.series();
    let (Some(first), Some(last)) = (raw.first(), raw.last()) else {
        return Vec::new();
    };
    let ms = stats.bucket_ms;
    let n = ((last.0 - first.0) / ms + 1) as usize;
    if !(8..=2_000_000).contains(&n) {
        return Vec::new();
    }
    let codes: Vec<Option<u16>> = stats
        .codes()
        .map(|(c, _)| c)
        .filter(|&c| is_error(c))
        .collect();
    let mut out = Vec::new();
    for code in codes {
        let mut values = vec![0u64; n];
        for (t, counts) in &raw {
            if let Some(&(_, c)) = counts.iter().find(|e| e.0 == code) {
                values[((t - first.0) / ms) as usize] = c;
            }
        }
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let med = median(&sorted);
        let mut deviations: Vec<u64> = values
            .iter()
            .map(|&v| (v as f64 - med).abs().round() as u64)
            .collect();
        deviations.sort_unstable();
        let mad = median(&deviations) * 1.4826;
        let threshold = (med * 3.0).max(med + 6.0 * mad.max(med.sqrt())).max(10.0);
        let mut i = 0;
        while i < n {
            if (values[i] as f64) <= threshold {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            let mut j = i + 1;
            while j < n && j <= end + 2 {
                if values[j] as f64 > threshold {
                    end = j;
                }
                j += 1;
            }
            let span = &values[start..=end];
            let s = first.0 + start as i64 * ms;
            let e = first.0 + (end as i64 + 1) * ms;
            out.push(Spike {
                code,
                label: code.map_or_else(|| "-".to_owned(), |c| format!("{c:03}")),
                start: format_rfc3339(s),
                start_ms: s,
                end: format_rfc3339(e),
                end_ms: e,
                count: span.iter().sum(),
                peak: span.iter().copied().max().unwrap_or(0),
                baseline: med,
                bucket_seconds: ms / 1000,
            });
            i = end + 1;
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out.truncate(10);
    out.sort_by(|a, b| a.start_ms.cmp(&b.start_ms).then(a.code.cmp(&b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    #[test]
    fn a_burst_of_502_is_found_and_steady_errors_are_not() {
        let mut s = Stats::default();
        for minute in 0..120i64 {
            for i in 0..100 {
                let status = match (minute, i) {
                    (60..=64, 0..=59) => 502,
                    (_, 0..=1) => 404,
                    (_, 2) if minute % 3 == 0 => 502,
                    _ => 200,
                };
                s.add(&Record {
                    time: Some(minute * 60_000 + i),
                    status: Some(status),
                    ..Record::default()
                });
            }
        }
        let spikes = find_spikes(&s);
        assert_eq!(spikes.len(), 1, "{spikes:?}");
        assert_eq!(spikes[0].code, Some(502));
        assert_eq!(spikes[0].start_ms, 60 * 60_000);
        assert_eq!(spikes[0].end_ms, 65 * 60_000);
        assert_eq!(spikes[0].count, 300);
    }
}
