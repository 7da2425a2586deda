//! The report as data: per code its count and share, the meaning that fits the log's source, what to check
//! first, who produced it, the top paths, clients and agents, latency percentiles, a time series and the
//! spikes in it. The CLI prints it as text, JSON or HTML.

use serde::Serialize;

use crate::attribution::{self, Side};
use crate::format::Format;
use crate::record::Second;
use crate::stats::{BadLine, CodeStats, Stats, is_error};
use crate::time::format_rfc3339;

mod explain;
mod spikes;

pub use explain::{Explanation, explain};
pub use spikes::{Spike, find_spikes};

/// How the report is built.
#[derive(Debug, Clone)]
pub struct Options {
    /// Entries per top list.
    pub top: usize,
    /// Where code pages live (`{site}/404`); `httpstatus serve` by default.
    pub site_url: String,
    /// The most time buckets the series may have; the bucket length grows to fit the span.
    pub max_buckets: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            top: 5,
            site_url: "http://127.0.0.1:8080".to_owned(),
            max_buckets: 120,
        }
    }
}

/// A value and how often it occurred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub value: String,
    pub count: u64,
}

/// Latency percentiles for one code, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// One combination of the other side's status (and detail) seen with a code, and who produced the code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// The upstream, target or origin status: a code, `"-"` for no response, absent when the format has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub count: u64,
    pub side: Side,
    pub producer: String,
    pub explanation: String,
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeReport {
    /// The status; `null` for lines with no status.
    pub code: Option<u16>,
    /// `"502"`, or `"-"` for no status.
    pub label: String,
    pub count: u64,
    /// Fraction of the counted requests, 0 to 1.
    pub share: f64,
    #[serde(flatten)]
    pub explanation: Explanation,
    pub paths: Vec<Count>,
    pub clients: Vec<Count>,
    pub user_agents: Vec<Count>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    pub produced_by: Vec<Pair>,
}

/// One bucket of the time series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub start: String,
    pub start_ms: i64,
    pub total: u64,
    pub errors: u64,
    /// Counts per code label in this bucket.
    pub codes: Vec<Count>,
}

/// Requests over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub bucket_seconds: i64,
    pub buckets: Vec<Bucket>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub format: Format,
    pub format_label: &'static str,
    pub lines: u64,
    pub requests: u64,
    pub bad_lines: u64,
    pub filtered_out: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub codes: Vec<CodeReport>,
    pub series: Series,
    pub spikes: Vec<Spike>,
    /// The first lines that did not parse, with their line numbers.
    pub bad: Vec<BadLine>,
}

fn counts(list: Vec<(String, u64)>) -> Vec<Count> {
    list.into_iter()
        .map(|(value, count)| Count { value, count })
        .collect()
}

fn label(code: Option<u16>) -> String {
    code.map_or_else(|| "-".to_owned(), |c| format!("{c:03}"))
}

fn pairs(format: Format, code: Option<u16>, stats: &CodeStats) -> Vec<Pair> {
    let mut out: Vec<Pair> = stats
        .pairs
        .iter()
        .map(|(second, detail, count)| {
            let a = attribution::attribute(format, code, *second, detail.as_deref());
            Pair {
                second: match second {
                    Second::Absent => None,
                    Second::NoResponse => Some("-".to_owned()),
                    Second::Code(c) => Some(format!("{c:03}")),
                },
                detail: detail.as_deref().map(str::to_owned),
                count: *count,
                side: a.side,
                producer: a.producer,
                explanation: a.explanation,
            }
        })
        .collect();
    if out.is_empty() && format.sides().1.is_some() {
        // The format can carry a second status but these lines had none at all: say so once.
        let a = attribution::attribute(format, code, Second::Absent, None);
        out.push(Pair {
            second: None,
            detail: None,
            count: stats.count,
            side: a.side,
            producer: a.producer,
            explanation: a.explanation,
        });
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.second.cmp(&b.second)));
    out
}

/// Picks a bucket length so the span fits in `max` buckets: 1, 5, 15 minutes, 1, 6 hours, 1 day or 1 week.
pub fn display_bucket_ms(stats: &Stats, max: usize) -> i64 {
    const STEPS: [i64; 7] = [
        60_000,
        300_000,
        900_000,
        3_600_000,
        21_600_000,
        86_400_000,
        604_800_000,
    ];
    let span = match (stats.first, stats.last) {
        (Some(f), Some(l)) => l - f,
        _ => 0,
    };
    STEPS
        .into_iter()
        .filter(|&s| s >= stats.bucket_ms)
        .find(|&s| span / s < max as i64)
        .unwrap_or(604_800_000)
}

/// Regroups the stats' buckets into `bucket_ms`, filling the gaps with zeros.
pub fn series(stats: &Stats, bucket_ms: i64) -> Series {
    let raw = stats.series();
    let mut buckets: Vec<Bucket> = Vec::new();
    if let (Some(first), Some(last)) = (raw.first(), raw.last()) {
        let start = first.0.div_euclid(bucket_ms) * bucket_ms;
        let n = ((last.0 - start) / bucket_ms + 1) as usize;
        buckets = (0..n)
            .map(|i| {
                let s = start + i as i64 * bucket_ms;
                Bucket {
                    start: format_rfc3339(s),
                    start_ms: s,
                    total: 0,
                    errors: 0,
                    codes: Vec::new(),
                }
            })
            .collect();
        for (t, codes) in raw {
            let b = &mut buckets[((t - start) / bucket_ms) as usize];
            for (code, n) in codes {
                b.total += n;
                if is_error(code) {
                    b.errors += n;
                }
                let l = label(code);
                match b.codes.iter_mut().find(|c| c.value == l) {
                    Some(c) => c.count += n,
                    None => b.codes.push(Count { value: l, count: n }),
                }
            }
        }
        for b in &mut buckets {
            b.codes.sort_by(|a, b| a.value.cmp(&b.value));
        }
    }
    Series {
        bucket_seconds: bucket_ms / 1000,
        buckets,
    }
}

impl Report {
    pub fn build(format: Format, stats: &Stats, options: &Options) -> Report {
        let total = stats.requests.max(1) as f64;
        let mut codes: Vec<CodeReport> = stats
            .codes()
            .map(|(code, s)| CodeReport {
                code,
                label: label(code),
                count: s.count,
                share: s.count as f64 / total,
                explanation: explain(format, code, &options.site_url),
                paths: counts(s.paths.top(options.top)),
                clients: counts(s.clients.top(options.top)),
                user_agents: counts(s.agents.top(options.top)),
                latency: (s.latency.count > 0).then(|| Latency {
                    count: s.latency.count,
                    p50_ms: s.latency.quantile(0.5).unwrap_or(0.0),
                    p90_ms: s.latency.quantile(0.9).unwrap_or(0.0),
                    p99_ms: s.latency.quantile(0.99).unwrap_or(0.0),
                    max_ms: s.latency.max_ms,
                }),
                produced_by: pairs(format, code, s),
            })
            .collect();
        codes.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        let detection = spikes::find_spikes(stats);
        let display = display_bucket_ms(stats, options.max_buckets);
        Report {
            format,
            format_label: format.label(),
            lines: stats.lines,
            requests: stats.requests,
            bad_lines: stats.bad,
            filtered_out: stats.filtered_out,
            first: stats.first.map(format_rfc3339),
            last: stats.last.map(format_rfc3339),
            codes,
            series: series(stats, display),
            spikes: detection,
            bad: stats.bad_lines.clone(),
        }
    }
}
