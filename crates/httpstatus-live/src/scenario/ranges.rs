//! `/scenario/range/{size}`: a representation of SIZE bytes (the alphabet, repeated) served by byte range
//! (RFC 9110 section 14): 206 with `Content-Range` for one range, `multipart/byteranges` for several,
//! `If-Range` by strong ETag or exact date, and 416 with `Content-Range: bytes */SIZE` when no range can be
//! satisfied or the request asks for too much. A `Range` that does not parse is ignored (the whole
//! representation, 200), as the RFC allows.

use bytes::{Bytes, BytesMut};
use serde_json::json;

use super::{Params, bad_request, method_not_allowed, problem, send};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// Largest representation.
pub const MAX_SIZE: u64 = 1024 * 1024;
/// Most ranges in one request; more is a 416.
pub const MAX_RANGES: usize = 16;
/// The representation's `Last-Modified`: fixed, since its bytes never change.
pub const LAST_MODIFIED: &str = "Sat, 01 Jan 2000 00:00:00 GMT";
const BOUNDARY: &str = "HTTPSTATUS-BYTERANGES";
const CONTENT_TYPE: &str = "text/plain; charset=us-ascii";

/// One satisfiable range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    first: u64,
    last: u64,
}

/// What a `Range` field asks for.
#[derive(Debug, PartialEq, Eq)]
enum Ask {
    /// Not a byte range this server understands: ignored.
    Ignore,
    /// More ranges than [`MAX_RANGES`], or overlapping ranges adding up to more than the whole.
    Excessive(String),
    /// None of the ranges overlaps the representation.
    Unsatisfiable,
    Spans(Vec<Span>),
}

/// Answers `/scenario/range/{size}`.
pub async fn handle(ex: &mut Exchange<'_>, segments: &[&str]) -> Result<(), ExchangeError> {
    let help = format!(
        "use /scenario/range/{{size}} with a size from 1 to {MAX_SIZE} bytes, e.g. /scenario/range/1024"
    );
    let size = match segments {
        [size] => crate::params::parse_integer("size", size, 1, MAX_SIZE, "bytes")
            .map_err(|e| format!("{e}; {help}")),
        _ => Err(help),
    }
    .and_then(|size| Params::parse(ex.request().query(), &[]).map(|_| size));
    let size = match size {
        Ok(size) => size,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let method = ex.request().method.clone();
    if method != "GET" && method != "HEAD" {
        return send(ex, method_not_allowed(&method, "GET, HEAD")).await;
    }
    let etag = format!("\"range-{size}\"");
    let headers = &ex.request().headers;
    // Only GET has range semantics (RFC 9110 section 14.2).
    let range = headers.get_str("range").filter(|_| method == "GET");
    let if_range_holds = headers
        .get_str("if-range")
        .is_none_or(|validator| if_range(validator.trim(), &etag));
    let ask = match range {
        Some(range) if if_range_holds => parse_range(range, size),
        _ => Ask::Ignore,
    };
    let mut response = match ask {
        Ask::Ignore => Response::new(200, httpstatus_catalog::phrase(200))
            .with_body(CONTENT_TYPE, bytes(0, size - 1)),
        Ask::Excessive(detail) => unsatisfiable(size, &detail),
        Ask::Unsatisfiable => {
            let detail = format!(
                "no requested range overlaps the representation, which is {size} bytes (offsets 0 to {})",
                size - 1
            );
            unsatisfiable(size, &detail)
        }
        Ask::Spans(spans) if spans.len() == 1 => {
            let Span { first, last } = spans[0];
            let mut response = Response::new(206, httpstatus_catalog::phrase(206))
                .with_body(CONTENT_TYPE, bytes(first, last));
            response
                .headers
                .append("Content-Range", format!("bytes {first}-{last}/{size}"))?;
            response
        }
        Ask::Spans(spans) => Response::new(206, httpstatus_catalog::phrase(206)).with_body(
            &format!("multipart/byteranges; boundary={BOUNDARY}"),
            multipart(&spans, size),
        ),
    };
    response.headers.append("Accept-Ranges", "bytes")?;
    response.headers.append("ETag", &etag)?;
    response.headers.append("Last-Modified", LAST_MODIFIED)?;
    send(ex, response).await
}

fn unsatisfiable(size: u64, detail: &str) -> Response {
    let mut response = problem(
        416,
        detail,
        json!({ "size": size, "max_ranges": MAX_RANGES }),
    );
    response
        .headers
        .append("Content-Range", format!("bytes */{size}"))
        .expect("a valid field");
    response
}

/// `If-Range`: a strong ETag that matches, or exactly the `Last-Modified` date (RFC 9110 section 13.1.5).
fn if_range(validator: &str, etag: &str) -> bool {
    if validator.starts_with('"') {
        return validator == etag;
    }
    if validator.starts_with("W/") {
        return false;
    }
    httpdate::parse_http_date(validator).ok() == httpdate::parse_http_date(LAST_MODIFIED).ok()
}

/// Parses `bytes=0-99,200-,-50` against a representation of `size` bytes.
fn parse_range(value: &str, size: u64) -> Ask {
    let Some((unit, specs)) = value.split_once('=') else {
        return Ask::Ignore;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return Ask::Ignore;
    }
    let specs: Vec<&str> = specs.split(',').map(str::trim).collect();
    if specs.len() > MAX_RANGES {
        return Ask::Excessive(format!(
            "{} ranges were asked for; this server serves at most {MAX_RANGES} in one request",
            specs.len()
        ));
    }
    let mut spans = Vec::new();
    for spec in specs {
        let Some((first, last)) = spec.split_once('-') else {
            return Ask::Ignore;
        };
        let number = |text: &str| -> Option<u64> {
            (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse().ok())
                .flatten()
        };
        let span = match (first.trim(), last.trim()) {
            ("", suffix) => match number(suffix) {
                Some(0) => None,
                Some(n) => Some(Span {
                    first: size.saturating_sub(n),
                    last: size - 1,
                }),
                None => return Ask::Ignore,
            },
            (first, "") => match number(first) {
                Some(first) => (first < size).then_some(Span {
                    first,
                    last: size - 1,
                }),
                None => return Ask::Ignore,
            },
            (first, last) => match (number(first), number(last)) {
                (Some(first), Some(last)) if first <= last => (first < size).then_some(Span {
                    first,
                    last: last.min(size - 1),
                }),
                _ => return Ask::Ignore,
            },
        };
        spans.extend(span);
    }
    if spans.is_empty() {
        return Ask::Unsatisfiable;
    }
    let total: u64 = spans.iter().map(|s| s.last - s.first + 1).sum();
    if spans.len() > 1 && total > size {
        return Ask::Excessive(format!(
            "the ranges overlap and add up to {total} bytes, more than the whole representation ({size} \
             bytes); ask for the whole or for ranges that do not overlap"
        ));
    }
    Ask::Spans(spans)
}

/// The bytes at offsets `first` to `last`: the alphabet, repeated from offset 0.
fn bytes(first: u64, last: u64) -> Bytes {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    (first..=last)
        .map(|i| ALPHABET[(i % 26) as usize])
        .collect::<Vec<u8>>()
        .into()
}

/// A `multipart/byteranges` body (RFC 9110 section 14.6).
fn multipart(spans: &[Span], size: u64) -> Bytes {
    let mut body = BytesMut::new();
    for span in spans {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Type: {CONTENT_TYPE}\r\nContent-Range: bytes {}-{}/{size}\r\n\r\n",
                span.first, span.last
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes(span.first, span.last));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(list: &[(u64, u64)]) -> Ask {
        Ask::Spans(
            list.iter()
                .map(|&(first, last)| Span { first, last })
                .collect(),
        )
    }

    #[test]
    fn range_table() {
        let cases: &[(&str, Ask)] = &[
            ("bytes=0-9", spans(&[(0, 9)])),
            ("bytes=90-", spans(&[(90, 99)])),
            ("bytes=-10", spans(&[(90, 99)])),
            ("bytes=-1000", spans(&[(0, 99)])),
            ("bytes=95-1000", spans(&[(95, 99)])),
            ("BYTES = 0-0, 5-5", spans(&[(0, 0), (5, 5)])),
            ("bytes=100-", Ask::Unsatisfiable),
            ("bytes=-0", Ask::Unsatisfiable),
            ("bytes=100-200,300-", Ask::Unsatisfiable),
            ("bytes=100-200,0-1", spans(&[(0, 1)])),
            ("bytes=5-1", Ask::Ignore),
            ("bytes=a-b", Ask::Ignore),
            ("bytes=1", Ask::Ignore),
            ("items=0-1", Ask::Ignore),
            ("0-1", Ask::Ignore),
            ("bytes=+1-2", Ask::Ignore),
        ];
        for (value, expected) in cases {
            assert_eq!(&parse_range(value, 100), expected, "{value}");
        }
        let many = format!("bytes={}", vec!["0-0"; MAX_RANGES + 1].join(","));
        assert!(matches!(parse_range(&many, 100), Ask::Excessive(_)));
        assert!(matches!(parse_range("bytes=0-,0-", 100), Ask::Excessive(_)));
    }

    #[test]
    fn if_range_needs_a_strong_match() {
        assert!(if_range("\"range-10\"", "\"range-10\""));
        assert!(!if_range("\"range-11\"", "\"range-10\""));
        assert!(!if_range("W/\"range-10\"", "\"range-10\""));
        assert!(if_range(LAST_MODIFIED, "\"x\""));
        assert!(!if_range("Sun, 02 Jan 2000 00:00:00 GMT", "\"x\""));
        assert!(!if_range("yesterday", "\"x\""));
    }

    #[test]
    fn bytes_are_the_alphabet_from_offset_zero() {
        assert_eq!(&bytes(0, 3)[..], b"abcd");
        assert_eq!(&bytes(25, 27)[..], b"zab");
    }
}
