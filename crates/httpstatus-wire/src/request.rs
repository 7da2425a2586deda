//! Request heads: finding, checking and parsing them (RFC 9112 sections 2 to 7), and deciding how the body is
//! framed. "Not enough bytes yet" is a normal result, not an error.

use std::mem::MaybeUninit;

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
    // sees exactly `max_headers` slots, so "too many headers" means the same thing. They are left uninitialised
    // (httparse fills only those it uses): writing all of them first would cost more than the parse of a
    // short head.
    let mut stack_slots =
        [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADER_SLOTS];
    let mut heap_slots = Vec::new();
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] =
        if limits.max_headers <= STACK_HEADER_SLOTS {
            &mut stack_slots[..limits.max_headers]
        } else {
            heap_slots.resize_with(limits.max_headers, MaybeUninit::uninit);
            &mut heap_slots
        };
    let mut request = httparse::Request::new(&mut []);
    match request.parse_with_uninit_headers(head, slots) {
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
mod tests;
