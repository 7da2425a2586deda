//! Content negotiation for the live endpoints' explanations: JSON, HTML or plain text, chosen by `Accept`.

/// A body format the live endpoints can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Text,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
        }
    }
}

/// Picks the format the client prefers by `Accept` q-values (RFC 9110 section 12.5.1); ties go to plain text,
/// then JSON, then HTML. A client that accepts none of them still gets plain text: the status code it asked for
/// matters more than the body, so we never answer 406 instead.
pub fn negotiate(accept: Option<&[u8]>) -> Format {
    let Some(accept) = accept.and_then(|a| std::str::from_utf8(a).ok()) else {
        return Format::Text;
    };
    let candidates = [
        (Format::Text, "text", "plain"),
        (Format::Json, "application", "json"),
        (Format::Html, "text", "html"),
    ];
    let mut best = (Format::Text, 0.0_f32);
    for (format, kind, sub) in candidates {
        let q = quality(accept, kind, sub);
        if q > best.1 {
            best = (format, q);
        }
    }
    best.0
}

/// The q-value `accept` gives `kind/sub`, using the most specific matching range.
fn quality(accept: &str, kind: &str, sub: &str) -> f32 {
    let mut found: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let (media, q) = httpstatus_wire::headers::weighted(range);
        let Some((k, s)) = media.split_once('/') else {
            continue;
        };
        let specificity = match (k.trim(), s.trim()) {
            (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(sub) => 3,
            (k, "*") if k.eq_ignore_ascii_case(kind) => 2,
            ("*", "*") => 1,
            _ => continue,
        };
        if found.is_none_or(|(best, _)| specificity > best) {
            found = Some((specificity, q));
        }
    }
    found.map_or(0.0, |(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_table() {
        let cases: &[(Option<&str>, Format)] = &[
            (None, Format::Text),
            (Some("*/*"), Format::Text),
            (Some("application/json"), Format::Json),
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                Format::Html,
            ),
            (Some("application/json, text/plain;q=0.5"), Format::Json),
            (Some("text/*"), Format::Text),
            (Some("text/html;q=0.9, text/plain;q=0.1"), Format::Html),
            (Some("image/png"), Format::Text),
            (Some("application/json;q=0, */*"), Format::Text),
            (
                Some("text/plain;q=0, application/json;q=0, text/html;q=0.2"),
                Format::Html,
            ),
        ];
        for (accept, format) in cases {
            assert_eq!(negotiate(accept.map(str::as_bytes)), *format, "{accept:?}");
        }
    }
}
