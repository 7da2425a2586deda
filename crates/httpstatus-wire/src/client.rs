//! The client's side of one HTTP/1.1 exchange: a state machine fed with the bytes a server sends, yielding
//! every interim (1xx) head, the final head, the body through [`BodyDecoder`], and whatever arrives after it.
//!
//! It also decides when a request body that waits for `100 Continue` may go out ([`BodyRelease`]). It keeps
//! no clock: the caller says when it stopped waiting ([`ResponseReader::stop_waiting_for_continue`]).

use bytes::{Buf, Bytes, BytesMut};

use crate::body::{BodyDecoder, BodyEvent, BodyFraming};
use crate::headers::Headers;
use crate::response::{ResponseHead, parse_response_head};
use crate::{Limits, WireError};

/// What the request looked like, as far as reading its response is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestShape {
    /// A HEAD request: the final response has no body whatever its fields say.
    pub is_head: bool,
    /// The request sent `Expect: 100-continue` and holds its body back until a `100 Continue`.
    pub expects_continue: bool,
}

/// Whether the request body may be sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRelease {
    /// Hold it: the request expects `100 Continue` and neither it nor a final response has arrived.
    Wait,
    /// Send it: there was no expectation, a `100 Continue` arrived, or the caller stopped waiting.
    Send,
    /// Do not send it: a final response arrived first (RFC 9110 section 10.1.1).
    Withhold,
}

/// One step of reading a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// An interim response (1xx other than 101); more heads follow.
    Interim(ResponseHead),
    /// The final response head and how its body is delimited (`None` for 101: the connection now speaks
    /// another protocol).
    Final(ResponseHead, BodyFraming),
    /// Body bytes, framing removed.
    Data(Bytes),
    /// The body is complete, with the trailer fields of a chunked body.
    End(Headers),
    /// Bytes after the end of the response: a body on a 204 or 304, or garbage.
    Stray(Bytes),
    /// More bytes are needed.
    Incomplete,
}

/// What a server got wrong, beyond what [`WireError`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("malformed response: {0}")]
    Wire(#[from] WireError),
    #[error(
        "a {0} interim response arrived after the final response; interim responses must come first"
    )]
    InterimAfterFinal(u16),
    #[error("the connection closed before any response arrived")]
    ClosedBeforeResponse,
    #[error("the connection closed after interim responses, before the final response")]
    ClosedAfterInterim,
    #[error("the connection closed in the middle of a response head")]
    ClosedInHead,
    #[error("the connection closed before the body was complete ({received} bytes received)")]
    ClosedInBody { received: u64 },
}

#[derive(Debug)]
enum State {
    /// Reading heads; `interim` counts the 1xx heads seen.
    Head {
        interim: usize,
    },
    Body(BodyDecoder),
    /// The response is complete.
    Done,
    /// After a 101: the bytes belong to another protocol.
    Switched,
}

/// Reads one response. Feed it the connection's read buffer with [`ResponseReader::next_event`] until
/// [`ClientEvent::End`], reading more whenever it says [`ClientEvent::Incomplete`]; at end of input call
/// [`ResponseReader::end_of_input`].
#[derive(Debug)]
pub struct ResponseReader {
    /// The request this response answers.
    shape: RequestShape,
    /// Where we are.
    state: State,
    /// Whether the request body may go out.
    release: BodyRelease,
    /// Body bytes delivered, for the error that says how far a truncated body got.
    received: u64,
    /// Sizes that bound heads, chunk lines and the body.
    limits: Limits,
}

impl ResponseReader {
    pub fn new(shape: RequestShape, limits: Limits) -> Self {
        ResponseReader {
            shape,
            state: State::Head { interim: 0 },
            release: if shape.expects_continue {
                BodyRelease::Wait
            } else {
                BodyRelease::Send
            },
            received: 0,
            limits,
        }
    }

    /// Whether the request body may be sent now.
    pub fn body_release(&self) -> BodyRelease {
        self.release
    }

    /// The caller waited long enough for `100 Continue` and sends the body anyway (as curl does after 1 s).
    pub fn stop_waiting_for_continue(&mut self) {
        if self.release == BodyRelease::Wait {
            self.release = BodyRelease::Send;
        }
    }

    /// Whether the final head has been read and the body is complete.
    pub fn is_complete(&self) -> bool {
        matches!(self.state, State::Done | State::Switched)
    }

    /// Takes the next event from the front of `buf`.
    pub fn next_event(&mut self, buf: &mut BytesMut) -> Result<ClientEvent, ClientError> {
        match &mut self.state {
            State::Head { interim } => {
                if buf.is_empty() {
                    return Ok(ClientEvent::Incomplete);
                }
                let Some((head, len)) = parse_response_head(buf, &self.limits)? else {
                    return Ok(ClientEvent::Incomplete);
                };
                buf.advance(len);
                if head.is_interim() {
                    *interim += 1;
                    if head.status == 100 && self.release == BodyRelease::Wait {
                        self.release = BodyRelease::Send;
                    }
                    return Ok(ClientEvent::Interim(head));
                }
                if self.release == BodyRelease::Wait {
                    self.release = BodyRelease::Withhold;
                }
                if head.status == 101 {
                    self.state = State::Switched;
                    return Ok(ClientEvent::Final(head, BodyFraming::None));
                }
                let framing = head.framing(self.shape.is_head)?;
                self.state = State::Body(BodyDecoder::new(framing, self.limits));
                Ok(ClientEvent::Final(head, framing))
            }
            State::Body(decoder) => match decoder.decode(buf)? {
                BodyEvent::Data(data) => {
                    self.received += data.len() as u64;
                    Ok(ClientEvent::Data(data))
                }
                BodyEvent::End(trailers) => {
                    self.state = State::Done;
                    Ok(ClientEvent::End(trailers))
                }
                BodyEvent::Incomplete => Ok(ClientEvent::Incomplete),
            },
            State::Done => {
                if buf.is_empty() {
                    return Ok(ClientEvent::Incomplete);
                }
                // A complete 1xx head here is an interim response sent too late; anything else is stray bytes.
                match parse_response_head(buf, &self.limits) {
                    Ok(Some((head, _))) if head.status < 200 => {
                        Err(ClientError::InterimAfterFinal(head.status))
                    }
                    Ok(None) => Ok(ClientEvent::Incomplete),
                    _ => Ok(ClientEvent::Stray(buf.split().freeze())),
                }
            }
            State::Switched => Ok(ClientEvent::Incomplete),
        }
    }

    /// The server closed the connection: completes a close-delimited body, hands over leftover bytes, or says
    /// what was cut short. Call it after [`ResponseReader::next_event`] has said [`ClientEvent::Incomplete`].
    pub fn end_of_input(&mut self, buf: &mut BytesMut) -> Result<ClientEvent, ClientError> {
        match &mut self.state {
            State::Head { interim } if buf.is_empty() && *interim == 0 => {
                Err(ClientError::ClosedBeforeResponse)
            }
            State::Head { .. } if buf.is_empty() => Err(ClientError::ClosedAfterInterim),
            State::Head { .. } => Err(ClientError::ClosedInHead),
            State::Body(decoder) => match decoder.decode_eof() {
                Ok(_) => {
                    self.state = State::Done;
                    Ok(ClientEvent::End(Headers::new()))
                }
                Err(_) => Err(ClientError::ClosedInBody {
                    received: self.received,
                }),
            },
            State::Done if !buf.is_empty() => Ok(ClientEvent::Stray(buf.split().freeze())),
            State::Done | State::Switched => Ok(ClientEvent::Incomplete),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact trace of events: `I103`, `F200`, `D5` (five body bytes), `E`, `S3` (three stray bytes),
    /// `X` (end of input with nothing more), `!` and the error's status or name.
    fn trace(shape: RequestShape, input: &[u8], split: usize) -> Vec<String> {
        let mut reader = ResponseReader::new(shape, Limits::default());
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let chunks: Vec<&[u8]> = input.chunks(split.max(1)).collect();
        let mut chunks = chunks.into_iter();
        loop {
            let event = match reader.next_event(&mut buf) {
                Ok(ClientEvent::Incomplete) => match chunks.next() {
                    Some(chunk) => {
                        buf.extend_from_slice(chunk);
                        continue;
                    }
                    None => reader.end_of_input(&mut buf),
                },
                other => other,
            };
            match event {
                Ok(ClientEvent::Interim(h)) => out.push(format!("I{}", h.status)),
                Ok(ClientEvent::Final(h, _)) => out.push(format!("F{}", h.status)),
                Ok(ClientEvent::Data(d)) => match out.last_mut() {
                    Some(last) if last.starts_with('D') => {
                        let n: usize = last[1..].parse().unwrap();
                        *last = format!("D{}", n + d.len());
                    }
                    _ => out.push(format!("D{}", d.len())),
                },
                Ok(ClientEvent::End(_)) => out.push("E".into()),
                Ok(ClientEvent::Stray(s)) => match out.last_mut() {
                    Some(last) if last.starts_with('S') => {
                        let n: usize = last[1..].parse().unwrap();
                        *last = format!("S{}", n + s.len());
                    }
                    _ => out.push(format!("S{}", s.len())),
                },
                Ok(ClientEvent::Incomplete) => {
                    out.push("X".into());
                    return out;
                }
                Err(e) => {
                    out.push(format!("!{}", error_name(&e)));
                    return out;
                }
            }
        }
    }

    fn error_name(e: &ClientError) -> &'static str {
        match e {
            ClientError::Wire(_) => "wire",
            ClientError::InterimAfterFinal(_) => "late-1xx",
            ClientError::ClosedBeforeResponse => "closed-before",
            ClientError::ClosedAfterInterim => "closed-after-interim",
            ClientError::ClosedInHead => "closed-in-head",
            ClientError::ClosedInBody { .. } => "closed-in-body",
        }
    }

    const GET: RequestShape = RequestShape {
        is_head: false,
        expects_continue: false,
    };
    const HEAD: RequestShape = RequestShape {
        is_head: true,
        expects_continue: false,
    };

    #[test]
    fn responses_in_events_out() {
        let cases: &[(&str, RequestShape, &str, &str)] = &[
            (
                "content-length",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "F200 D5 E X",
            ),
            (
                "interim heads first",
                GET,
                "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "I103 I102 F200 D2 E X",
            ),
            (
                "chunked with trailers",
                GET,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
                "F200 D5 E X",
            ),
            (
                "close-delimited",
                GET,
                "HTTP/1.1 200 OK\r\n\r\nuntil close",
                "F200 D11 E X",
            ),
            (
                "head ignores content-length",
                HEAD,
                "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",
                "F200 E X",
            ),
            (
                "body on a 204 is stray",
                GET,
                "HTTP/1.1 204 No Content\r\n\r\noops",
                "F204 E S4 X",
            ),
            (
                "garbage after the body is stray",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
                "F200 D2 E S5 X",
            ),
            (
                "a 1xx after the final response",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n",
                "F200 E !late-1xx",
            ),
            (
                "a second final response is stray",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
                "F200 E S19 X",
            ),
            (
                "truncated content-length body",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                "F200 D5 !closed-in-body",
            ),
            (
                "truncated chunked body",
                GET,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                "F200 D2 !closed-in-body",
            ),
            ("nothing at all", GET, "", "!closed-before"),
            (
                "only interim heads",
                GET,
                "HTTP/1.1 102 Processing\r\n\r\n",
                "I102 !closed-after-interim",
            ),
            (
                "cut in the head",
                GET,
                "HTTP/1.1 200 OK\r\nConte",
                "!closed-in-head",
            ),
            ("not http", GET, "SSH-2.0-OpenSSH_9.6\r\n", "!wire"),
            ("bad status", GET, "HTTP/1.1 20 OK\r\n\r\n", "!wire"),
            (
                "bad chunk size",
                GET,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "F200 !wire",
            ),
            (
                "conflicting lengths",
                GET,
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
                "!wire",
            ),
            (
                "101 switches protocols",
                GET,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x01\x00",
                "F101 X",
            ),
        ];
        for (name, shape, input, expected) in cases {
            for split in [input.len().max(1), 1, 7] {
                let got = trace(*shape, input.as_bytes(), split).join(" ");
                assert_eq!(&got, expected, "{name} (fed {split} bytes at a time)");
            }
        }
    }

    #[test]
    fn continue_releases_the_body() {
        let expecting = RequestShape {
            is_head: false,
            expects_continue: true,
        };
        // 100 Continue: send the body.
        let mut reader = ResponseReader::new(expecting, Limits::default());
        assert_eq!(reader.body_release(), BodyRelease::Wait);
        let mut buf = BytesMut::from(&b"HTTP/1.1 100 Continue\r\n\r\n"[..]);
        assert!(matches!(
            reader.next_event(&mut buf),
            Ok(ClientEvent::Interim(h)) if h.status == 100
        ));
        assert_eq!(reader.body_release(), BodyRelease::Send);

        // A final answer first: keep the body.
        let mut reader = ResponseReader::new(expecting, Limits::default());
        let mut buf =
            BytesMut::from(&b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"[..]);
        assert!(
            matches!(reader.next_event(&mut buf), Ok(ClientEvent::Final(h, _)) if h.status == 417)
        );
        assert_eq!(reader.body_release(), BodyRelease::Withhold);

        // Another interim response does not release it; the caller's timeout does.
        let mut reader = ResponseReader::new(expecting, Limits::default());
        let mut buf = BytesMut::from(&b"HTTP/1.1 102 Processing\r\n\r\n"[..]);
        assert!(matches!(
            reader.next_event(&mut buf),
            Ok(ClientEvent::Interim(_))
        ));
        assert_eq!(reader.body_release(), BodyRelease::Wait);
        reader.stop_waiting_for_continue();
        assert_eq!(reader.body_release(), BodyRelease::Send);

        // Without the expectation the body goes at once, and an unasked 100 changes nothing.
        let mut reader = ResponseReader::new(GET, Limits::default());
        assert_eq!(reader.body_release(), BodyRelease::Send);
        let mut buf = BytesMut::from(&b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"[..]);
        assert!(matches!(
            reader.next_event(&mut buf),
            Ok(ClientEvent::Interim(_))
        ));
        assert!(matches!(
            reader.next_event(&mut buf),
            Ok(ClientEvent::Final(..))
        ));
        assert_eq!(reader.body_release(), BodyRelease::Send);
    }

    #[test]
    fn completion_is_reported() {
        let mut reader = ResponseReader::new(GET, Limits::default());
        let mut buf = BytesMut::from(&b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"[..]);
        assert!(!reader.is_complete());
        while !matches!(reader.next_event(&mut buf), Ok(ClientEvent::End(_))) {}
        assert!(reader.is_complete());
    }
}
