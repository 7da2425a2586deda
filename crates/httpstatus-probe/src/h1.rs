//! HTTP/1.1 over any byte stream: writes the request, and reads the response with the wire layer's client
//! state machine ([`ResponseReader`]); this module only moves bytes and keeps time.

use std::time::{Duration, Instant};

use bytes::BytesMut;
use httpstatus_wire::client::{
    BodyRelease, ClientError, ClientEvent, RequestShape, ResponseReader,
};
use httpstatus_wire::{BodyFraming, Limits, ResponseHead};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::record::{Clock, FinalRecord, ResponseRecord, Transcript};
use crate::request::ProbeRequest;
use crate::{CONTINUE_WAIT, explain};

/// How long to look for bytes after the end of the response (a body on a 204, a late 1xx).
const STRAY_WAIT: Duration = Duration::from_millis(100);

fn record(head: &ResponseHead, at_ms: f64) -> ResponseRecord {
    ResponseRecord {
        status: head.status,
        reason: head.reason.clone(),
        interim: head.is_interim(),
        headers: head
            .headers
            .iter()
            .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
        at_ms,
        explanation: explain(head.status),
    }
}

fn framing_name(status: u16, framing: BodyFraming) -> &'static str {
    match framing {
        _ if status == 101 => "switched-protocols",
        BodyFraming::None => "none",
        BodyFraming::Length(_) => "content-length",
        BodyFraming::Chunked => "chunked",
        BodyFraming::CloseDelimited => "close-delimited",
    }
}

/// Sends the request and reads every response on `stream`.
pub(crate) async fn exchange<S>(
    mut stream: S,
    request: &ProbeRequest,
    transcript: &mut Transcript,
    clock: &mut Clock,
) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let shape = RequestShape {
        is_head: request.is_head(),
        expects_continue: request.expects_continue() && request.body.is_some(),
    };
    let limits = Limits {
        max_body: u64::MAX,
        ..Limits::default()
    };
    let mut reader = ResponseReader::new(shape, limits);
    let mut body_pending = request.body.is_some();
    let mut out = request.head_bytes();
    if reader.body_release() == BodyRelease::Send {
        out.extend_from_slice(request.body.as_deref().unwrap_or_default());
        body_pending = false;
    }
    stream
        .write_all(&out)
        .await
        .map_err(|e| format!("cannot send the request: {e}"))?;
    stream
        .flush()
        .await
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let sent = Instant::now();
    clock.sent = Some(sent);

    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut last_read = sent;
    let mut final_status = None;
    let mut framing = "none";
    let mut body_bytes = 0u64;
    let mut ended = false;
    loop {
        let event = match reader.next_event(&mut buf) {
            Ok(ClientEvent::Incomplete) if ended => match reader.end_of_input(&mut buf) {
                Ok(ClientEvent::Stray(bytes)) => {
                    transcript.stray_body_bytes += bytes.len();
                    break;
                }
                _ => break,
            },
            Ok(ClientEvent::Incomplete) => {
                if body_pending && reader.body_release() == BodyRelease::Send {
                    send_body(&mut stream, request, &mut body_pending).await?;
                }
                let wait = (body_pending && reader.body_release() == BodyRelease::Wait)
                    .then(|| (sent + CONTINUE_WAIT).saturating_duration_since(Instant::now()));
                let read = match wait {
                    Some(wait) => match tokio::time::timeout(wait, stream.read_buf(&mut buf)).await
                    {
                        Ok(read) => read,
                        Err(_) => {
                            reader.stop_waiting_for_continue();
                            continue;
                        }
                    },
                    None => stream.read_buf(&mut buf).await,
                };
                match read {
                    Ok(0) => reader.end_of_input(&mut buf),
                    Ok(_) => {
                        last_read = Instant::now();
                        clock.first_byte.get_or_insert(last_read);
                        continue;
                    }
                    // A reset after the whole response is how some servers close; before it, it cuts it short.
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                        reader.end_of_input(&mut buf)
                    }
                    Err(e) => return Err(format!("reading the response failed: {e}")),
                }
            }
            other => other,
        };
        match event {
            Ok(ClientEvent::Interim(head)) => {
                transcript
                    .responses
                    .push(record(&head, clock.since_sent(last_read)));
            }
            Ok(ClientEvent::Final(head, body_framing)) => {
                transcript
                    .responses
                    .push(record(&head, clock.since_sent(last_read)));
                clock.final_head = Some(last_read);
                final_status = Some(head.status);
                framing = framing_name(head.status, body_framing);
                if reader.is_complete() {
                    // 101: what follows belongs to another protocol.
                    clock.done = Some(Instant::now());
                    break;
                }
            }
            Ok(ClientEvent::Data(data)) => body_bytes += data.len() as u64,
            Ok(ClientEvent::End(_)) => {
                if !ended {
                    clock.done = Some(Instant::now());
                    record_final(transcript, clock, final_status, framing, body_bytes);
                    ended = true;
                    look_for_stray_bytes(&mut stream, &mut buf).await;
                }
            }
            Ok(ClientEvent::Stray(bytes)) => transcript.stray_body_bytes += bytes.len(),
            Ok(ClientEvent::Incomplete) => break,
            Err(ClientError::ClosedInBody { received }) => {
                return Err(format!(
                    "the connection closed before the body was complete: {received} bytes arrived, {} \
                     framing promised more",
                    framing
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    if !ended {
        record_final(transcript, clock, final_status, framing, body_bytes);
    }
    Ok(())
}

fn record_final(
    transcript: &mut Transcript,
    clock: &Clock,
    status: Option<u16>,
    framing: &'static str,
    body_bytes: u64,
) {
    let (Some(status), Some(first), Some(final_head), Some(done)) =
        (status, clock.first_byte, clock.final_head, clock.done)
    else {
        return;
    };
    transcript.final_response = Some(FinalRecord {
        status,
        body_bytes,
        framing,
        ttfb_ms: clock.since_sent(first),
        ttfb_final_ms: clock.since_sent(final_head),
        total_ms: crate::record::millis(done.duration_since(clock.start)),
    });
}

/// Reads what arrives before the server closes, for a short while, so that a body on a 204 or an interim
/// response after the final one is seen. Errors end the look quietly: the response is already complete.
async fn look_for_stray_bytes<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut BytesMut) {
    let until = Instant::now() + STRAY_WAIT;
    while buf.len() < 64 * 1024 {
        let left = until.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read_buf(buf)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => break,
        }
    }
}

async fn send_body<S: AsyncWrite + Unpin>(
    stream: &mut S,
    request: &ProbeRequest,
    pending: &mut bool,
) -> Result<(), String> {
    *pending = false;
    let body = request.body.as_deref().unwrap_or_default();
    stream
        .write_all(body)
        .await
        .map_err(|e| format!("cannot send the request body: {e}"))?;
    stream
        .flush()
        .await
        .map_err(|e| format!("cannot send the request body: {e}"))
}
