//! Request heads: finding, checking and parsing them (RFC 9112 sections 2 to 7), and deciding how the body is
//! framed. "Not enough bytes yet" is a normal result, not an error.

use crate::body::BodyFraming;
use crate::headers::{Headers, is_field_value, trim};
use crate::{Limits, WireError};

/// HTTP/1.0 or HTTP/1.1; the minor version is all that differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A parsed and checked request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method token exactly as sent (methods are case-sensitive).
    pub method: String,
    /// The request target as sent: origin-form (`/path?query`), absolute-form, authority-form or `*`.
    pub target: String,
    pub version: Version,
    pub headers: Headers,
    /// How the body is delimited; decided once here so that every reader agrees.
    pub framing: BodyFraming,
    /// Whether the client asked for the connection to stay open after this exchange.
    pub keep_alive: bool,
    /// Whether the client sent `Expect: 100-continue` (ignored for HTTP/1.0, as RFC 9110 requires).
    pub expect_continue: bool,
}

impl RequestHead {
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// The path of an origin-form or absolute-form target, without the query.
    pub fn path(&self) -> &str {
        self.path_and_query().0
    }

    /// The query string without `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.path_and_query().1
    }

    /// The path and query of the target, with any `http://authority` or `https://authority` prefix removed
    /// (the scheme in any case, RFC 3986 section 3.1). The authority ends at the first `/`, `?` or `#`, so
    /// `http://a?x=/b` has the path `/` and the query `x=/b`.
    fn path_and_query(&self) -> (&str, Option<&str>) {
        split_target(&self.target)
    }

    /// Whether the client asks to switch protocols (`Connection: upgrade` with an `Upgrade` header).
    pub fn wants_upgrade(&self) -> bool {
        self.version == Version::Http11
            && self.headers.has_token("connection", "upgrade")
            && self.headers.contains("upgrade")
    }
}

/// Header slots kept on the stack while parsing; limits above this many use the heap.
const STACK_HEADER_SLOTS: usize = 128;

/// The path and query of a request target, with any `http://authority` or `https://authority` prefix removed
/// (absolute-form, RFC 9112 section 3.2.2); the query is without its `?`.
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    let after_scheme = ["http://", "https://"].iter().find_map(|scheme| {
        let prefix = target.get(..scheme.len())?;
        prefix
            .eq_ignore_ascii_case(scheme)
            .then(|| &target[scheme.len()..])
    });
    let origin = match after_scheme {
        Some(rest) => match rest.find(['/', '?', '#']) {
            Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
            Some(i) if rest.as_bytes()[i] == b'?' => return ("/", Some(&rest[i + 1..])),
            _ => return ("/", None),
        },
        None => target,
    };
    match origin.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (origin, None),
    }
}

/// Parses one request head from the start of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of a head and more bytes may complete it, and
/// `Ok(Some((head, consumed)))` when a whole head was read; `consumed` counts the empty lines that RFC 9112
/// section 2.2 lets a server skip before the request line.
pub fn parse_request_head(
    buf: &[u8],
    limits: &Limits,
) -> Result<Option<(RequestHead, usize)>, WireError> {
    let mut start = 0;
    loop {
        match &buf[start..] {
            [b'\r', b'\n', ..] => start += 2,
            [b'\n', ..] => start += 1,
            [b'\r'] | [] => return Ok(None),
            [b'\r', _, ..] => return Err(WireError::BareCr),
            _ => break,
        }
        if start > limits.max_request_line {
            return Err(WireError::InvalidRequestLine(
                "too many empty lines before the request line",
            ));
        }
    }
    let rest = &buf[start..];

    let line_end = match memchr(b'\n', rest) {
        Some(i) => i,
        // A CR at the end may be the line's own CR with its LF still to come: it does not count.
        None if strip_cr(rest).len() > limits.max_request_line => {
            return Err(WireError::RequestLineTooLong {
                limit: limits.max_request_line,
            });
        }
        None => return Ok(None),
    };
    let line = strip_cr(&rest[..line_end]);
    if line.len() > limits.max_request_line {
        return Err(WireError::RequestLineTooLong {
            limit: limits.max_request_line,
        });
    }

    let head_len = match find_head_end(rest) {
        Some(len) => len,
        None if rest.len() > limits.max_head => {
            return Err(WireError::HeaderSectionTooLarge {
                limit: limits.max_head,
            });
        }
        None => return Ok(None),
    };
    if head_len > limits.max_head {
        return Err(WireError::HeaderSectionTooLarge {
            limit: limits.max_head,
        });
    }
    let head = &rest[..head_len];
    check_lines(head)?;
    let (version, later_minor) = check_request_line(line)?;
    // httparse knows only 1.0 and 1.1: show it a later 1.x minor version as 1.1.
    let rewritten;
    let head = if later_minor {
        let mut copy = head.to_vec();
        copy[line.len() - 1] = b'1';
        rewritten = copy;
        &rewritten[..]
    } else {
        head
    };

    // Header slots on the stack for the usual limits; a larger limit gets them on the heap. Either way httparse
    // sees exactly `max_headers` slots, so "too many headers" means the same thing.
    let mut stack_slots = [httparse::EMPTY_HEADER; STACK_HEADER_SLOTS];
    let mut heap_slots = Vec::new();
    let slots: &mut [httparse::Header<'_>] = if limits.max_headers <= STACK_HEADER_SLOTS {
        &mut stack_slots[..limits.max_headers]
    } else {
        heap_slots.resize(limits.max_headers, httparse::EMPTY_HEADER);
        &mut heap_slots
    };
    let mut request = httparse::Request::new(slots);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(WireError::InvalidRequestLine("the head ended early"));
        }
        Err(error) => return Err(map_httparse_error(error, limits)),
    }
    let method = request.method.unwrap_or_default().to_owned();
    let target = request.path.unwrap_or_default().to_owned();
    let mut headers = Headers::new();
    for header in request.headers.iter() {
        // `name: value` as the line counts it; the optional whitespace around the value is not counted.
        if header.name.len() + 2 + header.value.len() > limits.max_field_line {
            return Err(WireError::FieldLineTooLarge {
                limit: limits.max_field_line,
            });
        }
        headers.push_unchecked(header.name, header.value);
    }

    check_host(&headers, version)?;
    let framing = request_framing(&headers, version, limits)?;
    let keep_alive = match version {
        Version::Http11 => !headers.has_token("connection", "close"),
        Version::Http10 => {
            headers.has_token("connection", "keep-alive")
                && !headers.has_token("connection", "close")
        }
    };
    let expect_continue = match headers.get("expect") {
        None => false,
        Some(value) if value.eq_ignore_ascii_case(b"100-continue") => version == Version::Http11,
        Some(_) => return Err(WireError::UnsupportedExpectation),
    };

    let head = RequestHead {
        method,
        target,
        version,
        headers,
        framing,
        keep_alive,
        expect_continue,
    };
    Ok(Some((head, start + head_len)))
}

/// The length of the head including its final empty line, once the empty line is in `buf`.
pub(crate) fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr(b'\n', &buf[from..]) {
        let nl = from + i;
        match &buf[nl + 1..] {
            [b'\n', ..] => return Some(nl + 2),
            [b'\r', b'\n', ..] => return Some(nl + 3),
            _ => from = nl + 1,
        }
    }
    None
}

/// Rejects a bare CR anywhere in the head and obsolete line folding (RFC 9112 sections 2.2 and 5.2).
pub(crate) fn check_lines(head: &[u8]) -> Result<(), WireError> {
    for (i, &b) in head.iter().enumerate() {
        if b == b'\r' && head.get(i + 1) != Some(&b'\n') {
            return Err(WireError::BareCr);
        }
        if b == b'\n' && matches!(head.get(i + 1), Some(b' ' | b'\t')) {
            return Err(WireError::ObsoleteLineFolding);
        }
    }
    Ok(())
}

/// Checks the shape of `method SP target SP version` before httparse sees it, so that an unsupported version
/// gets a 505 and the other faults get a precise message. The flag says the version was a 1.x after 1.1.
fn check_request_line(line: &[u8]) -> Result<(Version, bool), WireError> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(WireError::InvalidRequestLine(
            "expected METHOD SP TARGET SP HTTP-VERSION separated by single spaces",
        ));
    };
    if !crate::headers::is_token(method) {
        return Err(WireError::InvalidRequestLine("the method is not a token"));
    }
    if target.is_empty() || !target.iter().all(|&b| b.is_ascii_graphic()) {
        return Err(WireError::InvalidRequestLine(
            "the target is empty or has characters outside visible ASCII",
        ));
    }
    let version = match version {
        b"HTTP/1.1" => Ok((Version::Http11, false)),
        b"HTTP/1.0" => Ok((Version::Http10, false)),
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            if *major == b'1' {
                // RFC 9110 section 2.5: a later 1.x minor version is handled as the highest we support.
                Ok((Version::Http11, true))
            } else {
                Err(WireError::VersionNotSupported(
                    String::from_utf8_lossy(version).into_owned(),
                ))
            }
        }
        _ => Err(WireError::InvalidRequestLine(
            "the version is not HTTP/1.1 or HTTP/1.0",
        )),
    }?;
    // After the version, so that the HTTP/2 preface (`PRI * HTTP/2.0`) gets its 505.
    check_target_form(method, target)?;
    Ok(version)
}

fn map_httparse_error(error: httparse::Error, limits: &Limits) -> WireError {
    match error {
        httparse::Error::HeaderName => WireError::InvalidHeaderName,
        httparse::Error::HeaderValue => WireError::InvalidHeaderValue,
        httparse::Error::TooManyHeaders => WireError::TooManyHeaders {
            limit: limits.max_headers,
        },
        httparse::Error::Token => {
            WireError::InvalidRequestLine("the method or target has an invalid character")
        }
        httparse::Error::Version => {
            WireError::InvalidRequestLine("the version is not HTTP/1.1 or HTTP/1.0")
        }
        httparse::Error::NewLine => WireError::InvalidRequestLine("a line does not end with CRLF"),
        httparse::Error::Status => WireError::InvalidRequestLine("unexpected status in a request"),
    }
}

/// RFC 9112 section 3.2: the four forms of request target. Origin-form (`/path?query`) and absolute-form
/// (`scheme:...`) go with any method, authority-form (`host:port`) only with CONNECT, asterisk-form (`*`) only
/// with OPTIONS; anything else (`a:80` on a GET, `status/200` without its slash) is a 400.
fn check_target_form(method: &[u8], target: &[u8]) -> Result<(), WireError> {
    let valid = if method == b"CONNECT" {
        is_host_and_port(target, true)
    } else if target.starts_with(b"/") {
        true
    } else if target == b"*" {
        method == b"OPTIONS"
    } else if is_host_and_port(target, true) {
        // `a:80` also parses as a URI with the scheme `a`; it is the authority-form a proxy would get.
        false
    } else {
        is_absolute_form(target) && !has_userinfo(target)
    };
    if valid {
        Ok(())
    } else {
        Err(WireError::InvalidRequestLine(
            "the target must be /path (or an absolute URL); host:port goes only with CONNECT and * only with OPTIONS",
        ))
    }
}

/// `scheme ":" ...` where `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986 section 3.1).
fn is_absolute_form(target: &[u8]) -> bool {
    let Some(colon) = memchr(b':', target) else {
        return false;
    };
    let scheme = &target[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// Whether an `http://` or `https://` target names a user (`http://user@host/`), which RFC 9110 section 4.2.4
/// says to treat as an error: the part before `@` is easily mistaken for the host.
fn has_userinfo(target: &[u8]) -> bool {
    let Some(start) = target.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let scheme = &target[..start];
    if !(scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")) {
        return false;
    }
    let authority = &target[start + 3..];
    let end = authority
        .iter()
        .position(|b| b"/?#".contains(b))
        .unwrap_or(authority.len());
    authority[..end].contains(&b'@')
}

/// `uri-host [ ":" port ]` (RFC 9112 section 3.2, RFC 3986 section 3.2.2): an IP literal in brackets or a
/// reg-name (unreserved, percent-encoded and sub-delims characters; no second colon), then digits after a colon.
fn is_host_and_port(value: &[u8], port_required: bool) -> bool {
    let (host_ok, rest) = if let Some(literal) = value.strip_prefix(b"[") {
        match memchr(b']', literal) {
            Some(end) => {
                let inside = &literal[..end];
                let ok = !inside.is_empty()
                    && inside
                        .iter()
                        .all(|&b| b.is_ascii_alphanumeric() || b":.-_~!$&'()*+,;=".contains(&b));
                (ok, &literal[end + 1..])
            }
            None => (false, &b""[..]),
        }
    } else {
        let end = memchr(b':', value).unwrap_or(value.len());
        (is_reg_name(&value[..end]), &value[end..])
    };
    let port_ok = match rest {
        [] => !port_required,
        [b':', port @ ..] => port.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    host_ok && port_ok
}

/// `reg-name = *( unreserved / pct-encoded / sub-delims )` (RFC 3986 section 3.2.2).
fn is_reg_name(name: &[u8]) -> bool {
    let mut i = 0;
    while i < name.len() {
        match name[i] {
            b'%' => {
                let hex = name.get(i + 1..i + 3);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0, and a valid `host[:port]`
/// (or empty, for a target without an authority).
fn check_host(headers: &Headers, version: Version) -> Result<(), WireError> {
    let mut hosts = headers.get_all("host");
    let host = match (hosts.next(), hosts.next()) {
        (None, _) if version == Version::Http11 => return Err(WireError::MissingHost),
        (None, _) => return Ok(()),
        (Some(_), Some(_)) => return Err(WireError::RepeatedHost),
        (Some(host), None) => host,
    };
    if host.is_empty() || is_host_and_port(host, false) {
        Ok(())
    } else {
        Err(WireError::InvalidHost)
    }
}

/// RFC 9112 section 6.3: how a request body is delimited, refusing every ambiguous combination.
fn request_framing(
    headers: &Headers,
    version: Version,
    limits: &Limits,
) -> Result<BodyFraming, WireError> {
    let has_te = headers.contains("transfer-encoding");
    let content_length = content_length(headers)?;
    if has_te {
        if content_length.is_some() {
            return Err(WireError::ContentLengthWithTransferEncoding);
        }
        if version == Version::Http10 {
            return Err(WireError::TransferEncodingInHttp10);
        }
        return match transfer_coding(headers)? {
            TransferCoding::Chunked => Ok(BodyFraming::Chunked),
            TransferCoding::NotChunkedLast => Err(WireError::ChunkedNotFinal),
        };
    }
    match content_length {
        Some(length) if length > limits.max_body => Err(WireError::BodyTooLarge {
            limit: limits.max_body,
        }),
        Some(0) | None => Ok(BodyFraming::None),
        Some(length) => Ok(BodyFraming::Length(length)),
    }
}

pub(crate) enum TransferCoding {
    Chunked,
    NotChunkedLast,
}

/// Reads every Transfer-Encoding field as one list: chunked must be last and appear once; any other coding
/// before it is one we do not implement (501).
pub(crate) fn transfer_coding(headers: &Headers) -> Result<TransferCoding, WireError> {
    let codings: Vec<&[u8]> = headers
        .get_all("transfer-encoding")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(trim)
        .filter(|c| !c.is_empty())
        .collect();
    let Some((last, before)) = codings.split_last() else {
        return Err(WireError::ChunkedNotFinal);
    };
    let is_chunked = |c: &[u8]| c.eq_ignore_ascii_case(b"chunked");
    if before.iter().any(|c| is_chunked(c)) {
        return Err(WireError::ChunkedNotFinal);
    }
    if !is_chunked(last) {
        return Ok(TransferCoding::NotChunkedLast);
    }
    if let Some(other) = before.first() {
        if !is_field_value(other) || other.contains(&b'"') {
            return Err(WireError::InvalidHeaderValue);
        }
        return Err(WireError::UnsupportedTransferEncoding(
            String::from_utf8_lossy(other).into_owned(),
        ));
    }
    Ok(TransferCoding::Chunked)
}

/// Every Content-Length field and list element must be the same decimal number (RFC 9110 section 8.6).
pub(crate) fn content_length(headers: &Headers) -> Result<Option<u64>, WireError> {
    let mut found = None;
    for value in headers.get_all("content-length") {
        for item in value.split(|&b| b == b',') {
            let item = trim(item);
            if item.is_empty() || item.len() > 19 || !item.iter().all(u8::is_ascii_digit) {
                return Err(WireError::InvalidContentLength);
            }
            let n: u64 = std::str::from_utf8(item)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or(WireError::InvalidContentLength)?;
            match found {
                Some(previous) if previous != n => return Err(WireError::ConflictingContentLength),
                _ => found = Some(n),
            }
        }
    }
    Ok(found)
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

pub(crate) fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Option<(RequestHead, usize)>, WireError> {
        parse_request_head(bytes, &Limits::default())
    }

    fn status_of(bytes: &[u8]) -> u16 {
        match parse(bytes) {
            Ok(Some(_)) => 200,
            Ok(None) => 0,
            Err(error) => error.status(),
        }
    }

    #[test]
    fn parses_a_simple_get() {
        let (head, used) =
            parse(b"GET /status/200?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nNEXT")
                .unwrap()
                .unwrap();
        assert_eq!(used, 54);
        assert_eq!(head.method, "GET");
        assert_eq!(head.path(), "/status/200");
        assert_eq!(head.query(), Some("x=1"));
        assert_eq!(head.version, Version::Http11);
        assert_eq!(head.headers.get("accept"), Some(&b"*/*"[..]));
        assert_eq!(head.framing, BodyFraming::None);
        assert!(head.keep_alive);
        assert!(!head.expect_continue);
    }

    #[test]
    fn incomplete_heads_ask_for_more() {
        let full = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
        for end in 0..full.len() {
            assert_eq!(parse(&full[..end]), Ok(None), "prefix of {end} bytes");
        }
        assert!(parse(full).unwrap().is_some());
    }

    #[test]
    fn skips_leading_empty_lines() {
        let (head, used) = parse(b"\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(head.target, "/");
        assert_eq!(used, 30);
    }

    #[test]
    fn accepts_bare_lf_line_endings() {
        let (head, _) = parse(b"GET / HTTP/1.1\nHost: a\n\n").unwrap().unwrap();
        assert_eq!(head.headers.get("host"), Some(&b"a"[..]));
    }

    #[test]
    fn absolute_form_targets_have_a_path() {
        let (head, _) = parse(b"GET http://a/status/204?q HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(head.path(), "/status/204");
        assert_eq!(head.query(), Some("q"));
    }

    #[test]
    fn absolute_form_authority_ends_at_the_first_slash_question_mark_or_hash() {
        let cases = [
            ("HTTP://A/status/204?q", "/status/204", Some("q")),
            ("https://a", "/", None),
            ("http://a?x=/status/500", "/", Some("x=/status/500")),
            ("http://a#/status/500", "/", None),
            (
                "/status/200?a=http://b/c",
                "/status/200",
                Some("a=http://b/c"),
            ),
        ];
        for (target, path, query) in cases {
            let bytes = format!("GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
            let (head, _) = parse(bytes.as_bytes()).unwrap().unwrap();
            assert_eq!((head.path(), head.query()), (path, query), "{target}");
        }
    }

    #[test]
    fn target_forms_and_host_values_table() {
        let cases: &[(&str, u16)] = &[
            ("GET /x HTTP/1.1\r\nHost: a", 200),
            ("GET http://a/x HTTP/1.1\r\nHost: b", 200),
            ("GET urn:x HTTP/1.1\r\nHost: a", 200),
            ("GET http://u@a/x HTTP/1.1\r\nHost: a", 400),
            ("GET http://a/x@y HTTP/1.1\r\nHost: a", 200),
            ("GET a:80 HTTP/1.1\r\nHost: a", 400),
            ("GET x HTTP/1.1\r\nHost: a", 400),
            ("GET * HTTP/1.1\r\nHost: a", 400),
            ("OPTIONS * HTTP/1.1\r\nHost: a", 200),
            ("CONNECT a:443 HTTP/1.1\r\nHost: a:443", 200),
            ("CONNECT [::1]:443 HTTP/1.1\r\nHost: a", 200),
            ("CONNECT a HTTP/1.1\r\nHost: a", 400),
            ("CONNECT /x HTTP/1.1\r\nHost: a", 400),
            ("GET / HTTP/1.1\r\nHost: a:8080", 200),
            ("GET / HTTP/1.1\r\nHost: [::1]:80", 200),
            ("GET / HTTP/1.1\r\nHost: xn--e1a.example%2e", 200),
            ("GET / HTTP/1.1\r\nHost:", 200),
            ("GET / HTTP/1.1\r\nHost: a:b:c", 400),
            ("GET / HTTP/1.1\r\nHost: a:8o", 400),
            ("GET / HTTP/1.1\r\nHost: [::1", 400),
            ("GET / HTTP/1.1\r\nHost: [::1]x", 400),
            ("GET / HTTP/1.1\r\nHost: a%zz", 400),
            ("GET / HTTP/1.1\r\nHost: user@a", 400),
        ];
        for (head, status) in cases {
            let bytes = format!("{head}\r\n\r\n");
            assert_eq!(status_of(bytes.as_bytes()), *status, "{head}");
        }
    }

    #[test]
    fn keep_alive_follows_version_and_connection() {
        let cases: &[(&[u8], bool)] = &[
            (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
                false,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Close\r\n\r\n",
                false,
            ),
            (b"GET / HTTP/1.0\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ];
        for (bytes, keep_alive) in cases {
            let (head, _) = parse(bytes).unwrap().unwrap();
            assert_eq!(
                head.keep_alive,
                *keep_alive,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn expect_continue_is_honoured_only_in_http11() {
        let (head, _) = parse(
            b"PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n",
        )
        .unwrap()
        .unwrap();
        assert!(head.expect_continue);
        let (head, _) =
            parse(b"PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .unwrap()
                .unwrap();
        assert!(!head.expect_continue);
    }

    #[test]
    fn framing_table() {
        let cases: &[(&str, Result<BodyFraming, u16>)] = &[
            ("Content-Length: 10", Ok(BodyFraming::Length(10))),
            ("Content-Length: 0", Ok(BodyFraming::None)),
            (
                "Content-Length: 10\r\nContent-Length: 10",
                Ok(BodyFraming::Length(10)),
            ),
            ("Content-Length: 10, 10", Ok(BodyFraming::Length(10))),
            ("Content-Length: 10\r\nContent-Length: 11", Err(400)),
            ("Content-Length: 10, 11", Err(400)),
            ("Content-Length: -1", Err(400)),
            ("Content-Length: +1", Err(400)),
            ("Content-Length: 1 0", Err(400)),
            ("Content-Length: 0x10", Err(400)),
            ("Content-Length:", Err(400)),
            ("Content-Length: 99999999999999999999999", Err(400)),
            ("Content-Length: 18446744073709551616", Err(400)),
            ("Content-Length: 2000000", Err(413)),
            ("Transfer-Encoding: chunked", Ok(BodyFraming::Chunked)),
            ("Transfer-Encoding: Chunked", Ok(BodyFraming::Chunked)),
            ("Transfer-Encoding: chunked\r\nContent-Length: 3", Err(400)),
            ("Transfer-Encoding: gzip, chunked", Err(501)),
            (
                "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
                Err(501),
            ),
            ("Transfer-Encoding: chunked, gzip", Err(400)),
            ("Transfer-Encoding: gzip", Err(400)),
            ("Transfer-Encoding: chunked, chunked", Err(400)),
            (
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
                Err(400),
            ),
            ("Transfer-Encoding: ", Err(400)),
            ("Transfer-Encoding: xchunked", Err(400)),
            ("Transfer-Encoding: identity", Err(400)),
        ];
        for (fields, expected) in cases {
            let bytes = format!("POST / HTTP/1.1\r\nHost: a\r\n{fields}\r\n\r\n");
            let got = parse(bytes.as_bytes())
                .map(|r| r.unwrap().0.framing)
                .map_err(|e| e.status());
            assert_eq!(&got, expected, "{fields:?}");
        }
        let got = parse(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert_eq!(got, Err(WireError::TransferEncodingInHttp10));
    }

    #[test]
    fn malformed_heads_table() {
        let cases: &[(&[u8], u16)] = &[
            (b"GET / HTTP/1.1\r\n\r\n", 400),                       // no Host
            (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400), // two Hosts
            (b"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400), // two Hosts in 1.0
            (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),          // space in Host
            (b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),          // slash in Host
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n", 400), // obs-fold
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\tfolded\r\n\r\n",
                400,
            ),
            (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400), // whitespace before first field
            (b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),    // bare CR
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400), // space before colon
            (b"GET / HTTP/1.1\r\nHo\"st: a\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400),
            (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400), // double space
            (b"GET /\tx HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400),
            (b"GET /\r\nHost: a\r\n\r\n", 400), // HTTP/0.9 style
            (b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTP/1\r\nHost: a\r\n\r\n", 400),
            (b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
            (b"GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505),
            (b"GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417),
        ];
        for (bytes, status) in cases {
            assert_eq!(
                status_of(bytes),
                *status,
                "{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
    }

    #[test]
    fn later_http1_minor_versions_are_served_as_http11() {
        let (head, _) = parse(b"GET / HTTP/1.2\r\nHost: a\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(head.version, Version::Http11);
    }

    #[test]
    fn limits_are_enforced_with_their_status() {
        let limits = Limits {
            max_request_line: 32,
            max_head: 64,
            max_headers: 3,
            ..Limits::default()
        };
        let long_line = format!("GET /{} HTTP/1.1\r\n", "a".repeat(40));
        assert_eq!(
            parse_request_head(long_line.as_bytes(), &limits),
            Err(WireError::RequestLineTooLong { limit: 32 })
        );
        // Too long even before the line ends.
        assert_eq!(
            parse_request_head(&long_line.as_bytes()[..34], &limits),
            Err(WireError::RequestLineTooLong { limit: 32 })
        );
        let big_head = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n", "b".repeat(60));
        assert_eq!(
            parse_request_head(big_head.as_bytes(), &limits),
            Err(WireError::HeaderSectionTooLarge { limit: 64 })
        );
        let many = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        assert_eq!(
            parse_request_head(many, &limits),
            Err(WireError::TooManyHeaders { limit: 3 })
        );
    }

    #[test]
    fn a_request_line_at_the_limit_is_accepted_whatever_the_reads() {
        // Found by fuzzing: with the CR in one read and the LF in the next, the CR was counted towards the
        // request-line limit, so a line of exactly the limit got a 414 or not depending on how it arrived.
        let full = b"GET /0123456 HTTP/1.1\r\nHost: a\r\n\r\n"; // the line is 21 bytes
        let limits = Limits {
            max_request_line: 21,
            ..Limits::default()
        };
        for end in 0..full.len() {
            assert_eq!(
                parse_request_head(&full[..end], &limits),
                Ok(None),
                "prefix of {end} bytes"
            );
        }
        assert!(parse_request_head(full, &limits).unwrap().is_some());
        let one_over = Limits {
            max_request_line: 20,
            ..limits
        };
        assert_eq!(
            parse_request_head(&full[..22], &one_over),
            Err(WireError::RequestLineTooLong { limit: 20 })
        );
    }

    #[test]
    fn one_long_field_line_is_a_431_even_when_the_head_fits() {
        let limits = Limits::default();
        let fits = format!("x-a: {}", "a".repeat(limits.max_field_line - 5));
        let over = format!("x-a: {}", "a".repeat(limits.max_field_line - 4));
        let request = |field: &str| format!("GET / HTTP/1.1\r\nHost: h\r\n{field}\r\n\r\n");
        assert!(matches!(
            parse_request_head(request(&fits).as_bytes(), &limits),
            Ok(Some(_))
        ));
        let error = parse_request_head(request(&over).as_bytes(), &limits).unwrap_err();
        assert_eq!(
            error,
            WireError::FieldLineTooLarge {
                limit: limits.max_field_line
            }
        );
        assert_eq!(error.status(), 431);
    }

    #[test]
    fn upgrade_requests_are_recognised() {
        let (head, _) = parse(
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        )
        .unwrap()
        .unwrap();
        assert!(head.wants_upgrade());
        let (head, _) = parse(b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!head.wants_upgrade());
    }
}
