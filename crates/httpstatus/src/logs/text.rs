//! The report laid out for a terminal: summary, sparklines with spikes marked, the table of codes, then
//! for each error code its meaning here, what to check first, who produced it and what was behind it.

use std::io::{self, Write};

use httpstatus_logs::render::{sparkline, spike_marks};
use httpstatus_logs::report::{CodeReport, Count, Report};
use httpstatus_logs::stats::is_error;

use crate::render::{Style, wrap};

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 request`, `2,345 requests`.
fn count_of(n: u64, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

fn bucket_label(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} day", s / 86_400),
        s if s % 3600 == 0 => format!("{} hour", s / 3600),
        s => format!("{} minute", s / 60),
    }
}

fn paint_code(style: &Style, c: &CodeReport) -> String {
    style.code(c.code.unwrap_or(0), &format!("{:>3}", c.label))
}

fn counts(out: &mut dyn Write, style: &Style, title: &str, items: &[Count]) -> io::Result<()> {
    if items.is_empty() || (items.len() == 1 && items[0].value == "-") {
        return Ok(());
    }
    let joined = items
        .iter()
        .map(|c| format!("{} ({})", c.value, thousands(c.count)))
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        out,
        "{}",
        wrap(&format!("{title}: {joined}"), style.width, "    ")
    )
}

/// Prints the whole report.
pub fn print(
    out: &mut dyn Write,
    style: &Style,
    report: &Report,
    show_bad: bool,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {}",
        style.heading(report.format_label),
        style.dim(&format!("(--format {})", report.format.name()))
    )?;
    writeln!(
        out,
        "{} from {} to {}",
        count_of(report.requests, "request"),
        report.first.as_deref().unwrap_or("-"),
        report.last.as_deref().unwrap_or("-")
    )?;
    let mut notes = Vec::new();
    if report.bad_lines > 0 {
        let hint = if show_bad {
            ""
        } else {
            " (--show-bad lists them)"
        };
        notes.push(format!(
            "{} did not parse{hint}",
            count_of(report.bad_lines, "line")
        ));
    }
    if report.filtered_out > 0 {
        notes.push(format!(
            "{} filtered out",
            count_of(report.filtered_out, "request")
        ));
    }
    if !notes.is_empty() {
        writeln!(out, "{}", style.dim(&notes.join("; ")))?;
    }
    let series = &report.series;
    if series.buckets.len() > 1 {
        writeln!(out)?;
        let totals: Vec<u64> = series.buckets.iter().map(|b| b.total).collect();
        let errors: Vec<u64> = series.buckets.iter().map(|b| b.errors).collect();
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "Requests per {}",
                bucket_label(series.bucket_seconds)
            ))
        )?;
        writeln!(out, "  {}", sparkline(&totals))?;
        writeln!(out, "{}", style.bold("Errors (4xx, 5xx, no status)"))?;
        writeln!(out, "  {}", sparkline(&errors))?;
        let marks = spike_marks(series, report);
        if marks.contains('^') {
            writeln!(out, "  {}  {}", marks.trim_end(), style.dim("^ spike"))?;
        }
    }
    if !report.spikes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.bold("Spikes"))?;
        for s in &report.spikes {
            let per = bucket_label(s.bucket_seconds);
            writeln!(
                out,
                "  {} from {} to {}: {} requests, peak {} per {per}, usually {} per {per}",
                style.code(s.code.unwrap_or(0), &s.label),
                s.start,
                s.end,
                thousands(s.count),
                thousands(s.peak),
                s.baseline
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", style.bold("code  requests   share  name"))?;
    for c in &report.codes {
        writeln!(
            out,
            "{}   {:>9}  {:>5.1}%  {}",
            paint_code(style, c),
            thousands(c.count),
            c.share * 100.0,
            c.explanation.name
        )?;
    }
    for c in report.codes.iter().filter(|c| is_error(c.code)) {
        detail(out, style, c)?;
    }
    if show_bad && !report.bad.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.bold("Lines that did not parse"))?;
        for b in &report.bad {
            writeln!(out, "  line {}: {}", b.line, b.reason)?;
            writeln!(out, "    {}", style.dim(&b.text.escape_debug().to_string()))?;
        }
        if report.bad_lines > report.bad.len() as u64 {
            writeln!(
                out,
                "  {}",
                style.dim(&format!(
                    "(the first {} of {})",
                    report.bad.len(),
                    report.bad_lines
                ))
            )?;
        }
    }
    Ok(())
}

fn detail(out: &mut dyn Write, style: &Style, c: &CodeReport) -> io::Result<()> {
    let e = &c.explanation;
    writeln!(out)?;
    writeln!(
        out,
        "{} {}  {}",
        paint_code(style, c),
        style.bold(&e.name),
        style.dim(&format!(
            "{}, {:.1}%",
            count_of(c.count, "request"),
            c.share * 100.0
        ))
    )?;
    if let Some(v) = &e.vendor {
        writeln!(
            out,
            "{}",
            style.dim(&format!("    meaning used: {}", v.vendor))
        )?;
    }
    writeln!(
        out,
        "{}",
        wrap(
            &format!("What it means here: {}", e.meaning_here),
            style.width,
            "    "
        )
    )?;
    if let Some(check) = &e.check_first {
        writeln!(
            out,
            "{}",
            wrap(
                &format!("What to check first: {check}"),
                style.width,
                "    "
            )
        )?;
    }
    let pairs: Vec<_> = c.produced_by.iter().take(5).collect();
    if !pairs.is_empty() {
        writeln!(out, "    Who produced it:")?;
        for p in pairs {
            let mut key = String::new();
            if let Some(s) = &p.second {
                key.push_str(&format!("with {s}"));
            }
            if let Some(d) = &p.detail {
                if !key.is_empty() {
                    key.push(' ');
                }
                key.push_str(&format!("[{d}]"));
            }
            let line = format!("{} {}: {}", thousands(p.count), key, p.explanation);
            writeln!(
                out,
                "{}",
                wrap(&line.replace("  ", " "), style.width, "      ")
            )?;
        }
    }
    if let Some(l) = &c.latency {
        writeln!(
            out,
            "    Latency: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
        )?;
    }
    counts(out, style, "Top paths", &c.paths)?;
    counts(out, style, "Top clients", &c.clients)?;
    counts(out, style, "Top user agents", &c.user_agents)?;
    if let Some(page) = &e.page {
        writeln!(
            out,
            "{}",
            style.dim(&format!("    More: httpstatus {} or {page}", c.label))
        )?;
    }
    Ok(())
}
