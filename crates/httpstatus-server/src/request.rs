//! The request as every handler sees it, whatever the protocol it came over.

use httpstatus_wire::{Headers, split_target};

/// The protocol a request arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// HTTP/1.0: no interim responses (RFC 9110 section 15.2), no chunked coding.
    Http10,
    /// HTTP/1.1 (RFC 9112).
    Http11,
    /// HTTP/2 (RFC 9113), over TLS by ALPN or in cleartext with prior knowledge (h2c).
    Http2,
}

impl Protocol {
    /// The version as curl and access logs write it: `HTTP/1.0`, `HTTP/1.1`, `HTTP/2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http10 => "HTTP/1.0",
            Protocol::Http11 => "HTTP/1.1",
            Protocol::Http2 => "HTTP/2",
        }
    }

    /// Whether interim (1xx) responses can reach a client speaking this protocol.
    pub fn has_interim_responses(self) -> bool {
        self != Protocol::Http10
    }
}

/// One request head: method, target, fields, and the facts the exchange decided from them.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method token exactly as sent (methods are case-sensitive).
    pub method: String,
    /// The target as sent: origin-form for most requests, absolute-form or authority-form over HTTP/1.1,
    /// the `:path` over HTTP/2 (the authority-form `:authority` for CONNECT).
    pub target: String,
    /// The protocol it came over.
    pub version: Protocol,
    /// Whether it came over TLS.
    pub secure: bool,
    /// The fields. Over HTTP/2, `Host` is filled in from `:authority` when the client sent no `Host`, and
    /// split `Cookie` fields are joined (RFC 9113 sections 8.3.1 and 8.2.3), so handlers see one shape.
    pub headers: Headers,
    /// Whether the client sent `Expect: 100-continue` and waits for a `100 Continue` before its body.
    pub expect_continue: bool,
    /// Whether the client asks to switch protocols (HTTP/1.1 `Connection: upgrade` with `Upgrade`); never over
    /// HTTP/2, which has no `101` (RFC 9113 section 8.6).
    pub wants_upgrade: bool,
}

impl Request {
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        split_target(&self.target).0
    }

    /// The query string without `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        split_target(&self.target).1
    }

    /// Whether the client asks to switch protocols.
    pub fn wants_upgrade(&self) -> bool {
        self.wants_upgrade
    }
}
