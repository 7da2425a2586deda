//! The server's side of HTTP/1.1 responses as pure functions: how a final head is framed, whether the
//! connection survives it, which fields the server owns, and the bytes of the heads the server writes on its
//! own (`100 Continue`, `101 Switching Protocols`, the answers sent without a handler). No sockets, no clocks:
//! the caller passes the `Date` value in.

use crate::headers::Headers;
use crate::request::Version;
use crate::response::{encode_field, encode_status_line};

/// What the server knows about the request and the connection when it writes a final head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseContext {
    /// The request's HTTP version: 1.0 clients get no chunked coding and need `Connection: keep-alive`.
    pub version: Version,
    /// Whether the client asked to keep the connection open (RFC 9112 section 9.3).
    pub client_keep_alive: bool,
    /// The request was HEAD: the head describes a body that is not sent.
    pub head_request: bool,
    /// The server is shutting down: every connection closes after its current response.
    pub stopping: bool,
    /// Part of the request body is still unread and cannot be skipped: a client that sent
    /// `Expect: 100-continue` and got no `100 Continue` may never send it, so the next request cannot be found.
    pub unread_body_blocks_reuse: bool,
}

/// How the handler delivers the final body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// All at once, with this many bytes.
    Whole(u64),
    /// In pieces whose total is not known in advance.
    Streamed,
}

/// How the final body is delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length: n`.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// No framing field: the body ends when the connection closes (a streamed body to an HTTP/1.0 client).
    UntilClose,
    /// No framing field and no body (204 and 304, RFC 9110 sections 8.6 and 15.4.5).
    None,
}

/// The server's decisions for one final head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalHeadPlan {
    /// How the body is delimited.
    pub framing: Framing,
    /// Whether the connection carries another request after this response.
    pub keep_alive: bool,
    /// Whether body bytes follow the head (false for HEAD, 1xx, 204 and 304).
    pub sends_body: bool,
}

/// 1xx, 204 and 304 never carry a body (RFC 9110 sections 15.2, 15.3.5, 15.4.5).
pub fn status_has_no_body(status: u16) -> bool {
    matches!(status, 100..=199 | 204 | 304)
}

/// Decides the framing and the connection's fate for a final response.
pub fn plan_final_head(context: &ResponseContext, status: u16, body: BodyKind) -> FinalHeadPlan {
    let framing = match body {
        // A 204 or 304 has no body, and a Content-Length on it would describe the selected representation.
        BodyKind::Whole(_) if matches!(status, 204 | 304) => Framing::None,
        BodyKind::Whole(length) => Framing::Length(length),
        BodyKind::Streamed if status_has_no_body(status) => Framing::None,
        BodyKind::Streamed if context.version == Version::Http11 => Framing::Chunked,
        BodyKind::Streamed => Framing::UntilClose,
    };
    let keep_alive = context.client_keep_alive
        && !context.stopping
        && !context.unread_body_blocks_reuse
        && framing != Framing::UntilClose;
    FinalHeadPlan {
        framing,
        keep_alive,
        sends_body: !context.head_request && !status_has_no_body(status),
    }
}

/// Fields the server writes itself; a handler's copies are dropped from a final head.
pub fn is_server_owned(name: &str) -> bool {
    ["date", "content-length", "transfer-encoding", "keep-alive"]
        .iter()
        .any(|owned| name.eq_ignore_ascii_case(owned))
}

/// Whether a handler's fields ask to close the connection after the response (`Connection: close`): the
/// engine then plans the response as closing, so the head and the connection agree.
pub fn asks_to_close(headers: &Headers) -> bool {
    headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("connection")
            && value
                .split(|b| *b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"))
    })
}

/// Appends a final head: status line, `Date`, the handler's fields less those the server owns, the framing
/// field, and `Connection` (the handler's tokens with `close` or `keep-alive` added as the plan requires).
pub fn encode_final_head(
    status: u16,
    reason: &str,
    date: &[u8],
    headers: &Headers,
    version: Version,
    plan: &FinalHeadPlan,
    dst: &mut Vec<u8>,
) {
    encode_status_line(status, reason, dst);
    encode_field("Date", date, dst);
    let mut connection: Vec<u8> = Vec::new();
    for (name, value) in headers.iter() {
        if name.eq_ignore_ascii_case("connection") {
            // `close` and `keep-alive` are the plan's to say, once; the handler's other tokens stay.
            for token in value.split(|b| *b == b',') {
                let token = token.trim_ascii();
                if token.is_empty()
                    || token.eq_ignore_ascii_case(b"close")
                    || token.eq_ignore_ascii_case(b"keep-alive")
                {
                    continue;
                }
                if !connection.is_empty() {
                    connection.extend_from_slice(b", ");
                }
                connection.extend_from_slice(token);
            }
        } else if !is_server_owned(name) {
            encode_field(name, value, dst);
        }
    }
    match plan.framing {
        Framing::Length(length) => {
            let mut digits = [0; 20];
            encode_field("Content-Length", decimal(length, &mut digits), dst);
        }
        Framing::Chunked => encode_field("Transfer-Encoding", b"chunked", dst),
        Framing::UntilClose | Framing::None => {}
    }
    let token: &[u8] = match (plan.keep_alive, version) {
        (false, _) => b"close",
        (true, Version::Http10) => b"keep-alive",
        (true, Version::Http11) => b"",
    };
    if !token.is_empty() {
        if !connection.is_empty() {
            connection.extend_from_slice(b", ");
        }
        connection.extend_from_slice(token);
    }
    if !connection.is_empty() {
        encode_field("Connection", &connection, dst);
    }
    dst.extend_from_slice(b"\r\n");
}

/// Appends an interim (1xx) head with its fields.
pub fn encode_interim_head(status: u16, reason: &str, headers: &Headers, dst: &mut Vec<u8>) {
    debug_assert!((100..200).contains(&status) && status != 101);
    encode_status_line(status, reason, dst);
    headers.encode(dst);
    dst.extend_from_slice(b"\r\n");
}

/// The `100 Continue` that tells a client waiting on `Expect: 100-continue` to send its body.
pub const CONTINUE_HEAD: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// Appends `101 Switching Protocols` with `Date`, the fields naming the new protocol, and `Connection: Upgrade`.
pub fn encode_switching_protocols(date: &[u8], headers: &Headers, dst: &mut Vec<u8>) {
    encode_status_line(101, crate::reason_phrase(101), dst);
    encode_field("Date", date, dst);
    for (name, value) in headers.iter() {
        if !name.eq_ignore_ascii_case("connection") && !is_server_owned(name) {
            encode_field(name, value, dst);
        }
    }
    encode_field("Connection", b"Upgrade", dst);
    dst.extend_from_slice(b"\r\n");
}

/// Appends a whole plain-text response that closes the connection: what the server sends without a handler
/// (a client over the connection limit, plain HTTP on the TLS port). `extra` fields go before the framing.
pub fn encode_closing_text_response(
    status: u16,
    reason: &str,
    date: &[u8],
    extra: &[(&str, &[u8])],
    body: &str,
    dst: &mut Vec<u8>,
) {
    encode_status_line(status, reason, dst);
    encode_field("Date", date, dst);
    encode_field("Content-Type", b"text/plain; charset=utf-8", dst);
    for (name, value) in extra {
        encode_field(name, value, dst);
    }
    let mut digits = [0; 20];
    encode_field(
        "Content-Length",
        decimal(body.len() as u64, &mut digits),
        dst,
    );
    encode_field("Connection", b"close", dst);
    dst.extend_from_slice(b"\r\n");
    dst.extend_from_slice(body.as_bytes());
}

/// `n` in decimal, written into `digits` without allocating.
fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[start..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &[u8] = b"Sun, 06 Nov 1994 08:49:37 GMT";

    fn context(version: Version) -> ResponseContext {
        ResponseContext {
            version,
            client_keep_alive: true,
            head_request: false,
            stopping: false,
            unread_body_blocks_reuse: false,
        }
    }

    /// One row: the request side, the response, and the plan the server must make.
    struct Case {
        name: &'static str,
        context: ResponseContext,
        status: u16,
        body: BodyKind,
        framing: Framing,
        keep_alive: bool,
        sends_body: bool,
    }

    #[test]
    fn final_head_plans() {
        let v11 = context(Version::Http11);
        let v10 = context(Version::Http10);
        let head = ResponseContext {
            head_request: true,
            ..v11
        };
        let closing = ResponseContext {
            client_keep_alive: false,
            ..v11
        };
        let stopping = ResponseContext {
            stopping: true,
            ..v11
        };
        let blocked = ResponseContext {
            unread_body_blocks_reuse: true,
            ..v11
        };
        #[rustfmt::skip]
        let cases = [
            Case { name: "whole 200", context: v11, status: 200, body: BodyKind::Whole(5), framing: Framing::Length(5), keep_alive: true, sends_body: true },
            Case { name: "empty 200", context: v11, status: 200, body: BodyKind::Whole(0), framing: Framing::Length(0), keep_alive: true, sends_body: true },
            Case { name: "HEAD keeps the length", context: head, status: 200, body: BodyKind::Whole(5), framing: Framing::Length(5), keep_alive: true, sends_body: false },
            Case { name: "204 has no length", context: v11, status: 204, body: BodyKind::Whole(0), framing: Framing::None, keep_alive: true, sends_body: false },
            Case { name: "304 has no length", context: v11, status: 304, body: BodyKind::Whole(9), framing: Framing::None, keep_alive: true, sends_body: false },
            Case { name: "streamed 1.1 is chunked", context: v11, status: 200, body: BodyKind::Streamed, framing: Framing::Chunked, keep_alive: true, sends_body: true },
            Case { name: "streamed 1.0 ends at close", context: v10, status: 200, body: BodyKind::Streamed, framing: Framing::UntilClose, keep_alive: false, sends_body: true },
            Case { name: "streamed 204", context: v11, status: 204, body: BodyKind::Streamed, framing: Framing::None, keep_alive: true, sends_body: false },
            Case { name: "HEAD of a stream", context: head, status: 200, body: BodyKind::Streamed, framing: Framing::Chunked, keep_alive: true, sends_body: false },
            Case { name: "client asked to close", context: closing, status: 200, body: BodyKind::Whole(1), framing: Framing::Length(1), keep_alive: false, sends_body: true },
            Case { name: "shutting down", context: stopping, status: 200, body: BodyKind::Whole(1), framing: Framing::Length(1), keep_alive: false, sends_body: true },
            Case { name: "unread body after an unanswered expectation", context: blocked, status: 417, body: BodyKind::Whole(1), framing: Framing::Length(1), keep_alive: false, sends_body: true },
            Case { name: "1.0 whole keeps alive", context: v10, status: 200, body: BodyKind::Whole(2), framing: Framing::Length(2), keep_alive: true, sends_body: true },
        ];
        for case in cases {
            let plan = plan_final_head(&case.context, case.status, case.body);
            assert_eq!(
                plan,
                FinalHeadPlan {
                    framing: case.framing,
                    keep_alive: case.keep_alive,
                    sends_body: case.sends_body
                },
                "{}",
                case.name
            );
        }
    }

    fn encoded(headers: &Headers, version: Version, plan: FinalHeadPlan) -> String {
        let mut out = Vec::new();
        encode_final_head(200, "OK", DATE, headers, version, &plan, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn final_heads_byte_for_byte() {
        let mut headers = Headers::new();
        headers.append("Content-Type", "text/plain").unwrap();
        headers.append("Content-Length", "999").unwrap();
        headers.append("Date", "yesterday").unwrap();
        headers.append("Transfer-Encoding", "gzip").unwrap();
        headers.append("Keep-Alive", "timeout=5").unwrap();
        let plan = |framing, keep_alive| FinalHeadPlan {
            framing,
            keep_alive,
            sends_body: true,
        };
        let date = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
        #[rustfmt::skip]
        let rows = [
            (Version::Http11, plan(Framing::Length(3), true), "Content-Length: 3\r\n"),
            (Version::Http11, plan(Framing::Length(3), false), "Content-Length: 3\r\nConnection: close\r\n"),
            (Version::Http10, plan(Framing::Length(3), true), "Content-Length: 3\r\nConnection: keep-alive\r\n"),
            (Version::Http11, plan(Framing::Chunked, true), "Transfer-Encoding: chunked\r\n"),
            (Version::Http10, plan(Framing::UntilClose, false), "Connection: close\r\n"),
            (Version::Http11, plan(Framing::None, true), ""),
        ];
        for (version, plan, tail) in rows {
            let expected =
                format!("HTTP/1.1 200 OK\r\n{date}Content-Type: text/plain\r\n{tail}\r\n");
            assert_eq!(encoded(&headers, version, plan), expected, "{plan:?}");
        }
    }

    #[test]
    fn handler_connection_tokens_are_merged() {
        let mut headers = Headers::new();
        headers.append("Connection", "Upgrade").unwrap();
        headers.append("Upgrade", "websocket").unwrap();
        let plan = FinalHeadPlan {
            framing: Framing::Length(0),
            keep_alive: false,
            sends_body: true,
        };
        let text = encoded(&headers, Version::Http11, plan);
        assert!(text.contains("Upgrade: websocket\r\n"), "{text}");
        assert!(text.contains("Connection: Upgrade, close\r\n"), "{text}");
        assert_eq!(text.matches("Connection:").count(), 1, "{text}");
    }

    #[test]
    fn close_and_keep_alive_are_said_once_by_the_plan() {
        let closing = FinalHeadPlan {
            framing: Framing::Length(0),
            keep_alive: false,
            sends_body: true,
        };
        let keeping = FinalHeadPlan {
            keep_alive: true,
            ..closing
        };
        for (value, version, plan, line) in [
            (
                "close",
                Version::Http11,
                closing,
                Some("Connection: close\r\n"),
            ),
            (
                "Close, Upgrade",
                Version::Http11,
                closing,
                Some("Connection: Upgrade, close\r\n"),
            ),
            ("keep-alive", Version::Http11, keeping, None),
            (
                "keep-alive",
                Version::Http10,
                keeping,
                Some("Connection: keep-alive\r\n"),
            ),
            (
                "close",
                Version::Http10,
                closing,
                Some("Connection: close\r\n"),
            ),
        ] {
            let mut headers = Headers::new();
            headers.append("Connection", value).unwrap();
            let text = encoded(&headers, version, plan);
            match line {
                Some(line) => {
                    assert!(text.contains(line), "{value}: {text}");
                    assert_eq!(text.matches("Connection:").count(), 1, "{value}: {text}");
                }
                None => assert!(!text.contains("Connection:"), "{value}: {text}"),
            }
        }
        let mut asks = Headers::new();
        asks.append("Connection", "Upgrade, close").unwrap();
        assert!(asks_to_close(&asks));
        assert!(!asks_to_close(&Headers::new()));
    }

    #[test]
    fn interim_continue_and_switch_heads() {
        let mut headers = Headers::new();
        headers.append("Link", "</a.css>; rel=preload").unwrap();
        let mut out = Vec::new();
        encode_interim_head(103, "Early Hints", &headers, &mut out);
        assert_eq!(
            out,
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        );
        assert_eq!(CONTINUE_HEAD, b"HTTP/1.1 100 Continue\r\n\r\n");

        let mut headers = Headers::new();
        headers.append("Upgrade", "websocket").unwrap();
        headers.append("Connection", "keep-alive").unwrap();
        let mut out = Vec::new();
        encode_switching_protocols(DATE, &headers, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 101 Switching Protocols\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        );
    }

    #[test]
    fn closing_text_responses() {
        let mut out = Vec::new();
        encode_closing_text_response(
            503,
            "Service Unavailable",
            DATE,
            &[("Retry-After", b"1")],
            "busy\n",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 503 Service Unavailable\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Content-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nContent-Length: 5\r\n\
             Connection: close\r\n\r\nbusy\n"
        );
    }

    #[test]
    fn decimal_writes_every_magnitude() {
        for n in [0, 7, 10, 183, 65_535, 1 << 40, u64::MAX] {
            let mut digits = [0; 20];
            assert_eq!(decimal(n, &mut digits), n.to_string().as_bytes());
        }
    }
}
