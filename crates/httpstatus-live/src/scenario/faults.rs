//! `/scenario/fault/{kind}`: responses broken on purpose, for testing how a client survives them. These are
//! the only places the server breaks the protocol, and only because the URL asks: a connection reset before
//! the head, after it or in the middle of the body; a connection closed in the middle of the body; a head
//! followed by silence; a body trickled a few bytes at a time; a `Content-Length` longer than the body; a
//! chunked body cut short; trailers; an interim response after the final one; an invalid status line.
//!
//! Each fault hurts only the connection (HTTP/1.1) or the stream (HTTP/2) it was asked on. Some cannot exist
//! in HTTP/2, whose frames the `h2` crate writes: asked over HTTP/2 they get a 400 that says which faults
//! HTTP/2 has and how to ask over HTTP/1.1.

use std::time::Duration;

use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::time::{Instant, sleep};

use super::{Params, bad_request, method_not_allowed, problem, send};
use httpstatus_server::{Exchange, ExchangeError, Fault, Protocol, Response};
use httpstatus_wire::Headers;

/// Every fault: its name, whether HTTP/2 has it, and what a client sees.
pub const FAULTS: &[(&str, bool, &str)] = &[
    (
        "reset-before-head",
        true,
        "the connection is reset (HTTP/2: the stream, RST_STREAM INTERNAL_ERROR) before any response",
    ),
    (
        "reset-after-head",
        true,
        "a 200 head announcing 4096 bytes, then a reset",
    ),
    (
        "reset-mid-body",
        true,
        "a 200 head announcing 4096 bytes, 2048 of them, then a reset",
    ),
    (
        "close-mid-body",
        false,
        "a 200 head announcing 4096 bytes, 2048 of them, then the connection is closed (FIN)",
    ),
    (
        "hang-after-head",
        true,
        "a 200 head, then nothing for ?seconds=S (default 30, at most 300), then a close or reset",
    ),
    (
        "trickle",
        true,
        "a complete 200 whose ?bytes=N (default 1024) arrive at ?rate=R bytes per second (default 64)",
    ),
    (
        "short-body",
        true,
        "Content-Length: 4096 with 2048 bytes: HTTP/1.1 then waits ?seconds=S (default 10) and closes; \
         HTTP/2 ends the stream, a malformed message",
    ),
    (
        "truncated-chunked",
        false,
        "a chunked body that stops in the middle of a chunk, then the connection closes",
    ),
    (
        "trailers",
        true,
        "a streamed 200 whose trailer fields carry the body's length and SHA-256",
    ),
    (
        "interim-after-final",
        false,
        "a complete 200, then a stray 103 Early Hints on the same connection",
    ),
    (
        "bad-status-line",
        false,
        "a status line no HTTP/1.1 parser should accept: ?variant=four-digit (default), two-digit, letters, \
         no-version, lowercase-version or garbage",
    ),
];

/// Body bytes a truncated response announces, and how many of them it sends.
const ANNOUNCED: u64 = 4096;
const SENT: usize = 2048;
/// Longest silence and longest trickle, in seconds.
pub const MAX_SECONDS: u64 = 300;
/// Largest trickled body, and fastest rate in bytes per second.
pub const MAX_TRICKLE_BYTES: u64 = 1024 * 1024;
pub const MAX_RATE: u64 = 1024 * 1024;
/// How long a fault waits after sending before it resets, so the bytes reach the client first: a reset
/// throws away whatever is still queued.
const BEFORE_RESET: Duration = Duration::from_millis(200);

/// The invalid status lines of `bad-status-line`.
const BAD_STATUS_LINES: &[(&str, &str)] = &[
    ("four-digit", "HTTP/1.1 2000 OK"),
    ("two-digit", "HTTP/1.1 20 OK"),
    ("letters", "HTTP/1.1 OK 200"),
    ("no-version", "200 OK"),
    ("lowercase-version", "http/1.1 200 OK"),
    ("garbage", "this is not an HTTP response"),
];

/// `count` bytes of readable filler: numbered lines, so a client can see where a body stopped.
fn filler(count: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(count + 32);
    let mut line = 0u32;
    while body.len() < count {
        body.extend_from_slice(format!("httpstatus fault body, line {line:05}\n").as_bytes());
        line += 1;
    }
    body.truncate(count);
    body
}

fn text_headers(fault: &str) -> Result<Headers, ExchangeError> {
    let mut headers = Headers::new();
    headers.append("Content-Type", "text/plain; charset=utf-8")?;
    headers.append("Cache-Control", "no-store")?;
    headers.append("X-Httpstatus-Fault", fault)?;
    Ok(headers)
}

/// Answers `/scenario/fault` (the list) and `/scenario/fault/{kind}`.
pub async fn handle(ex: &mut Exchange<'_>, segments: &[&str]) -> Result<(), ExchangeError> {
    let method = ex.request().method.clone();
    if !matches!(method.as_str(), "GET" | "HEAD" | "POST") {
        return send(ex, method_not_allowed(&method, "GET, HEAD, POST")).await;
    }
    let Some(&kind) = segments.first().filter(|k| !k.is_empty()) else {
        return send(ex, list()).await;
    };
    let Some(&(_, on_h2, _)) = FAULTS.iter().find(|(name, _, _)| *name == kind) else {
        let detail = format!("there is no fault {kind:?}; the faults are {}", names());
        return send(ex, problem(404, &detail, json!({}))).await;
    };
    if segments.len() > 1 {
        let detail = format!("use /scenario/fault/{kind}, with nothing after the fault's name");
        return send(ex, bad_request(&detail)).await;
    }
    let allowed: &[&str] = match kind {
        "hang-after-head" | "short-body" => &["seconds"],
        "trickle" => &["bytes", "rate"],
        "bad-status-line" => &["variant"],
        _ => &[],
    };
    let params = match Params::parse(ex.request().query(), allowed) {
        Ok(params) => params,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let http2 = ex.protocol() == Protocol::Http2;
    if http2 && !on_h2 {
        let detail = format!(
            "the fault {kind} exists only in HTTP/1.1, whose bytes this server writes itself; HTTP/2 frames \
             cannot carry it. Ask over HTTP/1.1 (curl --http1.1), or use one of the faults HTTP/2 has: {}",
            h2_names()
        );
        return send(ex, bad_request(&detail)).await;
    }
    // A fault answers once the request is in: read (and drop) a body the client sends first.
    let _ = ex.read_body().await?;
    match kind {
        "reset-before-head" => ex.fault(Fault::Reset).await,
        "reset-after-head" => truncated(ex, kind, 0, Fault::Reset).await,
        "reset-mid-body" => truncated(ex, kind, SENT, Fault::Reset).await,
        "close-mid-body" => truncated(ex, kind, SENT, Fault::Close).await,
        "hang-after-head" => {
            let seconds = match params.integer("seconds", 1, MAX_SECONDS, 30, "seconds") {
                Ok(seconds) => seconds,
                Err(message) => return send(ex, bad_request(&message)).await,
            };
            hang_after_head(ex, kind, seconds).await
        }
        "trickle" => {
            let parsed = params
                .integer("bytes", 1, MAX_TRICKLE_BYTES, 1024, "bytes")
                .and_then(|bytes| Ok((bytes, params.integer("rate", 1, MAX_RATE, 64, "bytes per second")?)))
                .and_then(|(bytes, rate)| {
                    if bytes.div_ceil(rate) > MAX_SECONDS {
                        Err(format!(
                            "{bytes} bytes at {rate} bytes per second would take over {MAX_SECONDS} s; raise \
                             rate or lower bytes"
                        ))
                    } else {
                        Ok((bytes, rate))
                    }
                });
            match parsed {
                Ok((bytes, rate)) => trickle(ex, kind, bytes, rate).await,
                Err(message) => send(ex, bad_request(&message)).await,
            }
        }
        "short-body" => {
            let seconds = match params.integer("seconds", 1, MAX_SECONDS, 10, "seconds") {
                Ok(seconds) => seconds,
                Err(message) => return send(ex, bad_request(&message)).await,
            };
            short_body(ex, kind, seconds).await
        }
        "truncated-chunked" => truncated_chunked(ex).await,
        "trailers" => trailers(ex, kind).await,
        "interim-after-final" => interim_after_final(ex).await,
        _ => {
            let variant = params.get("variant").unwrap_or("four-digit");
            match BAD_STATUS_LINES.iter().find(|(name, _)| *name == variant) {
                Some((_, line)) => bad_status_line(ex, line).await,
                None => {
                    let valid: Vec<&str> = BAD_STATUS_LINES.iter().map(|(name, _)| *name).collect();
                    let detail = format!("variant is one of {}; got {variant:?}", valid.join(", "));
                    send(ex, bad_request(&detail)).await
                }
            }
        }
    }
}

fn names() -> String {
    FAULTS
        .iter()
        .map(|(name, _, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn h2_names() -> String {
    FAULTS
        .iter()
        .filter(|(_, on_h2, _)| *on_h2)
        .map(|(name, _, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `/scenario/fault`: every fault, what it does, and whether HTTP/2 has it.
fn list() -> Response {
    let faults: Vec<_> = FAULTS
        .iter()
        .map(|(name, on_h2, what)| {
            json!({"url": format!("/scenario/fault/{name}"), "http2": on_h2, "does": what})
        })
        .collect();
    super::json_response(200, &json!({ "faults": faults }))
}

/// Sends a 200 head announcing `length` body bytes with the fault's name in `X-Httpstatus-Fault`.
async fn announce(ex: &mut Exchange<'_>, kind: &str, length: u64) -> Result<(), ExchangeError> {
    let headers = text_headers(kind)?;
    ex.start_with_length(200, httpstatus_catalog::phrase(200), &headers, length)
        .await
}

/// A 200 announcing [`ANNOUNCED`] bytes, `sent` of them, then `fault`.
async fn truncated(
    ex: &mut Exchange<'_>,
    kind: &str,
    sent: usize,
    fault: Fault,
) -> Result<(), ExchangeError> {
    announce(ex, kind, ANNOUNCED).await?;
    if sent > 0 {
        ex.send_chunk(&filler(sent)).await?;
    }
    if fault == Fault::Reset {
        sleep(BEFORE_RESET).await;
    }
    ex.fault(fault).await
}

/// A head announcing a body, then silence until `seconds` pass or the client leaves; then HTTP/1.1 closes
/// and HTTP/2 resets the stream.
async fn hang_after_head(
    ex: &mut Exchange<'_>,
    kind: &str,
    seconds: u64,
) -> Result<(), ExchangeError> {
    announce(ex, kind, ANNOUNCED).await?;
    tokio::select! {
        _ = sleep(Duration::from_secs(seconds)) => {}
        _ = ex.client_gone() => {}
    }
    end_broken(ex).await
}

/// Ends a broken response the way its protocol can: a FIN over HTTP/1.x, a stream reset over HTTP/2.
async fn end_broken(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    if ex.protocol() == Protocol::Http2 {
        ex.fault(Fault::Reset).await
    } else {
        ex.fault(Fault::Close).await
    }
}

/// A complete, correct 200 whose body goes out at `rate` bytes per second.
async fn trickle(
    ex: &mut Exchange<'_>,
    kind: &str,
    bytes: u64,
    rate: u64,
) -> Result<(), ExchangeError> {
    let body = filler(bytes as usize);
    // A declared length that matches the body: the response is correct, only slow.
    announce(ex, kind, bytes).await?;
    let started = Instant::now();
    let mut sent = 0usize;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while sent < body.len() {
        tick.tick().await;
        let due = (started.elapsed().as_secs_f64() * rate as f64) as usize;
        let until = due.clamp(sent, body.len());
        if until > sent {
            ex.send_chunk(&body[sent..until]).await?;
            sent = until;
        }
    }
    ex.finish().await
}

/// `Content-Length` longer than the body. HTTP/1.1 keeps the connection open, as a server with a wrong length
/// does, so the client waits for bytes that never come, then closes; HTTP/2 ends the stream with the body
/// short, which RFC 9113 section 8.1.1 calls malformed.
async fn short_body(ex: &mut Exchange<'_>, kind: &str, seconds: u64) -> Result<(), ExchangeError> {
    announce(ex, kind, ANNOUNCED).await?;
    ex.send_chunk(&filler(SENT)).await?;
    if ex.protocol() == Protocol::Http2 {
        return ex.finish().await;
    }
    tokio::select! {
        _ = sleep(Duration::from_secs(seconds)) => {}
        _ = ex.client_gone() => {}
    }
    ex.fault(Fault::Close).await
}

/// A chunked 200 that announces a 1000-byte chunk, sends 100 bytes of it, and closes the connection.
async fn truncated_chunked(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\
        Cache-Control: no-store\r\nX-Httpstatus-Fault: truncated-chunked\r\nConnection: close\r\n\r\n"
        .to_vec();
    let first = filler(400);
    raw.extend_from_slice(format!("{:x}\r\n", first.len()).as_bytes());
    raw.extend_from_slice(&first);
    raw.extend_from_slice(b"\r\n3e8\r\n");
    raw.extend_from_slice(&filler(100));
    ex.write_raw(&raw).await?;
    ex.fault(Fault::Close).await
}

/// A streamed 200 whose trailer fields carry the body's length and SHA-256.
async fn trailers(ex: &mut Exchange<'_>, kind: &str) -> Result<(), ExchangeError> {
    let mut headers = text_headers(kind)?;
    headers.append("Trailer", "X-Body-Length, X-Body-Sha256")?;
    ex.start_stream(200, httpstatus_catalog::phrase(200), &headers)
        .await?;
    let body = filler(3000);
    let mut hash = Sha256::new();
    for piece in body.chunks(1000) {
        hash.update(piece);
        ex.send_chunk(piece).await?;
    }
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let mut trailers = Headers::new();
    trailers.append("X-Body-Length", body.len().to_string())?;
    trailers.append("X-Body-Sha256", digest)?;
    ex.finish_with_trailers(&trailers).await
}

/// A complete 200, then a `103 Early Hints` that no request asked for, then the connection closes.
async fn interim_after_final(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let body = b"The final response is complete; a 103 follows it on this connection.\n";
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Httpstatus-Fault: interim-after-final\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw.extend_from_slice(
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n",
    );
    ex.write_raw(&raw).await?;
    ex.fault(Fault::Close).await
}

/// `line` where a status line belongs, then an ordinary head and body, then the connection closes.
async fn bad_status_line(ex: &mut Exchange<'_>, line: &str) -> Result<(), ExchangeError> {
    let body =
        format!("The status line of this response is {line:?}, which is not valid HTTP/1.1.\n");
    let raw = format!(
        "{line}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\
         X-Httpstatus-Fault: bad-status-line\r\n\r\n{body}",
        body.len()
    );
    ex.write_raw(raw.as_bytes()).await?;
    ex.fault(Fault::Close).await
}
