//! The record of a probe: every response head, the final response's body, the TLS session and certificate
//! chain, the measured timings, the redirect that was followed, and the warnings. Serialised, it is the JSON
//! that `httpstatus probe --json` prints.

use std::time::{Duration, Instant};

use serde::Serialize;

/// One response head as received.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseRecord {
    pub status: u16,
    /// The reason phrase (always empty over HTTP/2, which has none).
    pub reason: String,
    pub interim: bool,
    pub headers: Vec<(String, String)>,
    /// Milliseconds from the request being sent to this head being received.
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

/// The final response's body and headline timings.
#[derive(Debug, Clone, Serialize)]
pub struct FinalRecord {
    pub status: u16,
    /// Body bytes after removing the transfer coding.
    pub body_bytes: u64,
    /// `none`, `content-length`, `chunked`, `close-delimited`, `switched-protocols` or `h2-data`.
    pub framing: &'static str,
    /// Milliseconds from the request being sent to the first byte of any response (an interim one counts).
    pub ttfb_ms: f64,
    /// Milliseconds from the request being sent to the final response's head.
    pub ttfb_final_ms: f64,
    /// Milliseconds from the start (before name resolution) to the end of the final response.
    pub total_ms: f64,
}

/// The measured phases of one exchange, in milliseconds. Each phase starts where the one before ended, so
/// they add up to `total_ms`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Resolving the host name.
    pub dns_ms: f64,
    /// The TCP handshake.
    pub connect_ms: f64,
    /// The TLS handshake (0 over cleartext).
    pub tls_ms: f64,
    /// Writing the request head and body (over HTTP/2 also the connection preface).
    pub send_ms: f64,
    /// From the request being sent to the first byte of any response: the server's think time.
    pub wait_ms: f64,
    /// From the first byte to the final response's head: the time spent in interim responses (0 without).
    pub interim_ms: f64,
    /// From the final head to the end of the body.
    pub body_ms: f64,
    pub total_ms: f64,
}

/// The moments of one exchange, kept as instants and turned into [`Timings`] at the end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub start: Instant,
    pub resolved: Option<Instant>,
    pub connected: Option<Instant>,
    pub secured: Option<Instant>,
    pub sent: Option<Instant>,
    pub first_byte: Option<Instant>,
    pub final_head: Option<Instant>,
    pub done: Option<Instant>,
}

pub(crate) fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

impl Clock {
    pub fn new() -> Clock {
        Clock {
            start: Instant::now(),
            resolved: None,
            connected: None,
            secured: None,
            sent: None,
            first_byte: None,
            final_head: None,
            done: None,
        }
    }

    /// Milliseconds since the request was sent (or since the start, before that).
    pub fn since_sent(&self, at: Instant) -> f64 {
        millis(at.saturating_duration_since(self.sent.unwrap_or(self.start)))
    }

    /// The phases, when the exchange got as far as a complete final response.
    pub fn timings(&self) -> Option<Timings> {
        let resolved = self.resolved?;
        let connected = self.connected?;
        let secured = self.secured.unwrap_or(connected);
        let sent = self.sent?;
        let first = self.first_byte?;
        let final_head = self.final_head?;
        let done = self.done?;
        let span = |a: Instant, b: Instant| millis(b.saturating_duration_since(a));
        Some(Timings {
            dns_ms: span(self.start, resolved),
            connect_ms: span(resolved, connected),
            tls_ms: span(connected, secured),
            send_ms: span(secured, sent),
            wait_ms: span(sent, first),
            interim_ms: span(first, final_head),
            body_ms: span(final_head, done),
            total_ms: span(self.start, done),
        })
    }
}

/// One certificate of the chain the server sent.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRecord {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses from the subjectAltName extension.
    pub sans: Vec<String>,
    /// RFC 3339 UTC.
    pub not_before: String,
    pub not_after: String,
    /// Whole days until `not_after`; negative once expired.
    pub days_left: i64,
    /// `RSA 2048`, `EC P-256`, `Ed25519`...
    pub key: String,
    pub self_signed: bool,
}

/// The TLS session and what the probe made of the server's certificate.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TlsRecord {
    /// `TLSv1.3` or `TLSv1.2`; empty when the handshake failed.
    pub version: String,
    pub cipher_suite: String,
    /// The protocol the server chose by ALPN (`h2`, `http/1.1`), or null when it chose none.
    pub alpn: Option<String>,
    /// The server name sent in the handshake; null for an IP address, which is never sent.
    pub sni: Option<String>,
    /// Leaf first, as the server sent it.
    pub chain: Vec<CertificateRecord>,
    /// Whether the chain verified against the trust store for this host name.
    pub verified: bool,
    /// The verification result in words: `valid`, `expired 3 days ago`, `name mismatch: ...`.
    pub verdict: String,
    /// Where the trust came from: `platform store (N certificates)` or the CA file.
    pub trust: String,
}

/// A warning, with the page that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub message: String,
    /// A path on the web site (`/429`, or a guide); `httpstatus 429` shows the same page in a terminal.
    pub page: String,
}

/// The redirect this exchange led to, when `-L` followed it.
#[derive(Debug, Clone, Serialize)]
pub struct RedirectRecord {
    pub status: u16,
    /// The next URL, resolved against this one.
    pub location: String,
    /// The method of the next request.
    pub method: String,
    /// What the redirect means for the next request, in words.
    pub note: String,
}

/// Everything one exchange saw.
#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    pub method: String,
    pub url: String,
    /// `HTTP/1.1` or `HTTP/2`; empty when no connection was made.
    pub protocol: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body_bytes: usize,
    /// The TLS session, for https:// URLs that got as far as a handshake.
    pub tls: Option<TlsRecord>,
    /// Interim responses in order, then the final one.
    pub responses: Vec<ResponseRecord>,
    #[serde(rename = "final")]
    pub final_response: Option<FinalRecord>,
    /// Present when a final response arrived complete.
    pub timings: Option<Timings>,
    /// The redirect followed from here (earlier hops only).
    pub redirect: Option<RedirectRecord>,
    /// Earlier hops when redirects were followed, first request first; this object is the last hop.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<Transcript>,
    pub warnings: Vec<Warning>,
    /// What went wrong, when the exchange did not complete.
    pub error: Option<String>,
    /// Body bytes that arrived after a response that cannot have a body (204, 304, a HEAD).
    #[serde(skip)]
    pub stray_body_bytes: usize,
}

impl Transcript {
    pub(crate) fn new(method: &str, url: String) -> Transcript {
        Transcript {
            method: method.to_owned(),
            url,
            protocol: String::new(),
            request_headers: Vec::new(),
            request_body_bytes: 0,
            tls: None,
            responses: Vec::new(),
            final_response: None,
            timings: None,
            redirect: None,
            hops: Vec::new(),
            warnings: Vec::new(),
            error: None,
            stray_body_bytes: 0,
        }
    }

    /// The final response head, when one arrived.
    pub fn final_head(&self) -> Option<&ResponseRecord> {
        self.responses.last().filter(|r| !r.interim)
    }
}
