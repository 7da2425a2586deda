//! Response heads: writing them (final and interim 1xx) for the server, and parsing them for a client,
//! including the rules that decide how a response body is delimited.

use crate::body::BodyFraming;
use crate::headers::Headers;
use crate::request::{
    TransferCoding, check_lines, content_length, find_head_end, memchr, transfer_coding,
};
use crate::{Limits, Version, WireError};

/// Appends `HTTP/1.1 status reason\r\n`, the fields and the empty line. Used for interim (1xx) heads and final
/// heads alike; the caller decides the framing fields. We always name HTTP/1.1, also when answering HTTP/1.0
/// (RFC 9110 section 2.5).
pub fn encode_response_head(status: u16, reason: &str, headers: &Headers, dst: &mut Vec<u8>) {
    encode_status_line(status, reason, dst);
    headers.encode(dst);
    dst.extend_from_slice(b"\r\n");
}

/// Appends `HTTP/1.1 status reason\r\n`; fields and the empty line are the caller's to add.
pub fn encode_status_line(status: u16, reason: &str, dst: &mut Vec<u8>) {
    debug_assert!((100..=999).contains(&status));
    dst.extend_from_slice(b"HTTP/1.1 ");
    dst.extend_from_slice(&[
        b'0' + (status / 100 % 10) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
    ]);
    dst.push(b' ');
    // A reason phrase may not hold CR or LF; drop anything a caller got wrong rather than split the head.
    dst.extend(
        reason
            .bytes()
            .filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f)),
    );
    dst.extend_from_slice(b"\r\n");
}

/// Appends one `name: value\r\n` line; the caller has checked the name and value.
pub fn encode_field(name: &str, value: &[u8], dst: &mut Vec<u8>) {
    dst.extend_from_slice(name.as_bytes());
    dst.extend_from_slice(b": ");
    dst.extend_from_slice(value);
    dst.extend_from_slice(b"\r\n");
}

/// A parsed response head, as a client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub version: Version,
    pub status: u16,
    /// The reason phrase as sent (it carries no meaning and may be empty).
    pub reason: String,
    pub headers: Headers,
}

impl ResponseHead {
    /// A 1xx other than 101: more heads follow for the same request.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }

    /// How this response's body is delimited (RFC 9112 section 6.3), given whether the request was HEAD.
    pub fn framing(&self, request_was_head: bool) -> Result<BodyFraming, WireError> {
        if request_was_head
            || (100..200).contains(&self.status)
            || self.status == 204
            || self.status == 304
        {
            return Ok(BodyFraming::None);
        }
        if self.headers.contains("transfer-encoding") {
            return Ok(match transfer_coding(&self.headers) {
                Ok(TransferCoding::Chunked) => BodyFraming::Chunked,
                // A response whose final coding is not chunked is read until the connection closes.
                Ok(TransferCoding::NotChunkedLast) | Err(WireError::ChunkedNotFinal) => {
                    BodyFraming::CloseDelimited
                }
                Err(WireError::UnsupportedTransferEncoding(_)) => BodyFraming::Chunked,
                Err(other) => return Err(other),
            });
        }
        match content_length(&self.headers)? {
            Some(0) => Ok(BodyFraming::None),
            Some(n) => Ok(BodyFraming::Length(n)),
            None => Ok(BodyFraming::CloseDelimited),
        }
    }
}

/// Parses one response head (interim or final) from the start of `buf`; `Ok(None)` means more bytes are needed.
pub fn parse_response_head(
    buf: &[u8],
    limits: &Limits,
) -> Result<Option<(ResponseHead, usize)>, WireError> {
    // Checked on whatever has arrived, so that the verdict does not depend on how the bytes were split.
    let start = buf.len().min(5);
    if buf[..start] != b"HTTP/"[..start] {
        return Err(WireError::InvalidStatusLine("it does not start with HTTP/"));
    }
    let line_len = match memchr(b'\n', buf) {
        Some(i) => i,
        None if buf.len() > limits.max_request_line => {
            return Err(WireError::InvalidStatusLine("the status line is too long"));
        }
        None => return Ok(None),
    };
    if line_len > limits.max_request_line {
        return Err(WireError::InvalidStatusLine("the status line is too long"));
    }
    let head_len = match find_head_end(buf) {
        Some(len) if len <= limits.max_head => len,
        Some(_) => {
            return Err(WireError::HeaderSectionTooLarge {
                limit: limits.max_head,
            });
        }
        None if buf.len() > limits.max_head => {
            return Err(WireError::HeaderSectionTooLarge {
                limit: limits.max_head,
            });
        }
        None => return Ok(None),
    };
    let head = &buf[..head_len];
    check_lines(head)?;
    let mut slots = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(WireError::InvalidStatusLine("the head ended early"));
        }
        Err(httparse::Error::Version) => {
            return Err(WireError::InvalidStatusLine(
                "the version is not HTTP/1.1 or HTTP/1.0",
            ));
        }
        Err(httparse::Error::Status) => {
            return Err(WireError::InvalidStatusLine(
                "the status code is not three digits",
            ));
        }
        Err(httparse::Error::HeaderName) => return Err(WireError::InvalidHeaderName),
        Err(httparse::Error::HeaderValue) => return Err(WireError::InvalidHeaderValue),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(WireError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        Err(_) => return Err(WireError::InvalidStatusLine("the status line is malformed")),
    }
    let status = response.code.unwrap_or_default();
    if !(100..=599).contains(&status) {
        return Err(WireError::InvalidStatusCode(status));
    }
    let version = if response.version == Some(0) {
        Version::Http10
    } else {
        Version::Http11
    };
    let reason = response.reason.unwrap_or_default().to_owned();
    let mut headers = Headers::new();
    for field in response.headers.iter() {
        headers.push_unchecked(field.name, field.value);
    }
    Ok(Some((
        ResponseHead {
            version,
            status,
            reason,
            headers,
        },
        head_len,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_interim_and_final_heads() {
        let mut out = Vec::new();
        let mut link = Headers::new();
        link.append("Link", "</style.css>; rel=preload; as=style")
            .unwrap();
        encode_response_head(103, "Early Hints", &link, &mut out);
        let mut fields = Headers::new();
        fields.append("Content-Length", "2").unwrap();
        encode_response_head(200, "OK", &fields, &mut out);
        assert_eq!(
            out,
            b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n\
              HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        );
        out.clear();
        encode_response_head(299, "", &Headers::new(), &mut out);
        assert_eq!(out, b"HTTP/1.1 299 \r\n\r\n");
        out.clear();
        encode_response_head(200, "O\r\nK", &Headers::new(), &mut out);
        assert_eq!(out, b"HTTP/1.1 200 OK\r\n\r\n");
    }

    #[test]
    fn parses_interim_then_final() {
        let bytes =
            b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        let (first, used) = parse_response_head(bytes, &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!(first.status, 102);
        assert!(first.is_interim());
        assert_eq!(first.framing(false), Ok(BodyFraming::None));
        let (last, used2) = parse_response_head(&bytes[used..], &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!((last.status, last.reason.as_str()), (200, "OK"));
        assert_eq!(last.framing(false), Ok(BodyFraming::Length(2)));
        assert_eq!(&bytes[used + used2..], b"ok");
    }

    #[test]
    fn response_framing_table() {
        let cases: &[(&str, u16, bool, Result<BodyFraming, u16>)] = &[
            ("Content-Length: 5", 200, false, Ok(BodyFraming::Length(5))),
            ("Content-Length: 5", 200, true, Ok(BodyFraming::None)),
            ("Content-Length: 5", 204, false, Ok(BodyFraming::None)),
            ("Content-Length: 5", 304, false, Ok(BodyFraming::None)),
            ("", 200, false, Ok(BodyFraming::CloseDelimited)),
            (
                "Transfer-Encoding: chunked",
                200,
                false,
                Ok(BodyFraming::Chunked),
            ),
            (
                "Transfer-Encoding: chunked\r\nContent-Length: 5",
                200,
                false,
                Ok(BodyFraming::Chunked),
            ),
            (
                "Transfer-Encoding: gzip",
                200,
                false,
                Ok(BodyFraming::CloseDelimited),
            ),
            ("Content-Length: 5, 6", 200, false, Err(400)),
            ("Content-Length: x", 200, false, Err(400)),
        ];
        for (fields, status, head, expected) in cases {
            let bytes = format!("HTTP/1.1 {status} X\r\n{fields}\r\n\r\n");
            let (parsed, _) = parse_response_head(bytes.as_bytes(), &Limits::default())
                .unwrap()
                .unwrap();
            assert_eq!(
                &parsed.framing(*head).map_err(|e| e.status()),
                expected,
                "{fields:?} {status}"
            );
        }
    }

    #[test]
    fn malformed_responses_are_errors_not_panics() {
        let cases: &[&[u8]] = &[
            b"HTTP/1.1 20 OK\r\n\r\n",
            b"HTTP/1.1 600 Nope\r\n\r\n",
            b"HTTP/1.1 099 Nope\r\n\r\n",
            b"HTTP/2 200 OK\r\n\r\n",
            b"SSH-2.0-OpenSSH\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            b"HTTP/1.1 200 OK\rX: y\r\n\r\n",
            b"HTTP/1.1 abc OK\r\n\r\n",
        ];
        for bytes in cases {
            assert!(
                parse_response_head(bytes, &Limits::default()).is_err(),
                "{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
        assert_eq!(
            parse_response_head(b"HTTP/1.1 200 OK\r\n", &Limits::default()),
            Ok(None)
        );
        assert_eq!(parse_response_head(b"HTT", &Limits::default()), Ok(None));
    }

    #[test]
    fn a_response_not_starting_with_http_gets_one_verdict_however_it_arrives() {
        // Found by fuzzing: `H\n\n` alone was a bad version, but with more bytes behind it, a response that
        // does not start with HTTP/; now every prefix that cannot start a status line gets the same error.
        let whole = b"H\n\nTTP/1.1 200 OK\r\n\r\n";
        let expected = Err(WireError::InvalidStatusLine("it does not start with HTTP/"));
        for end in 2..=whole.len() {
            assert_eq!(
                parse_response_head(&whole[..end], &Limits::default()),
                expected,
                "prefix of {end} bytes"
            );
        }
        assert_eq!(
            parse_response_head(b"SSH-2.0", &Limits::default()),
            expected
        );
    }
}
