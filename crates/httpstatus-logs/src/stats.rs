//! Aggregation that stays bounded: memory grows with the number of distinct codes, capped top lists and
//! time buckets, never with the number of lines. Every part merges, so threads can split a log.

use std::collections::HashMap;

use crate::record::{Record, Second};

/// Distinct values kept per code for each top list; later new values are counted as "other".
pub const TOP_CAP: usize = 2000;
/// Distinct (second status, detail) pairs kept per code.
const PAIR_CAP: usize = 64;
/// Bad lines kept with their text for `--show-bad`.
pub const BAD_KEEP: usize = 1000;
/// Time buckets kept before the series becomes coarser (a minute becomes an hour, an hour a day).
const BUCKET_CAP: usize = 20_000;
/// The slot for lines with no status.
const MISSING: usize = 1000;

/// A line that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadLine {
    /// 1-based line number in its file.
    pub line: u64,
    pub reason: &'static str,
    /// The line, cut at 200 bytes, invalid UTF-8 replaced.
    pub text: String,
}

/// Counts of distinct values, capped at [`TOP_CAP`].
#[derive(Debug, Clone, Default)]
pub struct Top {
    pub counts: HashMap<Box<str>, u64>,
    /// Values that arrived after the cap was reached.
    pub other: u64,
}

impl Top {
    pub fn add(&mut self, value: &str, n: u64) {
        if let Some(c) = self.counts.get_mut(value) {
            *c += n;
        } else if self.counts.len() < TOP_CAP {
            self.counts.insert(value.into(), n);
        } else {
            self.other += n;
        }
    }

    pub fn merge(&mut self, other: Top) {
        for (k, v) in other.counts {
            self.add(&k, v);
        }
        self.other += other.other;
    }

    /// The `n` most frequent values, most frequent first, ties by value.
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(&str, u64)> = self.counts.iter().map(|(k, v)| (&**k, *v)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        all.into_iter()
            .take(n)
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }
}

/// A log-scale latency histogram: eight buckets per doubling from one microsecond to about a day, so a
/// percentile is within about 9% of the true value.
#[derive(Debug, Clone)]
pub struct Histogram {
    buckets: Vec<u64>,
    pub count: u64,
    pub max_ms: f64,
    pub sum_ms: f64,
}

const HISTOGRAM_BUCKETS: usize = 8 * 37;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; HISTOGRAM_BUCKETS],
            count: 0,
            max_ms: 0.0,
            sum_ms: 0.0,
        }
    }
}

impl Histogram {
    pub fn add(&mut self, ms: f64) {
        let us = (ms * 1000.0).max(1.0);
        let i = ((us.log2() * 8.0) as usize).min(HISTOGRAM_BUCKETS - 1);
        self.buckets[i] += 1;
        self.count += 1;
        self.sum_ms += ms;
        self.max_ms = self.max_ms.max(ms);
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        self.max_ms = self.max_ms.max(other.max_ms);
    }

    /// The value below which a fraction `q` (0 to 1) of requests fall, in milliseconds.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let middle = 2f64.powf((i as f64 + 0.5) / 8.0) / 1000.0;
                return Some(middle.min(self.max_ms));
            }
        }
        Some(self.max_ms)
    }
}

/// Everything known about one code.
#[derive(Debug, Clone, Default)]
pub struct CodeStats {
    pub count: u64,
    pub paths: Top,
    pub clients: Top,
    pub agents: Top,
    pub latency: Histogram,
    /// (the other side's status, detail) and how often, for attribution.
    pub pairs: Vec<(Second, Option<Box<str>>, u64)>,
    pub pairs_other: u64,
}

impl CodeStats {
    fn add_pair(&mut self, second: Second, detail: Option<&str>, n: u64) {
        if let Some(p) = self
            .pairs
            .iter_mut()
            .find(|p| p.0 == second && p.1.as_deref() == detail)
        {
            p.2 += n;
        } else if self.pairs.len() < PAIR_CAP {
            self.pairs.push((second, detail.map(Into::into), n));
        } else {
            self.pairs_other += n;
        }
    }

    fn merge(&mut self, o: CodeStats) {
        self.count += o.count;
        self.paths.merge(o.paths);
        self.clients.merge(o.clients);
        self.agents.merge(o.agents);
        self.latency.merge(&o.latency);
        for (s, d, n) in o.pairs {
            self.add_pair(s, d.as_deref(), n);
        }
        self.pairs_other += o.pairs_other;
    }
}

/// Counts per code in one time bucket.
#[derive(Debug, Clone, Default)]
pub struct Bucket {
    pub counts: Vec<(usize, u64)>,
}

impl Bucket {
    fn add(&mut self, slot: usize, n: u64) {
        match self.counts.iter_mut().find(|c| c.0 == slot) {
            Some(c) => c.1 += n,
            None => self.counts.push((slot, n)),
        }
    }
}

/// Counts per status in one bucket.
pub type StatusCounts = Vec<(Option<u16>, u64)>;

/// Everything counted over a log (or a part of one).
#[derive(Debug, Clone)]
pub struct Stats {
    /// Lines read, including directives and bad lines.
    pub lines: u64,
    /// Requests counted (parsed and kept by the filter).
    pub requests: u64,
    pub filtered_out: u64,
    pub bad: u64,
    pub bad_lines: Vec<BadLine>,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Indexed by code (0 to 999), with slot 1000 for "no status".
    codes: Vec<Option<Box<CodeStats>>>,
    /// Length of a time bucket in milliseconds.
    pub bucket_ms: i64,
    buckets: HashMap<i64, Bucket>,
    last_bucket: Option<(i64, Bucket)>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            lines: 0,
            requests: 0,
            filtered_out: 0,
            bad: 0,
            bad_lines: Vec::new(),
            first: None,
            last: None,
            codes: vec![None; MISSING + 1],
            bucket_ms: 60_000,
            buckets: HashMap::new(),
            last_bucket: None,
        }
    }
}

/// Whether the report keeps paths, clients and agents for a code: the errors, and lines with no status.
pub fn is_error(status: Option<u16>) -> bool {
    status.is_none_or(|c| !(100..400).contains(&c))
}

fn slot(status: Option<u16>) -> usize {
    status.map_or(MISSING, |c| usize::from(c.min(999)))
}

/// The status of a slot.
pub fn status_of(slot: usize) -> Option<u16> {
    (slot != MISSING).then_some(slot as u16)
}

impl Stats {
    /// Counts a line that did not parse.
    pub fn add_bad(&mut self, line: u64, reason: &'static str, text: &[u8]) {
        self.lines += 1;
        self.bad += 1;
        if self.bad_lines.len() < BAD_KEEP {
            let cut = &text[..text.len().min(200)];
            self.bad_lines.push(BadLine {
                line,
                reason,
                text: String::from_utf8_lossy(cut).into_owned(),
            });
        }
    }

    /// Counts a request.
    pub fn add(&mut self, r: &Record<'_>) {
        self.lines += 1;
        self.requests += 1;
        let slot = slot(r.status);
        let code = self.codes[slot].get_or_insert_with(Box::default);
        code.count += 1;
        if is_error(r.status) {
            code.paths.add(r.path.as_deref().unwrap_or("-"), 1);
            code.clients.add(r.client.as_deref().unwrap_or("-"), 1);
            code.agents.add(r.user_agent.as_deref().unwrap_or("-"), 1);
        }
        if let Some(ms) = r.latency_ms {
            code.latency.add(ms);
        }
        if r.second != Second::Absent || r.detail.is_some() {
            code.add_pair(r.second, r.detail.as_deref(), 1);
        }
        if let Some(t) = r.time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
            self.add_to_bucket(t.div_euclid(self.bucket_ms) * self.bucket_ms, slot, 1);
        }
    }

    fn add_to_bucket(&mut self, start: i64, slot: usize, n: u64) {
        match &mut self.last_bucket {
            Some((s, b)) if *s == start => b.add(slot, n),
            _ => {
                if let Some((s, b)) = self.last_bucket.take() {
                    self.store_bucket(s, b);
                }
                let mut b = self.buckets.remove(&start).unwrap_or_default();
                b.add(slot, n);
                self.last_bucket = Some((start, b));
            }
        }
    }

    fn store_bucket(&mut self, start: i64, bucket: Bucket) {
        let target = self.buckets.entry(start).or_default();
        for (slot, n) in bucket.counts {
            target.add(slot, n);
        }
        if self.buckets.len() > BUCKET_CAP {
            self.coarsen(if self.bucket_ms < 3_600_000 {
                3_600_000
            } else {
                86_400_000
            });
        }
    }

    /// Makes the buckets `ms` long (a multiple of the current length).
    fn coarsen(&mut self, ms: i64) {
        if ms <= self.bucket_ms {
            return;
        }
        self.flush();
        let old = std::mem::take(&mut self.buckets);
        self.bucket_ms = ms;
        for (start, bucket) in old {
            let target = self.buckets.entry(start.div_euclid(ms) * ms).or_default();
            for (slot, n) in bucket.counts {
                target.add(slot, n);
            }
        }
    }

    fn flush(&mut self) {
        if let Some((s, b)) = self.last_bucket.take() {
            self.store_bucket(s, b);
        }
    }

    /// Counts a request the filter dropped.
    pub fn add_filtered(&mut self) {
        self.lines += 1;
        self.filtered_out += 1;
    }

    /// Counts a directive or blank line.
    pub fn add_skipped(&mut self) {
        self.lines += 1;
    }

    /// Adds another part of the same log.
    pub fn merge(&mut self, mut other: Stats) {
        self.lines += other.lines;
        self.requests += other.requests;
        self.filtered_out += other.filtered_out;
        self.bad += other.bad;
        self.bad_lines.append(&mut other.bad_lines);
        self.bad_lines.sort_by_key(|b| b.line);
        self.bad_lines.truncate(BAD_KEEP);
        self.first = [self.first, other.first].into_iter().flatten().min();
        self.last = [self.last, other.last].into_iter().flatten().max();
        for (slot, code) in std::mem::take(&mut other.codes).into_iter().enumerate() {
            if let Some(code) = code {
                match &mut self.codes[slot] {
                    Some(mine) => mine.merge(*code),
                    empty => *empty = Some(code),
                }
            }
        }
        other.flush();
        self.flush();
        let ms = self.bucket_ms.max(other.bucket_ms);
        self.coarsen(ms);
        other.coarsen(ms);
        for (start, bucket) in other.buckets {
            let target = self.buckets.entry(start).or_default();
            for (slot, n) in bucket.counts {
                target.add(slot, n);
            }
        }
        if self.buckets.len() > BUCKET_CAP {
            self.coarsen(self.bucket_ms * 24);
        }
    }

    /// The codes seen, with their stats (status `None` is the "no status" row).
    pub fn codes(&self) -> impl Iterator<Item = (Option<u16>, &CodeStats)> {
        self.codes
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_deref().map(|c| (status_of(i), c)))
    }

    /// The time buckets, oldest first: (start in Unix milliseconds, counts per status).
    pub fn series(&self) -> Vec<(i64, StatusCounts)> {
        let mut all: HashMap<i64, StatusCounts> = HashMap::new();
        let last = self.last_bucket.iter().map(|(s, b)| (s, b));
        for (start, bucket) in self.buckets.iter().chain(last) {
            let entry = all.entry(*start).or_default();
            for &(slot, n) in &bucket.counts {
                let status = status_of(slot);
                match entry.iter_mut().find(|e| e.0 == status) {
                    Some(e) => e.1 += n,
                    None => entry.push((status, n)),
                }
            }
        }
        let mut out: Vec<_> = all.into_iter().collect();
        out.sort_by_key(|e| e.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: Option<u16>, minute: i64, ms: f64) -> Record<'static> {
        Record {
            time: Some(minute * 60_000),
            status,
            path: Some("/x".into()),
            latency_ms: Some(ms),
            ..Record::default()
        }
    }

    #[test]
    fn merged_halves_equal_the_whole() {
        let (mut whole, mut a, mut b) = (Stats::default(), Stats::default(), Stats::default());
        for i in 0..100 {
            let r = record(
                if i % 7 == 0 { Some(502) } else { Some(200) },
                i / 10,
                i as f64,
            );
            whole.add(&r);
            if i < 50 { a.add(&r) } else { b.add(&r) }
        }
        a.merge(b);
        let counts = |s: &Stats| s.codes().map(|(c, s)| (c, s.count)).collect::<Vec<_>>();
        assert_eq!(counts(&a), counts(&whole));
        assert_eq!(a.series().len(), 10);
        assert_eq!(a.series(), whole.series());
    }

    #[test]
    fn top_lists_are_capped() {
        let mut t = Top::default();
        for i in 0..(TOP_CAP + 10) {
            t.add(&format!("/p{i}"), 1);
        }
        t.add("/p0", 5);
        assert_eq!(t.counts.len(), TOP_CAP);
        assert_eq!(t.other, 10);
        assert_eq!(t.top(1), vec![("/p0".to_owned(), 6)]);
    }

    #[test]
    fn percentiles_are_close() {
        let mut h = Histogram::default();
        for i in 1..=1000 {
            h.add(i as f64);
        }
        let p50 = h.quantile(0.5).unwrap();
        assert!((p50 - 500.0).abs() / 500.0 < 0.1, "{p50}");
        assert_eq!(h.quantile(1.0), Some(1000.0));
    }

    #[test]
    fn long_spans_coarsen_the_series() {
        let mut s = Stats::default();
        for minute in 0..(BUCKET_CAP as i64 + 100) {
            s.add(&record(Some(200), minute, 1.0));
        }
        assert_eq!(s.bucket_ms, 3_600_000);
        assert!(s.series().len() < 400);
    }
}
