//! The report as one self-contained HTML page: inline CSS and SVG, no script, nothing loaded from
//! anywhere, every value from the log escaped by the site's own escaper.

use std::fmt::Write as _;

use httpstatus_logs::report::{CodeReport, Count, Report};
use httpstatus_site::html::escape;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.c2{color:#1a7f37}.c3{color:#0b61a4}.c4{color:#9a6700}.c5{color:#c21a1a}code,.mono{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
.muted{color:#555}.spike{background:#fff0f0}details{margin:.3rem 0}svg{width:100%;height:auto;border:1px solid #ddd}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:middle}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}th,td{border-color:#333}.muted{color:#aaa}.spike{background:#3a1515}svg{border-color:#333}}";

const CLASS_COLOURS: [(&str, &str); 5] = [
    ("2xx", "#2da44e"),
    ("3xx", "#218bff"),
    ("4xx", "#d4a72c"),
    ("5xx", "#cf222e"),
    ("other", "#8c959f"),
];

fn class_of(label: &str) -> usize {
    match label.as_bytes().first() {
        Some(b'2') => 0,
        Some(b'3') => 1,
        Some(b'4') => 2,
        Some(b'5') => 3,
        _ => 4,
    }
}

/// An SVG chart of requests per bucket, stacked by class, with the spikes shaded.
pub fn chart(report: &Report) -> String {
    let series = &report.series;
    let (w, h, pad) = (1000.0, 260.0, 30.0);
    let n = series.buckets.len().max(1) as f64;
    let max = series
        .buckets
        .iter()
        .map(|b| b.total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bar = (w - 2.0 * pad) / n;
    let mut svg = format!(
        "<svg id=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Requests per {} seconds, by class\" xmlns=\"http://www.w3.org/2000/svg\">",
        series.bucket_seconds
    );
    for s in &report.spikes {
        let Some(first) = series.buckets.first() else {
            break;
        };
        let per = series.bucket_seconds as f64 * 1000.0;
        let x0 = pad + ((s.start_ms - first.start_ms) as f64 / per).max(0.0) * bar;
        let x1 = pad + ((s.end_ms - first.start_ms) as f64 / per).min(n) * bar;
        let _ = write!(
            svg,
            "<rect class=\"spike-band\" x=\"{x0:.1}\" y=\"0\" width=\"{:.1}\" height=\"{h}\" fill=\"#cf222e\" fill-opacity=\"0.12\"><title>spike of {} from {} to {}</title></rect>",
            (x1 - x0).max(1.0),
            escape(&s.label),
            escape(&s.start),
            escape(&s.end)
        );
    }
    for (i, b) in series.buckets.iter().enumerate() {
        let mut per_class = [0u64; 5];
        for c in &b.codes {
            per_class[class_of(&c.value)] += c.count;
        }
        let mut y = h - pad;
        for (k, &count) in per_class.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let height = count as f64 / max * (h - 2.0 * pad);
            y -= height;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{height:.1}\" fill=\"{}\"><title>{} {}: {count}</title></rect>",
                pad + i as f64 * bar,
                (bar - 0.5).max(0.5),
                CLASS_COLOURS[k].1,
                escape(&b.start),
                CLASS_COLOURS[k].0
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{pad}\" y=\"{}\" font-size=\"12\" fill=\"currentColor\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"currentColor\">{}</text><text x=\"2\" y=\"{}\" font-size=\"12\" fill=\"currentColor\">{}</text></svg>",
        h - 8.0,
        escape(series.buckets.first().map_or("", |b| b.start.as_str())),
        w - pad,
        h - 8.0,
        escape(series.buckets.last().map_or("", |b| b.start.as_str())),
        pad - 12.0,
        max as u64
    );
    svg
}

fn list(title: &str, items: &[Count]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = format!("<p><strong>{}</strong></p><table>", escape(title));
    for c in items {
        let _ = write!(
            s,
            "<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&c.value),
            c.count
        );
    }
    s.push_str("</table>");
    s
}

fn code_section(c: &CodeReport) -> String {
    let e = &c.explanation;
    let class = format!("c{}", c.label.chars().next().unwrap_or('x'));
    let mut s = format!(
        "<section class=\"code\" id=\"code-{label}\"><h3><span class=\"{class}\">{label}</span> {name} <span class=\"muted\">{count} requests, {share:.1}%</span></h3>",
        label = escape(&c.label),
        name = escape(&e.name),
        count = c.count,
        share = c.share * 100.0
    );
    let _ = write!(
        s,
        "<p><strong>What it means here:</strong> {}</p>",
        escape(&e.meaning_here)
    );
    if let Some(v) = &e.vendor {
        let _ = write!(
            s,
            "<p class=\"muted\">Meaning used: {} ({}).</p>",
            escape(&v.vendor),
            escape(&v.name)
        );
    }
    if let Some(check) = &e.check_first {
        let _ = write!(
            s,
            "<p><strong>What to check first:</strong> {}</p>",
            escape(check)
        );
    }
    if let Some(page) = &e.page {
        let _ = write!(
            s,
            "<p class=\"muted\">More: <code>httpstatus {}</code> or <code>{}</code></p>",
            escape(&c.label),
            escape(page)
        );
    }
    if let Some(l) = &c.latency {
        let _ = write!(
            s,
            "<p>Latency: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} timed)</p>",
            l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.count
        );
    }
    if !c.produced_by.is_empty() {
        s.push_str("<p><strong>Who produced it</strong></p><table class=\"pairs\"><tr><th>other side</th><th>detail</th><th>requests</th><th>verdict</th></tr>");
        for p in &c.produced_by {
            let _ = write!(
                s,
                "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(p.second.as_deref().unwrap_or("")),
                escape(p.detail.as_deref().unwrap_or("")),
                p.count,
                escape(&p.explanation)
            );
        }
        s.push_str("</table>");
    }
    s.push_str(&list("Top paths", &c.paths));
    s.push_str(&list("Top clients", &c.clients));
    s.push_str(&list("Top user agents", &c.user_agents));
    s.push_str("</section>");
    s
}

/// The whole report as one HTML page that loads nothing from anywhere.
pub fn page(report: &Report, title: &str) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>",
        escape(title),
        escape(title)
    );
    let _ = write!(
        s,
        "<p id=\"summary\">{} ({}): {} requests from {} to {}; {} lines that did not parse; {} filtered out.</p>",
        escape(report.format_label),
        escape(report.format.name()),
        report.requests,
        escape(report.first.as_deref().unwrap_or("-")),
        escape(report.last.as_deref().unwrap_or("-")),
        report.bad_lines,
        report.filtered_out
    );
    s.push_str("<h2>Codes over time</h2>");
    s.push_str(&chart(report));
    s.push_str("<p class=\"legend\">");
    for (name, colour) in CLASS_COLOURS {
        let _ = write!(
            s,
            "<span><span class=\"sw\" style=\"background:{colour}\"></span>{name}</span>"
        );
    }
    let _ = write!(
        s,
        " <span class=\"muted\">one bar per {} seconds</span></p>",
        report.series.bucket_seconds
    );
    if !report.spikes.is_empty() {
        s.push_str("<h2>Spikes</h2><table id=\"spikes\"><tr><th>code</th><th>from</th><th>to</th><th>requests</th><th>peak per bucket</th><th>usual per bucket</th></tr>");
        for sp in &report.spikes {
            let _ = write!(
                s,
                "<tr class=\"spike\"><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&sp.label),
                escape(&sp.start),
                escape(&sp.end),
                sp.count,
                sp.peak,
                sp.baseline
            );
        }
        s.push_str("</table>");
    }
    s.push_str("<h2>Codes</h2><table id=\"codes\"><tr><th>code</th><th>name</th><th>requests</th><th>share</th><th>what it means here</th></tr>");
    for c in &report.codes {
        let _ = write!(
            s,
            "<tr><td><a href=\"#code-{l}\">{l}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td>{}</td></tr>",
            escape(&c.explanation.name),
            c.count,
            c.share * 100.0,
            escape(&c.explanation.meaning_here),
            l = escape(&c.label)
        );
    }
    s.push_str("</table>");
    for c in &report.codes {
        s.push_str(&code_section(c));
    }
    if !report.bad.is_empty() {
        s.push_str("<h2>Lines that did not parse</h2><table id=\"bad\"><tr><th>line</th><th>why</th><th>text</th></tr>");
        for b in &report.bad {
            let _ = write!(
                s,
                "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
                b.line,
                escape(b.reason),
                escape(&b.text)
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</body></html>\n");
    s
}
