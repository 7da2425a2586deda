//! Turning lines into [`Record`]s: one parser per format family, and detection of the format from the
//! first lines of a log.

mod aws;
mod clf;
pub mod fields;
mod json;
mod w3c;

use crate::format::Format;
use crate::record::Record;

/// What one line turned out to be.
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    Record(Record<'a>),
    /// A blank line or a directive (`#Fields:`, `#Version:`): not a request, not an error.
    Skip,
    /// A line that does not fit the format, and why.
    Bad(&'static str),
}

/// Reads lines of one format. W3C formats keep the latest `#Fields` layout, so one parser reads one file in
/// order; the other formats are stateless and a parser per thread is fine.
#[derive(Debug, Clone)]
pub struct Parser {
    format: Format,
    layout: w3c::Layout,
}

impl Parser {
    pub fn new(format: Format) -> Parser {
        Parser {
            format,
            layout: w3c::Layout::default_for(format),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn parse<'a>(&mut self, line: &'a [u8]) -> Line<'a> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Line::Skip;
        }
        if line.starts_with(b"#") && self.format.is_stateful() {
            if let Some(names) = line.strip_prefix(b"#Fields:") {
                self.layout = w3c::Layout::from_names(&String::from_utf8_lossy(names));
            }
            return Line::Skip;
        }
        let result = match self.format {
            Format::Combined => clf::combined(line),
            Format::Common => clf::common(line),
            Format::TraefikClf => clf::traefik(line),
            Format::Alb => aws::alb(line),
            Format::Elb => aws::elb(line),
            Format::Cloudfront | Format::Iis => w3c::line(self.format, &self.layout, line),
            Format::Cloudflare | Format::Caddy | Format::TraefikJson => {
                json::line(self.format, line)
            }
        };
        match result {
            Ok(r) => Line::Record(r),
            Err(why) => Line::Bad(why),
        }
    }
}

/// What detection decided, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub format: Format,
    /// Lines of the sample that parsed, out of those tried.
    pub parsed: usize,
    pub sampled: usize,
}

/// Why no format fits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    #[error("the log is empty: there is no line to read")]
    Empty,
    #[error(
        "no known access-log format fits the first {0} lines: name it with --format (combined, common, traefik, traefik-json, alb, elb, cloudfront, cloudflare, caddy, iis)"
    )]
    Unknown(usize),
}

/// Text formats tried in this order; on a tie the first wins (a Traefik line is also a combined line, and a
/// combined line is also a common one).
const TEXT_ORDER: [Format; 5] = [
    Format::Alb,
    Format::Elb,
    Format::TraefikClf,
    Format::Combined,
    Format::Common,
];

/// Picks the format of a log from its first lines (give it a few dozen).
pub fn detect(lines: &[&[u8]]) -> Result<Detection, DetectError> {
    let directives: Vec<&[u8]> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with(b"#"))
        .collect();
    let data: Vec<&[u8]> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with(b"#") && !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    let directive_has = |word: &[u8]| {
        directives
            .iter()
            .any(|d| memchr::memmem::find(d, word).is_some())
    };
    let mut candidates: Vec<Format> = Vec::new();
    if directive_has(b"x-edge-") {
        candidates.push(Format::Cloudfront);
    } else if directive_has(b"Internet Information Services")
        || directive_has(b"sc-win32-status")
        || directive_has(b"s-sitename")
    {
        candidates.push(Format::Iis);
    } else if directive_has(b"#Fields:") {
        candidates.extend([Format::Iis, Format::Cloudfront]);
    }
    if data.is_empty() {
        return match candidates.first() {
            Some(&format) => Ok(Detection {
                format,
                parsed: 0,
                sampled: 0,
            }),
            None => Err(DetectError::Empty),
        };
    }
    if let Some(json) = data
        .iter()
        .find(|l| l.starts_with(b"{"))
        .and_then(|l| json::sniff(l))
    {
        candidates.push(json);
    }
    candidates.extend(TEXT_ORDER);
    if data
        .iter()
        .any(|l| l.iter().filter(|&&b| b == b'\t').count() >= 20)
    {
        candidates.push(Format::Cloudfront);
    }
    let mut best: Option<Detection> = None;
    for format in candidates {
        let mut parser = Parser::new(format);
        for d in &directives {
            parser.parse(d);
        }
        let parsed = data
            .iter()
            .filter(|l| matches!(parser.parse(l), Line::Record(_)))
            .count();
        if parsed > 0 && best.is_none_or(|b| parsed > b.parsed) {
            best = Some(Detection {
                format,
                parsed,
                sampled: data.len(),
            });
        }
    }
    best.ok_or(DetectError::Unknown(data.len()))
}
