//! One parsed access-log line: the fields the report needs, borrowed from the line where possible.

use std::borrow::Cow;

/// The status that the other side of a two-status log recorded (upstream, target, origin).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Second {
    /// This format, or this line, has no second status.
    #[default]
    Absent,
    /// The field is there but empty (`-`, or `0` for "no response"): the other side never answered.
    NoResponse,
    /// The other side answered with this code.
    Code(u16),
}

/// The fields of one request that the report uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record<'a> {
    /// When the request was logged, in Unix milliseconds (UTC).
    pub time: Option<i64>,
    /// The status the log's producer recorded; `None` for `-` or a missing field.
    pub status: Option<u16>,
    /// The status recorded for the other side, for formats that carry two.
    pub second: Second,
    /// Extra detail that tells who produced the code (CloudFront result type, IIS sub-status and Win32
    /// status, ALB error reason).
    pub detail: Option<Cow<'a, str>>,
    /// The request path without its query string; `None` for `-` requests.
    pub path: Option<Cow<'a, str>>,
    pub client: Option<Cow<'a, str>>,
    pub user_agent: Option<Cow<'a, str>>,
    /// How long the request took, in milliseconds, when the log says.
    pub latency_ms: Option<f64>,
}

/// A text field as a string: `-` and empty are absent; invalid UTF-8 is replaced, never an error.
pub fn text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if bytes.is_empty() || bytes == b"-" {
        return None;
    }
    Some(String::from_utf8_lossy(bytes))
}

/// The path of a request target: `/a/b?x=1` becomes `/a/b`; an absolute URI keeps only its path.
pub fn path_of(target: &[u8]) -> Option<Cow<'_, str>> {
    let mut t = target;
    if let Some(scheme_end) = memchr::memmem::find(t, b"://") {
        let after = &t[scheme_end + 3..];
        t = match memchr::memchr(b'/', after) {
            Some(i) => &after[i..],
            None => b"/",
        };
    }
    if let Some(q) = memchr::memchr(b'?', t) {
        t = &t[..q];
    }
    text(t)
}

/// A status field that is neither three digits nor `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAStatus;

/// A status field: three digits; `-` and empty are `None`.
pub fn status(bytes: &[u8]) -> Result<Option<u16>, NotAStatus> {
    if bytes == b"-" || bytes.is_empty() {
        return Ok(None);
    }
    if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(NotAStatus);
    }
    let code = u16::from(bytes[0] - b'0') * 100
        + u16::from(bytes[1] - b'0') * 10
        + u16::from(bytes[2] - b'0');
    Ok(Some(code))
}

/// A decimal number of seconds or milliseconds (`0.123`, `12`); `-` and garbage are `None`.
pub fn number(bytes: &[u8]) -> Option<f64> {
    if bytes.is_empty() || bytes == b"-" {
        return None;
    }
    let s = std::str::from_utf8(bytes).ok()?;
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_their_query_and_origin() {
        assert_eq!(path_of(b"/a/b?x=1").as_deref(), Some("/a/b"));
        assert_eq!(
            path_of(b"https://example.com:443/a?x").as_deref(),
            Some("/a")
        );
        assert_eq!(path_of(b"https://example.com").as_deref(), Some("/"));
        assert_eq!(path_of(b"-"), None);
        assert_eq!(path_of(b"/caf\xe9").as_deref(), Some("/caf\u{fffd}"));
    }

    #[test]
    fn statuses() {
        assert_eq!(status(b"404"), Ok(Some(404)));
        assert_eq!(status(b"-"), Ok(None));
        assert_eq!(status(b"4040"), Err(NotAStatus));
        assert_eq!(status(b"x04"), Err(NotAStatus));
        assert_eq!(number(b"0.250"), Some(0.25));
        assert_eq!(number(b"-1"), None);
    }
}
