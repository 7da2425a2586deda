//! httpstatus-probe: sends one HTTP/1.1 request and records everything the server sends back: every interim
//! (1xx) response and the final one, with timings, a one-line explanation of each code from the catalog, and
//! the warnings a careful reviewer would give.
//!
//! # Layout
//! - [`ProbeRequest`] and [`parse_target`]: what to send, from a URL, a method, headers and a body.
//! - [`probe`]: the exchange itself, over a blocking socket with one deadline for the whole exchange. Parsing is
//!   `httpstatus-wire`'s; this crate only reads, writes and keeps time.
//! - [`Transcript`]: the record, serialisable as the JSON that `httpstatus probe --json` prints.
//! - [`review`]: the warnings, as a pure function of the request and the transcript.
//!
//! A malformed response is a normal outcome: it ends up in [`Transcript::error`], never in a panic.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use httpstatus_wire::{BodyDecoder, BodyEvent, BodyFraming, Limits, parse_response_head};
use serde::Serialize;

/// Why a probe could not even start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("`{0}` is not a URL: {1}")]
    BadUrl(String, String),
    #[error("only http:// URLs can be probed, not {0}://")]
    UnsupportedScheme(String),
    #[error("the header `{0}` is not `Name: value`")]
    BadHeader(String),
    #[error("the header name `{0}` has characters a field name cannot have")]
    BadHeaderName(String),
    #[error("the value of `{0}` contains a line break or another control character")]
    BadHeaderValue(String),
    #[error("`{0}` is not a request method (letters only, like GET or POST)")]
    BadMethod(String),
}

/// Where to connect and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// The `Host` header value: host, with the port when it is not 80.
    pub authority: String,
    /// Path and query, as sent on the request line.
    pub path: String,
}

/// Parses an `http://` URL into a [`Target`].
pub fn parse_target(text: &str) -> Result<Target, ProbeError> {
    let url =
        url::Url::parse(text).map_err(|e| ProbeError::BadUrl(text.to_owned(), e.to_string()))?;
    if url.scheme() != "http" {
        return Err(ProbeError::UnsupportedScheme(url.scheme().to_owned()));
    }
    let host = url
        .host_str()
        .ok_or_else(|| ProbeError::BadUrl(text.to_owned(), "it has no host".into()))?
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(80);
    let authority = if url.port().is_some() {
        format!("{host}:{port}")
    } else {
        host.clone()
    };
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    Ok(Target {
        host,
        port,
        authority,
        path,
    })
}

/// One request to send.
#[derive(Debug, Clone)]
pub struct ProbeRequest {
    pub target: Target,
    pub method: String,
    /// Extra fields; one with the name of a default field (`User-Agent`, `Accept`) replaces it.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// For the whole exchange: connecting, sending, and reading every response.
    pub timeout: Duration,
}

impl ProbeRequest {
    /// A GET with no extra fields and a 10 second timeout.
    pub fn get(target: Target) -> ProbeRequest {
        ProbeRequest {
            target,
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Parses `Name: value`, refusing what would break the request head.
    pub fn parse_header(text: &str) -> Result<(String, String), ProbeError> {
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| ProbeError::BadHeader(text.to_owned()))?;
        let name = name.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(ProbeError::BadHeaderName(name.to_owned()));
        }
        let value = value.trim();
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(ProbeError::BadHeaderValue(name.to_owned()));
        }
        Ok((name.to_owned(), value.to_owned()))
    }

    /// Checks the method: a token of letters.
    pub fn check_method(method: &str) -> Result<(), ProbeError> {
        if method.is_empty()
            || method.len() > 32
            || !method.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return Err(ProbeError::BadMethod(method.to_owned()));
        }
        Ok(())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    }

    /// The fields sent, in order: defaults first, then the caller's.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![("Host".to_owned(), self.target.authority.clone())];
        for (name, value) in [
            (
                "User-Agent",
                concat!("httpstatus-probe/", env!("CARGO_PKG_VERSION")),
            ),
            ("Accept", "*/*"),
        ] {
            if self.header(name).is_none() {
                fields.push((name.to_owned(), value.to_owned()));
            }
        }
        fields.push(("Connection".to_owned(), "close".to_owned()));
        if let Some(body) = &self.body {
            if self.header("content-length").is_none() && self.header("transfer-encoding").is_none()
            {
                fields.push(("Content-Length".to_owned(), body.len().to_string()));
            }
        }
        for (name, value) in &self.headers {
            if !["host", "connection"].contains(&name.to_ascii_lowercase().as_str()) {
                fields.push((name.clone(), value.clone()));
            }
        }
        fields
    }

    fn head_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target.path).into_bytes();
        for (name, value) in self.fields() {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

/// One response head as received.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseRecord {
    pub status: u16,
    pub reason: String,
    pub interim: bool,
    pub headers: Vec<(String, String)>,
    /// Milliseconds from the end of sending the request head to the end of receiving this head.
    pub at_ms: f64,
    /// One line from the catalog.
    pub explanation: String,
}

impl ResponseRecord {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The final response's body and timings.
#[derive(Debug, Clone, Serialize)]
pub struct FinalRecord {
    pub status: u16,
    /// Body bytes after removing the transfer coding.
    pub body_bytes: u64,
    /// `none`, `content-length`, `chunked`, `close-delimited` or `switched-protocols`.
    pub framing: &'static str,
    /// Milliseconds from sending the request to the first byte of any response.
    pub ttfb_ms: f64,
    /// Milliseconds from connecting to the end of the final response.
    pub total_ms: f64,
}

/// Everything one probe saw.
#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body_bytes: usize,
    /// Interim responses in order, then the final one.
    pub responses: Vec<ResponseRecord>,
    #[serde(rename = "final")]
    pub final_response: Option<FinalRecord>,
    pub warnings: Vec<String>,
    /// What went wrong, when the exchange did not complete.
    pub error: Option<String>,
    /// Body bytes that arrived after a response that cannot have a body (204, 304).
    #[serde(skip)]
    pub stray_body_bytes: usize,
}

/// The one-line explanation of any status code.
pub fn explain(status: u16) -> String {
    match httpstatus_catalog::lookup(status) {
        Ok(lookup) => format!("{} {}: {}", status, lookup.name(), lookup.explanation()),
        Err(error) => error.to_string(),
    }
}

struct Reader {
    stream: TcpStream,
    buf: BytesMut,
    deadline: Instant,
    first_byte: Option<Instant>,
}

impl Reader {
    /// Reads more bytes; `Ok(0)` at end of stream; an error of kind `TimedOut` past the deadline.
    fn fill(&mut self) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut chunk = [0u8; 16 * 1024];
        let n = match self.stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => 0,
            Err(e) => return Err(e),
        };
        if n > 0 && self.first_byte.is_none() {
            self.first_byte = Some(Instant::now());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn connect(target: &Target, deadline: Instant) -> io::Result<TcpStream> {
    let addrs: Vec<SocketAddr> = (target.host.as_str(), target.port)
        .to_socket_addrs()?
        .collect();
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} has no address", target.host),
    );
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "timed out while connecting",
            ));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Sends the request and records every response. Never panics on what the server sends.
pub fn probe(request: &ProbeRequest) -> Transcript {
    let started = Instant::now();
    let deadline = started + request.timeout;
    let mut transcript = Transcript {
        method: request.method.clone(),
        url: format!("http://{}{}", request.target.authority, request.target.path),
        request_headers: request.fields(),
        request_body_bytes: request.body.as_ref().map_or(0, Vec::len),
        responses: Vec::new(),
        final_response: None,
        warnings: Vec::new(),
        error: None,
        stray_body_bytes: 0,
    };
    if let Err(error) = exchange(request, &mut transcript, started, deadline) {
        transcript.error = Some(error);
    }
    transcript.warnings = review(request, &transcript);
    transcript
}

fn exchange(
    request: &ProbeRequest,
    transcript: &mut Transcript,
    started: Instant,
    deadline: Instant,
) -> Result<(), String> {
    let target = &request.target;
    let stream = connect(target, deadline)
        .map_err(|e| format!("cannot connect to {}:{}: {e}", target.host, target.port))?;
    let _ = stream.set_nodelay(true);
    let mut reader = Reader {
        stream,
        buf: BytesMut::with_capacity(16 * 1024),
        deadline,
        first_byte: None,
    };
    let wait_for_continue = request.expects_continue() && request.body.is_some();
    let mut head = request.head_bytes();
    if !wait_for_continue {
        head.extend_from_slice(request.body.as_deref().unwrap_or_default());
    }
    reader
        .stream
        .write_all(&head)
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let sent = Instant::now();
    let mut body_pending = wait_for_continue;
    // Like curl: wait up to a second for 100 Continue (or an early final answer), then send the body anyway.
    let continue_deadline = sent + Duration::from_secs(1);
    let limits = Limits {
        max_body: u64::MAX,
        ..Limits::default()
    };

    let final_head = loop {
        match parse_response_head(&reader.buf, &limits) {
            Ok(Some((head, len))) => {
                reader.buf.advance(len);
                let record = ResponseRecord {
                    status: head.status,
                    reason: head.reason.clone(),
                    interim: head.is_interim(),
                    headers: head
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
                        .collect(),
                    at_ms: millis(sent.elapsed()),
                    explanation: explain(head.status),
                };
                transcript.responses.push(record);
                if head.is_interim() {
                    if head.status == 100 && body_pending {
                        send_body(&mut reader, request, &mut body_pending)?;
                    }
                    continue;
                }
                break head;
            }
            Ok(None) => {}
            Err(error) => {
                let shown: String =
                    String::from_utf8_lossy(&reader.buf[..reader.buf.len().min(80)])
                        .escape_debug()
                        .collect();
                return Err(format!(
                    "malformed response: {error} (received: \"{shown}\")"
                ));
            }
        }
        if body_pending && Instant::now() >= continue_deadline {
            send_body(&mut reader, request, &mut body_pending)?;
        }
        let saved = reader.deadline;
        if body_pending {
            reader.deadline = continue_deadline.min(saved);
        }
        let read = reader.fill();
        reader.deadline = saved;
        match read {
            Ok(0) if reader.buf.is_empty() => {
                return Err(if transcript.responses.is_empty() {
                    "the server closed the connection without sending a response".into()
                } else {
                    "the server closed the connection after interim responses, without a final response".into()
                });
            }
            Ok(0) => {
                return Err(
                    "the server closed the connection in the middle of a response head".into(),
                );
            }
            Ok(_) => {}
            Err(e)
                if e.kind() == io::ErrorKind::TimedOut
                    && body_pending
                    && Instant::now() < deadline => {}
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                return Err(format!(
                    "no complete response within {} s",
                    request.timeout.as_secs_f64()
                ));
            }
            Err(e) => return Err(format!("reading the response failed: {e}")),
        }
    };

    let ttfb = reader
        .first_byte
        .map_or(0.0, |t| millis(t.duration_since(sent)));
    let is_head = request.method.eq_ignore_ascii_case("HEAD");
    let (framing, name) = if final_head.status == 101 {
        (BodyFraming::None, "switched-protocols")
    } else {
        let framing = final_head
            .framing(is_head)
            .map_err(|e| format!("the final response's framing is invalid: {e}"))?;
        let name = match framing {
            BodyFraming::None => "none",
            BodyFraming::Length(_) => "content-length",
            BodyFraming::Chunked => "chunked",
            BodyFraming::CloseDelimited => "close-delimited",
        };
        (framing, name)
    };
    let mut decoder = BodyDecoder::new(framing, limits);
    let mut body_bytes = 0u64;
    let mut finished = framing == BodyFraming::None;
    while !finished {
        match decoder.decode(&mut reader.buf) {
            Ok(BodyEvent::Data(data)) => body_bytes += data.len() as u64,
            Ok(BodyEvent::End(_)) => finished = true,
            Ok(BodyEvent::Incomplete) => match reader.fill() {
                Ok(0) => match decoder.decode_eof() {
                    Ok(BodyEvent::Data(data)) => body_bytes += data.len() as u64,
                    Ok(_) => finished = true,
                    Err(e) => {
                        return Err(format!(
                            "the body ended early after {body_bytes} bytes: {e}"
                        ));
                    }
                },
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    return Err(format!(
                        "the body was not complete within {} s ({body_bytes} bytes so far)",
                        request.timeout.as_secs_f64()
                    ));
                }
                Err(e) => return Err(format!("reading the body failed: {e}")),
            },
            Err(e) => return Err(format!("malformed body: {e}")),
        }
    }
    if matches!(final_head.status, 204 | 304) && !is_head {
        // A body here would be read as the start of the next response: look for stray bytes briefly.
        if reader.buf.is_empty() {
            let saved = reader.deadline;
            reader.deadline = Instant::now() + Duration::from_millis(100);
            let _ = reader.fill();
            reader.deadline = saved;
        }
        transcript.stray_body_bytes = reader.buf.len();
    }
    transcript.final_response = Some(FinalRecord {
        status: final_head.status,
        body_bytes,
        framing: name,
        ttfb_ms: ttfb,
        total_ms: millis(started.elapsed()),
    });
    Ok(())
}

fn send_body(
    reader: &mut Reader,
    request: &ProbeRequest,
    pending: &mut bool,
) -> Result<(), String> {
    *pending = false;
    let body = request.body.as_deref().unwrap_or_default();
    reader
        .stream
        .write_all(body)
        .map_err(|e| format!("cannot send the request body: {e}"))
}

/// The warnings a careful reviewer would give about this exchange.
pub fn review(request: &ProbeRequest, transcript: &Transcript) -> Vec<String> {
    let mut out = Vec::new();
    let asked_continue = request.expects_continue();
    for r in &transcript.responses {
        if r.status == 100 && !asked_continue {
            out.push("a 100 Continue arrived although the request did not send `Expect: 100-continue`; some clients (Node's fetch) fail on it".into());
        }
        if r.status == 101 && request.header("upgrade").is_none() {
            out.push(
                "a 101 Switching Protocols arrived although the request asked for no upgrade"
                    .into(),
            );
        }
        if !(100..=599).contains(&r.status) {
            out.push(format!(
                "{} is not a valid status code: codes are three digits, 100 to 599",
                r.status
            ));
        } else if httpstatus_catalog::get(r.status).is_none() {
            let fallback = r.status / 100 * 100;
            out.push(format!(
                "{} is not a registered or known vendor code; a client must treat it as {fallback}",
                r.status
            ));
        } else if httpstatus_catalog::get(r.status).is_some_and(|e| !e.is_official()) {
            out.push(format!("{} is not in the IANA registry: it is a vendor code, and generic clients treat it as {}", r.status, r.status / 100 * 100));
        }
    }
    let Some(last) = transcript.responses.last().filter(|r| !r.interim) else {
        return out;
    };
    let has = |name: &str| last.header(name).is_some();
    match last.status {
        429 | 503 if !has("retry-after") => {
            out.push(format!("a {} without Retry-After: clients cannot tell when to try again and tend to retry too soon", last.status))
        }
        301 | 302 | 303 | 307 | 308 if !has("location") => {
            out.push(format!("a {} without Location: there is nowhere to redirect to", last.status))
        }
        401 if !has("www-authenticate") => out.push("a 401 without WWW-Authenticate, which RFC 9110 requires".into()),
        407 if !has("proxy-authenticate") => out.push("a 407 without Proxy-Authenticate, which RFC 9110 requires".into()),
        405 if !has("allow") => out.push("a 405 without Allow, which RFC 9110 requires".into()),
        _ => {}
    }
    if matches!(last.status, 204 | 304) {
        if transcript.stray_body_bytes > 0 {
            out.push(format!("{} bytes of body after a {}, which cannot have a body: a keep-alive client would read them as the next response", transcript.stray_body_bytes, last.status));
        }
        if last.status == 204
            && (has("transfer-encoding")
                || last
                    .header("content-length")
                    .is_some_and(|v| v.trim() != "0"))
        {
            out.push(
                "a 204 with Content-Length or Transfer-Encoding, which RFC 9110 forbids".into(),
            );
        }
    }
    if let Some(value) = last.header("retry-after") {
        let v = value.trim();
        let is_seconds = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        if !is_seconds && httpdate_like(v).is_none() {
            out.push(format!(
                "Retry-After `{v}` is neither a number of seconds nor an HTTP date"
            ));
        }
    }
    out
}

/// Recognises the IMF-fixdate form of an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
fn httpdate_like(v: &str) -> Option<()> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    (parts.len() == 6 && parts[0].ends_with(',') && parts[5] == "GMT" && parts[4].len() == 8)
        .then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_target("http://127.0.0.1:8080/status/429?retry_after=3").unwrap();
        assert_eq!(
            (
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            (
                "127.0.0.1",
                8080,
                "127.0.0.1:8080",
                "/status/429?retry_after=3"
            )
        );
        let t = parse_target("http://example.com").unwrap();
        assert_eq!(
            (t.port, t.authority.as_str(), t.path.as_str()),
            (80, "example.com", "/")
        );
        assert_eq!(
            parse_target("https://example.com/"),
            Err(ProbeError::UnsupportedScheme("https".into()))
        );
        assert!(matches!(
            parse_target("not a url"),
            Err(ProbeError::BadUrl(..))
        ));
        let t = parse_target("http://[::1]:9000/x").unwrap();
        assert_eq!(
            (t.host.as_str(), t.authority.as_str()),
            ("::1", "[::1]:9000")
        );
    }

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            ProbeRequest::parse_header("Accept: text/html").unwrap(),
            ("Accept".into(), "text/html".into())
        );
        assert!(ProbeRequest::parse_header("no colon").is_err());
        assert!(ProbeRequest::parse_header("Bad Name: x").is_err());
        assert!(ProbeRequest::parse_header("X: a\r\nInjected: 1").is_err());
        assert!(ProbeRequest::check_method("GET").is_ok());
        assert!(ProbeRequest::check_method("GET /").is_err());
    }

    #[test]
    fn dates() {
        assert!(httpdate_like("Sun, 06 Nov 1994 08:49:37 GMT").is_some());
        assert!(httpdate_like("tomorrow").is_none());
    }
}
