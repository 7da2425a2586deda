//! Properties of the HTTP/1.1 wire layer: request heads, chunked bodies, and responses read as the probe reads
//! them (every interim head, the final head, then the body by its framing).

use arbitrary::{Result as ArbitraryResult, Unstructured};
use bytes::BytesMut;
use httpstatus_wire::headers::{is_field_value, is_tchar, is_token, trim};
use httpstatus_wire::{
    BodyDecoder, BodyEvent, BodyFraming, Headers, Limits, RequestHead, ResponseHead, WireError,
    encode_chunk, encode_last_chunk, encode_response_head, parse_request_head, parse_response_head,
};

use crate::feed::{Feed, Pieces, cut_points};

/// Small limits, so that every limit is reached by short inputs too.
pub const TIGHT: Limits = Limits {
    max_request_line: 48,
    max_head: 160,
    max_headers: 6,
    max_field_line: 40,
    max_body: 100,
    max_chunk_line: 12,
};

/// Limits that only serve to re-read what we wrote ourselves: lines and heads may be longer than the input's,
/// since every line gets a CR and every field a space, but everything that decides a verdict stays the same.
fn relaxed(limits: &Limits) -> Limits {
    Limits {
        max_request_line: 1 << 20,
        max_head: 1 << 20,
        ..*limits
    }
}

/// The request-head target: any bytes, under the default and the tight limits.
pub fn request_head(data: &[u8]) {
    check_request_head(data, &Limits::default());
    check_request_head(data, &TIGHT);
}

fn check_request_head(buf: &[u8], limits: &Limits) {
    let verdict = parse_request_head(buf, limits);
    match &verdict {
        Ok(Some((head, used))) => {
            assert!(
                *used > 0 && *used <= buf.len(),
                "consumed {used} of {}",
                buf.len()
            );
            check_request_limits(head, limits);
            // The verdict depends on the head's own bytes only: not on what follows it.
            let own = parse_request_head(&buf[..*used], limits);
            assert_eq!(own, verdict, "the head alone parses differently");
            let mut followed = buf[..*used].to_vec();
            followed.extend_from_slice(b"GET /next HTTP/1.1\r\nHost: b\r\n\r\n");
            assert_eq!(
                parse_request_head(&followed, limits),
                verdict,
                "the head followed by another request parses differently"
            );
            // Written out again in canonical form, it reads back as the same head.
            let wire = write_request_head(head);
            assert_eq!(
                parse_request_head(&wire, &relaxed(limits)),
                Ok(Some((head.clone(), wire.len()))),
                "round trip through {:?}",
                String::from_utf8_lossy(&wire)
            );
        }
        Ok(None) => {}
        Err(error) => check_error(error, &[400, 413, 414, 417, 431, 501, 505]),
    }
    // "Incomplete" is the only verdict a prefix may give that the whole does not.
    for cut in cut_points(buf) {
        match parse_request_head(&buf[..cut], limits) {
            Ok(None) => {}
            prefix => assert_eq!(
                prefix, verdict,
                "the first {cut} bytes gave a verdict that the whole input contradicts"
            ),
        }
    }
}

fn check_request_limits(head: &RequestHead, limits: &Limits) {
    assert!(is_token(head.method.as_bytes()), "method {:?}", head.method);
    assert!(
        !head.target.is_empty() && head.target.bytes().all(|b| b.is_ascii_graphic()),
        "target {:?}",
        head.target
    );
    assert!(head.headers.len() <= limits.max_headers);
    for (name, value) in head.headers.iter() {
        assert!(is_token(name.as_bytes()), "field name {name:?}");
        assert!(
            is_field_value(value) && trim(value) == value,
            "value {value:?}"
        );
    }
    if let BodyFraming::Length(n) = head.framing {
        assert!(n > 0 && n <= limits.max_body, "Content-Length {n}");
    }
    assert_ne!(
        head.framing,
        BodyFraming::CloseDelimited,
        "a request body cannot be close-delimited"
    );
    let hosts = head.headers.get_all("host").count();
    assert!(hosts <= 1, "{hosts} Host fields accepted");
}

/// `method SP target SP version CRLF`, the fields, the empty line.
pub fn write_request_head(head: &RequestHead) -> Vec<u8> {
    let mut wire = format!(
        "{} {} {}\r\n",
        head.method,
        head.target,
        head.version.as_str()
    )
    .into_bytes();
    head.headers.encode(&mut wire);
    wire.extend_from_slice(b"\r\n");
    wire
}

/// Every error maps to one of the statuses expected of that parser, and its message ends without a period.
fn check_error(error: &WireError, statuses: &[u16]) {
    assert!(
        statuses.contains(&error.status()),
        "{error:?} maps to {}",
        error.status()
    );
    let message = error.to_string();
    assert!(
        !message.is_empty() && !message.ends_with('.'),
        "message {message:?}"
    );
}

/// What decoding a body gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyOutcome {
    /// The body ended: its bytes, its trailers, and what is left for the next message.
    Complete {
        body: Vec<u8>,
        trailers: Headers,
        rest: Vec<u8>,
    },
    Failed(WireError),
}

/// Decodes `input` as a body delimited by `framing`, handing it over as `feed` says, as a connection would: read
/// more whenever the decoder asks, and tell it about the end of the stream once nothing is left.
pub fn decode_body(
    framing: BodyFraming,
    limits: Limits,
    input: &[u8],
    mut feed: Feed,
) -> BodyOutcome {
    let mut decoder = BodyDecoder::new(framing, limits);
    let mut buf = BytesMut::new();
    let mut body = Vec::new();
    let mut fed = 0;
    // Each event either delivers a byte, consumes framing or asks for more: far fewer than this.
    let mut budget = 4 * input.len() + 16;
    loop {
        budget = budget
            .checked_sub(1)
            .expect("the decoder keeps returning events without making progress");
        match decoder.decode(&mut buf) {
            Ok(BodyEvent::Data(data)) => {
                assert!(!data.is_empty(), "an empty Data event");
                body.extend_from_slice(&data);
            }
            Ok(BodyEvent::End(trailers)) => {
                assert!(decoder.is_done());
                let mut rest = buf.to_vec();
                rest.extend_from_slice(&input[fed..]);
                return BodyOutcome::Complete {
                    body,
                    trailers,
                    rest,
                };
            }
            Ok(BodyEvent::Incomplete) if fed < input.len() => {
                let take = feed.next_len(input.len() - fed).max(1);
                buf.extend_from_slice(&input[fed..fed + take]);
                fed += take;
            }
            Ok(BodyEvent::Incomplete) => {
                return match decoder.decode_eof() {
                    Ok(BodyEvent::End(trailers)) => {
                        assert_eq!(
                            framing,
                            BodyFraming::CloseDelimited,
                            "EOF ended a {framing:?} body"
                        );
                        BodyOutcome::Complete {
                            body,
                            trailers,
                            rest: buf.to_vec(),
                        }
                    }
                    Ok(other) => panic!("decode_eof gave {other:?}"),
                    Err(error) => BodyOutcome::Failed(error),
                };
            }
            Err(error) => return BodyOutcome::Failed(error),
        }
    }
}

/// The chunked-body target: the input read as a chunked body in every way a connection could deliver it, then
/// the same bytes driving a structured round trip through the encoder.
pub fn chunked_body(data: &[u8]) {
    for limits in [Limits::default(), TIGHT] {
        let whole = decode_body(BodyFraming::Chunked, limits, data, Feed::Whole);
        for feed in [Feed::ByteByByte, Feed::Pieces(Pieces::for_input(data))] {
            assert_eq!(
                decode_body(BodyFraming::Chunked, limits, data, feed.clone()),
                whole,
                "fed as {feed:?}, the body decodes differently than fed whole"
            );
        }
        match &whole {
            BodyOutcome::Complete { .. } => check_against_reference(data, &whole),
            BodyOutcome::Failed(error) => check_error(error, &[400, 413, 431]),
        }
    }
    let _ = chunked_round_trip(&mut Unstructured::new(data));
}

/// A successful chunked decode must agree, byte for byte, with the straightforward reading of RFC 9112
/// section 7.1 in [`reference_chunked`]: same body, same trailers, and the same end, so that the next message
/// starts where both say it does.
fn check_against_reference(input: &[u8], outcome: &BodyOutcome) {
    let BodyOutcome::Complete {
        body,
        trailers,
        rest,
    } = outcome
    else {
        return;
    };
    let Some(reference) = reference_chunked(input) else {
        panic!("accepted a chunked body that the reference reading rejects");
    };
    let ours: Vec<(String, Vec<u8>)> = trailers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_vec()))
        .collect();
    assert_eq!(body, &reference.body, "body differs from the reference");
    assert_eq!(
        ours, reference.trailers,
        "trailers differ from the reference"
    );
    assert_eq!(
        input.len() - rest.len(),
        reference.consumed,
        "the body ends somewhere else than the reference says"
    );
}

/// A chunked body as the reference reads it.
#[derive(Debug)]
pub struct ReferenceChunked {
    pub body: Vec<u8>,
    pub trailers: Vec<(String, Vec<u8>)>,
    pub consumed: usize,
}

/// RFC 9112 section 7.1, written plainly and without limits: `chunk-size [ BWS ";" ext ] CRLF`, data, CRLF,
/// ..., `0` line, then trailer lines (CRLF or a bare LF, as for heads) up to the first empty line. `None` for an
/// incomplete or invalid body.
pub fn reference_chunked(input: &[u8]) -> Option<ReferenceChunked> {
    let mut pos = 0;
    let mut body = Vec::new();
    loop {
        let line_len = input[pos..].windows(2).position(|w| w == b"\r\n")?;
        let line = &input[pos..pos + line_len];
        if line.contains(&b'\n') || line.contains(&b'\r') {
            return None;
        }
        // `1*HEXDIG`: any number of leading zeros, then at most 64 bits.
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let zeros = line[..digits].iter().take_while(|&&b| b == b'0').count();
        if digits == 0 || digits - zeros > 16 {
            return None;
        }
        let after = &line[digits..];
        let spaces = after
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let ext = &after[spaces..];
        let ext_ok = match ext.first() {
            None => spaces == 0,
            Some(b';') => is_field_value(ext),
            Some(_) => false,
        };
        if !ext_ok {
            return None;
        }
        let size = line[zeros..digits].iter().fold(0u64, |size, &b| {
            size << 4 | u64::from(char::from(b).to_digit(16).expect("a hex digit"))
        });
        pos += line_len + 2;
        if size == 0 {
            break;
        }
        let size = usize::try_from(size).ok()?;
        let data = input.get(pos..pos.checked_add(size)?)?;
        body.extend_from_slice(data);
        pos += size;
        if input.get(pos..pos + 2)? != b"\r\n" {
            return None;
        }
        pos += 2;
    }
    let mut trailers = Vec::new();
    loop {
        let nl = input[pos..].iter().position(|&b| b == b'\n')?;
        let raw = &input[pos..pos + nl];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        pos += nl + 1;
        if line.is_empty() {
            break;
        }
        if line.contains(&b'\r') {
            return None;
        }
        let colon = line.iter().position(|&b| b == b':')?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if !is_token(name) || !is_field_value(value) {
            return None;
        }
        trailers.push((String::from_utf8(name.to_vec()).ok()?, value.to_vec()));
    }
    Some(ReferenceChunked {
        body,
        trailers,
        consumed: pos,
    })
}

/// Chunks and trailers made from the input, encoded by our encoder and followed by the next request: decoding
/// gives back exactly the chunks, the trailers and the next request, in any pieces; and the body limit is
/// exact (the body's own size passes, one byte less is a 413).
fn chunked_round_trip(u: &mut Unstructured<'_>) -> ArbitraryResult<()> {
    let chunks: Vec<Vec<u8>> = u.arbitrary()?;
    let mut trailers = Headers::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let name: Vec<u8> = (0..u.int_in_range(1..=12)?)
            .map(|_| u.arbitrary::<u8>().map(to_tchar))
            .collect::<ArbitraryResult<_>>()?;
        let value: Vec<u8> = (0..u.int_in_range(0..=24)?)
            .map(|_| u.arbitrary::<u8>().map(to_field_byte))
            .collect::<ArbitraryResult<_>>()?;
        let name = String::from_utf8(name).expect("tchars are ASCII");
        trailers
            .append(&name, &value)
            .expect("generated fields are valid");
    }
    let body: Vec<u8> = chunks.concat();
    let mut wire = Vec::new();
    for chunk in &chunks {
        encode_chunk(chunk, &mut wire);
    }
    encode_last_chunk(&trailers, &mut wire);
    let next = b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
    wire.extend_from_slice(next);

    let size = body.len() as u64;
    let limits = Limits {
        max_body: size,
        ..Limits::default()
    };
    let expected = BodyOutcome::Complete {
        body,
        trailers,
        rest: next.to_vec(),
    };
    for feed in [
        Feed::Whole,
        Feed::ByteByByte,
        Feed::Pieces(Pieces::for_input(&wire)),
    ] {
        assert_eq!(
            decode_body(BodyFraming::Chunked, limits, &wire, feed.clone()),
            expected,
            "round trip fed as {feed:?}"
        );
    }
    if size > 0 {
        let smaller = Limits {
            max_body: size - 1,
            ..limits
        };
        assert_eq!(
            decode_body(BodyFraming::Chunked, smaller, &wire, Feed::Whole),
            BodyOutcome::Failed(WireError::BodyTooLarge { limit: size - 1 }),
            "a body one byte over the limit"
        );
    }
    Ok(())
}

fn to_tchar(b: u8) -> u8 {
    const TCHARS: &[u8] =
        b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let c = TCHARS[usize::from(b) % TCHARS.len()];
    debug_assert!(is_tchar(c));
    c
}

fn to_field_byte(b: u8) -> u8 {
    match b {
        b'\t' | 0x20..=0x7e | 0x80..=0xff => b,
        _ => b'x',
    }
}

/// What reading a response gave, as the probe reads one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// The statuses of the heads read before the stream stopped or went wrong.
    HeadIncomplete(Vec<u16>),
    HeadFailed(Vec<u16>, WireError),
    FramingFailed(Vec<u16>, WireError),
    Body(Vec<u16>, BodyFraming, BodyOutcome),
}

/// The response target: the input as everything a server sent, read as the probe reads it, for a GET and for a
/// HEAD.
pub fn response_probe(data: &[u8]) {
    for is_head in [false, true] {
        let whole = probe_read(data, is_head, Feed::Whole);
        let pieces = probe_read(data, is_head, Feed::Pieces(Pieces::for_input(data)));
        assert_eq!(pieces, whole, "the body reads differently in pieces");
    }
}

/// The probe's reading: heads until a final one (interim 1xx heads are recorded and skipped; 101 is final and
/// has no body), then the body by the final head's framing, with no body limit.
pub fn probe_read(data: &[u8], is_head: bool, feed: Feed) -> ProbeOutcome {
    let limits = Limits {
        max_body: u64::MAX,
        ..Limits::default()
    };
    let mut pos = 0;
    let mut statuses = Vec::new();
    let head = loop {
        let rest = &data[pos..];
        match parse_response_head(rest, &limits) {
            Ok(Some((head, len))) => {
                if statuses.is_empty() {
                    check_response_head(rest, &head, len, &limits);
                }
                statuses.push(head.status);
                pos += len;
                if !head.is_interim() {
                    break head;
                }
            }
            Ok(None) => {
                if statuses.is_empty() {
                    check_response_prefixes(rest, &Ok(None), &limits);
                }
                return ProbeOutcome::HeadIncomplete(statuses);
            }
            Err(error) => {
                check_error(&error, &[400, 431, 502]);
                if statuses.is_empty() {
                    check_response_prefixes(rest, &Err(error.clone()), &limits);
                }
                return ProbeOutcome::HeadFailed(statuses, error);
            }
        }
    };
    let framing = if head.status == 101 {
        BodyFraming::None
    } else {
        match head.framing(is_head) {
            Ok(framing) => framing,
            Err(error) => return ProbeOutcome::FramingFailed(statuses, error),
        }
    };
    let rest = &data[pos..];
    let outcome = decode_body(framing, limits, rest, feed);
    if let BodyOutcome::Complete {
        body, rest: left, ..
    } = &outcome
    {
        match framing {
            BodyFraming::None => assert!(body.is_empty() && left == rest),
            BodyFraming::Length(n) => assert_eq!(body.len() as u64, n),
            BodyFraming::CloseDelimited => assert!(body == rest && left.is_empty()),
            BodyFraming::Chunked => check_against_reference(rest, &outcome),
        }
    }
    ProbeOutcome::Body(statuses, framing, outcome)
}

/// A parsed response head: within bounds, the same from its own bytes and from any longer input, and read back
/// the same once written out by our own encoder.
fn check_response_head(buf: &[u8], head: &ResponseHead, len: usize, limits: &Limits) {
    assert!(
        len > 0 && len <= buf.len(),
        "consumed {len} of {}",
        buf.len()
    );
    assert!((100..=599).contains(&head.status), "status {}", head.status);
    assert!(head.headers.len() <= limits.max_headers);
    let verdict = Ok(Some((head.clone(), len)));
    assert_eq!(
        parse_response_head(&buf[..len], limits),
        verdict,
        "the head alone parses differently"
    );
    check_response_prefixes(buf, &verdict, limits);
    let mut wire = Vec::new();
    encode_response_head(head.status, &head.reason, &head.headers, &mut wire);
    let again = parse_response_head(&wire, &relaxed(limits))
        .unwrap_or_else(|e| {
            panic!(
                "our own head {:?} fails: {e}",
                String::from_utf8_lossy(&wire)
            )
        })
        .expect("our own head is complete");
    assert_eq!(again.1, wire.len());
    assert_eq!(
        (again.0.status, &again.0.reason, &again.0.headers),
        (head.status, &head.reason, &head.headers),
        "round trip through {:?}",
        String::from_utf8_lossy(&wire)
    );
}

type ResponseVerdict = Result<Option<(ResponseHead, usize)>, WireError>;

fn check_response_prefixes(buf: &[u8], verdict: &ResponseVerdict, limits: &Limits) {
    for cut in cut_points(buf) {
        match parse_response_head(&buf[..cut], limits) {
            Ok(None) => {}
            prefix => assert_eq!(
                &prefix, verdict,
                "the first {cut} bytes of a response gave a verdict that the whole contradicts"
            ),
        }
    }
}
