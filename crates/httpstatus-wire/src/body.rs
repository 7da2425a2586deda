//! Message bodies: how one is delimited, a decoder that removes the framing (Content-Length, chunked with
//! trailers, or read until close), and the chunked encoder for bodies we send.

use bytes::{Buf, Bytes, BytesMut};

use crate::headers::Headers;
use crate::request::{check_lines, find_head_end, memchr};
use crate::{Limits, WireError};

/// How a message body is delimited (RFC 9112 section 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body at all.
    None,
    /// Exactly this many bytes.
    Length(u64),
    /// The chunked transfer coding, possibly with trailers.
    Chunked,
    /// Everything until the connection closes (responses only).
    CloseDelimited,
}

/// One step of decoding a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEvent {
    /// Body bytes, framing removed.
    Data(Bytes),
    /// The body is complete; chunked bodies may carry trailer fields.
    End(Headers),
    /// More bytes are needed.
    Incomplete,
}

/// Removes the framing from a body as its bytes arrive. Call [`BodyDecoder::decode`] with the read buffer until
/// it says [`BodyEvent::Incomplete`] (read more) or [`BodyEvent::End`].
#[derive(Debug, Clone)]
pub struct BodyDecoder {
    /// Where we are in the framing.
    state: State,
    /// Body bytes delivered so far, checked against `max_body`.
    received: u64,
    /// Limits from the caller: body size, chunk line and trailer size.
    limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Length { remaining: u64 },
    ChunkSize,
    ChunkData { remaining: u64 },
    ChunkDataEnd,
    Trailers,
    UntilClose,
    Done,
}

impl BodyDecoder {
    pub fn new(framing: BodyFraming, limits: Limits) -> Self {
        let state = match framing {
            BodyFraming::None | BodyFraming::Length(0) => State::Done,
            BodyFraming::Length(remaining) => State::Length { remaining },
            BodyFraming::Chunked => State::ChunkSize,
            BodyFraming::CloseDelimited => State::UntilClose,
        };
        BodyDecoder {
            state,
            received: 0,
            limits,
        }
    }

    /// Whether the whole body has been decoded.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Takes what it can from the front of `buf`.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<BodyEvent, WireError> {
        loop {
            match self.state {
                State::Done => return Ok(BodyEvent::End(Headers::new())),
                State::Length { remaining } => {
                    if buf.is_empty() {
                        return Ok(BodyEvent::Incomplete);
                    }
                    let take = remaining.min(buf.len() as u64) as usize;
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        State::Done
                    } else {
                        State::Length { remaining: left }
                    };
                    return Ok(BodyEvent::Data(buf.split_to(take).freeze()));
                }
                State::UntilClose => {
                    if buf.is_empty() {
                        return Ok(BodyEvent::Incomplete);
                    }
                    let data = buf.split().freeze();
                    self.count(data.len() as u64)?;
                    return Ok(BodyEvent::Data(data));
                }
                State::ChunkSize => {
                    let Some(nl) = memchr(b'\n', buf) else {
                        if buf.len() > self.limits.max_chunk_line {
                            return Err(WireError::ChunkLineTooLong {
                                limit: self.limits.max_chunk_line,
                            });
                        }
                        return Ok(BodyEvent::Incomplete);
                    };
                    if nl > self.limits.max_chunk_line {
                        return Err(WireError::ChunkLineTooLong {
                            limit: self.limits.max_chunk_line,
                        });
                    }
                    let size = parse_chunk_size(&buf[..nl])?;
                    buf.advance(nl + 1);
                    if size == 0 {
                        self.state = State::Trailers;
                    } else {
                        self.count(size)?;
                        self.state = State::ChunkData { remaining: size };
                    }
                }
                State::ChunkData { remaining } => {
                    if buf.is_empty() {
                        return Ok(BodyEvent::Incomplete);
                    }
                    let take = remaining.min(buf.len() as u64) as usize;
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        State::ChunkDataEnd
                    } else {
                        State::ChunkData { remaining: left }
                    };
                    return Ok(BodyEvent::Data(buf.split_to(take).freeze()));
                }
                State::ChunkDataEnd => {
                    if buf.len() < 2 {
                        if buf.first().is_some_and(|&b| b != b'\r') {
                            return Err(WireError::InvalidChunkData);
                        }
                        return Ok(BodyEvent::Incomplete);
                    }
                    if &buf[..2] != b"\r\n" {
                        return Err(WireError::InvalidChunkData);
                    }
                    buf.advance(2);
                    self.state = State::ChunkSize;
                }
                State::Trailers => return self.decode_trailers(buf),
            }
        }
    }

    /// Called when the peer closed the connection: completes a close-delimited body, and is an error for a
    /// body whose end has not been seen.
    pub fn decode_eof(&mut self) -> Result<BodyEvent, WireError> {
        match self.state {
            State::UntilClose | State::Done => {
                self.state = State::Done;
                Ok(BodyEvent::End(Headers::new()))
            }
            _ => Err(WireError::IncompleteBody),
        }
    }

    fn count(&mut self, n: u64) -> Result<(), WireError> {
        self.received = self.received.saturating_add(n);
        if self.received > self.limits.max_body {
            return Err(WireError::BodyTooLarge {
                limit: self.limits.max_body,
            });
        }
        Ok(())
    }

    fn decode_trailers(&mut self, buf: &mut BytesMut) -> Result<BodyEvent, WireError> {
        // The common case: no trailers, only the final empty line. A bare LF ends it too, as it ends trailer
        // lines and heads; left to `find_head_end`, it would swallow everything up to the next empty line.
        let empty_line = match &buf[..] {
            [] | [b'\r'] => return Ok(BodyEvent::Incomplete),
            [b'\r', b'\n', ..] => Some(2),
            [b'\n', ..] => Some(1),
            _ => None,
        };
        if let Some(len) = empty_line {
            buf.advance(len);
            self.state = State::Done;
            return Ok(BodyEvent::End(Headers::new()));
        }
        if buf[0] == b'\r' {
            // A CR not followed by LF.
            return Err(WireError::InvalidTrailer);
        }
        let Some(len) = find_head_end(buf) else {
            if buf.len() > self.limits.max_head {
                return Err(WireError::HeaderSectionTooLarge {
                    limit: self.limits.max_head,
                });
            }
            return Ok(BodyEvent::Incomplete);
        };
        if len > self.limits.max_head {
            return Err(WireError::HeaderSectionTooLarge {
                limit: self.limits.max_head,
            });
        }
        let section = &buf[..len];
        check_lines(section).map_err(|_| WireError::InvalidTrailer)?;
        if section.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            return Err(WireError::InvalidTrailer);
        }
        let mut slots = vec![httparse::EMPTY_HEADER; self.limits.max_headers];
        let fields = match httparse::parse_headers(section, &mut slots) {
            Ok(httparse::Status::Complete((_, fields))) => fields,
            Ok(httparse::Status::Partial) | Err(_) => return Err(WireError::InvalidTrailer),
        };
        let mut trailers = Headers::new();
        for field in fields {
            trailers.push_unchecked(field.name, field.value);
        }
        buf.advance(len);
        self.state = State::Done;
        Ok(BodyEvent::End(trailers))
    }
}

/// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 section 7.1). Extensions are allowed and ignored; the line must
/// end with CRLF.
fn parse_chunk_size(line: &[u8]) -> Result<u64, WireError> {
    let line = line
        .strip_suffix(b"\r")
        .ok_or(WireError::InvalidChunkSize)?;
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    // Leading zeros are allowed (`1*HEXDIG`); more than 16 significant digits overflow 64 bits.
    let zeros = line[..digits].iter().take_while(|&&b| b == b'0').count();
    if digits == 0 || digits - zeros > 16 {
        return Err(WireError::InvalidChunkSize);
    }
    let rest = &line[digits..];
    let ext_start = rest
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(rest.len());
    let ext = &rest[ext_start..];
    if !ext.is_empty() && (ext[0] != b';' || !crate::headers::is_field_value(ext)) {
        return Err(WireError::InvalidChunkSize);
    }
    if ext.is_empty() && ext_start > 0 {
        return Err(WireError::InvalidChunkSize);
    }
    if zeros == digits {
        return Ok(0);
    }
    let digits =
        std::str::from_utf8(&line[zeros..digits]).map_err(|_| WireError::InvalidChunkSize)?;
    u64::from_str_radix(digits, 16).map_err(|_| WireError::InvalidChunkSize)
}

/// Appends one chunk of the chunked coding; empty data writes nothing (an empty chunk would end the body).
pub fn encode_chunk(data: &[u8], dst: &mut Vec<u8>) {
    if data.is_empty() {
        return;
    }
    dst.extend_from_slice(format!("{:X}\r\n", data.len()).as_bytes());
    dst.extend_from_slice(data);
    dst.extend_from_slice(b"\r\n");
}

/// Appends the last chunk, the trailer fields and the final CRLF.
pub fn encode_last_chunk(trailers: &Headers, dst: &mut Vec<u8>) {
    dst.extend_from_slice(b"0\r\n");
    trailers.encode(dst);
    dst.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes all of `input` fed in pieces of `step` bytes; returns the body and trailers.
    fn decode_all(
        framing: BodyFraming,
        input: &[u8],
        step: usize,
    ) -> Result<(Vec<u8>, Headers), WireError> {
        let mut decoder = BodyDecoder::new(
            framing,
            Limits {
                max_body: 64,
                ..Limits::default()
            },
        );
        let mut buf = BytesMut::new();
        let mut body = Vec::new();
        let mut fed = 0;
        loop {
            match decoder.decode(&mut buf)? {
                BodyEvent::Data(data) => body.extend_from_slice(&data),
                BodyEvent::End(trailers) => return Ok((body, trailers)),
                BodyEvent::Incomplete if fed < input.len() => {
                    let end = (fed + step).min(input.len());
                    buf.extend_from_slice(&input[fed..end]);
                    fed = end;
                }
                BodyEvent::Incomplete => match decoder.decode_eof()? {
                    BodyEvent::End(trailers) => return Ok((body, trailers)),
                    other => panic!("unexpected {other:?}"),
                },
            }
        }
    }

    #[test]
    fn content_length_bodies_stop_at_their_length() {
        let mut decoder = BodyDecoder::new(BodyFraming::Length(5), Limits::default());
        let mut buf = BytesMut::from(&b"helloGET /"[..]);
        assert_eq!(
            decoder.decode(&mut buf),
            Ok(BodyEvent::Data(Bytes::from_static(b"hello")))
        );
        assert_eq!(decoder.decode(&mut buf), Ok(BodyEvent::End(Headers::new())));
        assert_eq!(&buf[..], b"GET /");
    }

    #[test]
    fn chunked_bodies_decode_in_any_split() {
        let input = b"5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\nNEXT";
        for step in 1..input.len() {
            let (body, trailers) = decode_all(BodyFraming::Chunked, input, step).unwrap();
            assert_eq!(body, b"hello world", "step {step}");
            assert_eq!(trailers.get("x-checksum"), Some(&b"1"[..]), "step {step}");
        }
    }

    #[test]
    fn chunk_sizes_may_have_leading_zeros() {
        let input = b"00000000000000000005\r\nhello\r\n000\r\n\r\n";
        let (body, _) = decode_all(BodyFraming::Chunked, input, input.len()).unwrap();
        assert_eq!(body, b"hello");
    }

    #[test]
    fn chunked_leaves_the_next_request_in_the_buffer() {
        let mut decoder = BodyDecoder::new(BodyFraming::Chunked, Limits::default());
        let mut buf = BytesMut::from(&b"1\r\na\r\n0\r\n\r\nGET"[..]);
        assert_eq!(
            decoder.decode(&mut buf),
            Ok(BodyEvent::Data(Bytes::from_static(b"a")))
        );
        assert_eq!(decoder.decode(&mut buf), Ok(BodyEvent::End(Headers::new())));
        assert_eq!(&buf[..], b"GET");
        assert!(decoder.is_done());
    }

    #[test]
    fn bad_chunked_bodies_table() {
        let cases: &[(&[u8], u16)] = &[
            (b"g\r\n", 400), // not hex
            (b"\r\n", 400),  // empty size
            (b"-1\r\n", 400),
            (b"0x5\r\nhello\r\n0\r\n\r\n", 400),
            (b"+5\r\nhello\r\n0\r\n\r\n", 400),
            (b" 5\r\nhello\r\n0\r\n\r\n", 400),
            (b"5 \r\nhello\r\n0\r\n\r\n", 400), // whitespace without an extension
            (b"5\nhello\r\n0\r\n\r\n", 400),    // LF only
            (b"5\r\nhelloXX0\r\n\r\n", 400),    // data not followed by CRLF
            (b"5\r\nhello\n0\r\n\r\n", 400),
            (b"11111111111111111\r\n", 400), // 17 hex digits
            (b"00000000000000000011111111111111111\r\n", 400), // 17 significant digits
            (b"FFFFFFFFFFFFFFFF\r\n", 413),  // fits u64, over the body limit
            (b"41\r\n", 413),                // 65 bytes, limit 64
            (b"5;a\x00b\r\nhello\r\n0\r\n\r\n", 400),
            (b"0\r\nX: 1\r\n folded\r\n\r\n", 400), // obs-fold in trailers
            (b"0\r\nBad Name: 1\r\n\r\n", 400),
            (b"0\r\n\rX\r\n", 400),
            (b"5\r\nhel", 400), // connection closed mid-body
        ];
        for (input, status) in cases {
            let got = decode_all(BodyFraming::Chunked, input, input.len()).map_err(|e| e.status());
            assert_eq!(
                got.err(),
                Some(*status),
                "{}",
                String::from_utf8_lossy(input).escape_debug()
            );
        }
    }

    #[test]
    fn a_bare_lf_ends_the_trailer_section_without_swallowing_the_next_request() {
        // Found by fuzzing: after `0\r\n`, a bare LF was not taken as the empty line that ends the trailers,
        // and the decoder consumed everything up to the next empty line, the next request's head included.
        let mut decoder = BodyDecoder::new(BodyFraming::Chunked, Limits::default());
        let mut buf = BytesMut::from(&b"0\r\n\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"[..]);
        assert_eq!(decoder.decode(&mut buf), Ok(BodyEvent::End(Headers::new())));
        assert_eq!(&buf[..], b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        let (body, trailers) = decode_all(BodyFraming::Chunked, b"1\r\na\r\n0\r\n\n", 1).unwrap();
        assert_eq!((body, trailers), (b"a".to_vec(), Headers::new()));
    }

    #[test]
    fn chunk_lines_are_limited() {
        let line = format!("1;{}\r\n", "x".repeat(2000));
        let got = decode_all(BodyFraming::Chunked, line.as_bytes(), 100);
        assert_eq!(got.err(), Some(WireError::ChunkLineTooLong { limit: 1024 }));
    }

    #[test]
    fn close_delimited_bodies_end_at_eof() {
        let (body, _) = decode_all(BodyFraming::CloseDelimited, b"all of it", 4).unwrap();
        assert_eq!(body, b"all of it");
        let short = decode_all(BodyFraming::Length(10), b"short", 5);
        assert_eq!(short.err(), Some(WireError::IncompleteBody));
    }

    #[test]
    fn encoder_and_decoder_agree() {
        let mut wire = Vec::new();
        encode_chunk(b"hello ", &mut wire);
        encode_chunk(b"", &mut wire);
        encode_chunk(&[b'x'; 20], &mut wire);
        let mut trailers = Headers::new();
        trailers.append("X-Done", "yes").unwrap();
        encode_last_chunk(&trailers, &mut wire);
        assert!(wire.starts_with(b"6\r\nhello \r\n14\r\n"));
        let (body, got) = decode_all(BodyFraming::Chunked, &wire, 3).unwrap();
        assert_eq!(body.len(), 26);
        assert_eq!(got, trailers);
    }
}
