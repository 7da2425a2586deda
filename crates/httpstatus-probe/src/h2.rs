//! HTTP/2 over any byte stream (TLS with ALPN `h2`, or cleartext with prior knowledge) with the `h2` crate's
//! client. Every interim response is read with `ResponseFuture::poll_informational` before the final one.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::record::{Clock, FinalRecord, ResponseRecord, Transcript, millis};
use crate::request::ProbeRequest;
use crate::{CONTINUE_WAIT, explain};

/// The most header bytes accepted in one response head: HTTP/1.1 allows 32 KiB, and HTTP/2 counts 32 bytes more
/// per field than the wire carries.
const MAX_HEADER_LIST: u32 = 64 * 1024;

/// When the request left: the first write after it was handed to the connection.
#[derive(Debug, Default)]
struct WriteClock {
    /// Set once the request is queued; writes before it are the connection preface and settings.
    armed: bool,
    sent: Option<Instant>,
}

/// The stream, with the moment of the request's first write recorded.
struct Timed<S> {
    inner: S,
    clock: Arc<Mutex<WriteClock>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Timed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Timed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(_)) = result {
            if let Ok(mut clock) = self.clock.lock() {
                if clock.armed && clock.sent.is_none() {
                    clock.sent = Some(Instant::now());
                }
            }
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn record<T>(response: &http::Response<T>, at_ms: f64) -> ResponseRecord {
    let status = response.status().as_u16();
    ResponseRecord {
        status,
        reason: String::new(),
        interim: (100..200).contains(&status) && status != 101,
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        at_ms,
        explanation: explain(status),
    }
}

/// Sends the request body, once, ending the stream.
fn send_body(send: &mut h2::SendStream<Bytes>, body: &mut Option<Bytes>) -> Result<(), String> {
    match body.take() {
        Some(data) => send.send_data(data, true).map_err(|e| describe(&e)),
        None => Ok(()),
    }
}

/// Why HTTP/2 failed, in words.
fn describe(error: &h2::Error) -> String {
    if let Some(reason) = error.reason() {
        if error.is_remote() {
            if error.is_go_away() {
                return format!("the server closed the HTTP/2 connection (GOAWAY, {reason:?})");
            }
            return format!("the server reset the stream (RST_STREAM, {reason:?})");
        }
        return format!("the server broke the HTTP/2 protocol: {error}");
    }
    if error.is_io() {
        return format!("the connection failed: {error}");
    }
    format!("HTTP/2 failed: {error}")
}

/// Sends the request over HTTP/2 and reads every response.
pub(crate) async fn exchange<S>(
    stream: S,
    request: &ProbeRequest,
    transcript: &mut Transcript,
    clock: &mut Clock,
) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let write_clock = Arc::new(Mutex::new(WriteClock::default()));
    let io = Timed {
        inner: stream,
        clock: write_clock.clone(),
    };
    let (client, connection) = h2::client::Builder::new()
        .enable_push(false)
        .max_header_list_size(MAX_HEADER_LIST)
        .handshake::<_, Bytes>(io)
        .await
        .map_err(|e| describe(&e))?;
    let driver = tokio::spawn(connection);
    let result = exchange_on(client, request, transcript, clock, &write_clock).await;
    driver.abort();
    result
}

async fn exchange_on(
    client: h2::client::SendRequest<Bytes>,
    request: &ProbeRequest,
    transcript: &mut Transcript,
    clock: &mut Clock,
    write_clock: &Arc<Mutex<WriteClock>>,
) -> Result<(), String> {
    let mut client = client.ready().await.map_err(|e| describe(&e))?;
    let uri = request.target.url();
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(uri.as_str());
    for (name, value) in request.h2_fields() {
        builder = builder.header(name, value);
    }
    let http_request = builder
        .body(())
        .map_err(|e| format!("cannot build the HTTP/2 request: {e}"))?;
    if let Ok(mut w) = write_clock.lock() {
        w.armed = true;
    }
    let queued = Instant::now();
    let (mut response, mut send) = client
        .send_request(http_request, request.body.is_none())
        .map_err(|e| describe(&e))?;
    // With `Expect: 100-continue` the body waits for a 100 (or a second, as curl waits); a final response
    // first means it is not sent at all (RFC 9110 section 10.1.1).
    let mut body = request.body.clone().map(Bytes::from);
    let continue_deadline = tokio::time::Instant::now() + CONTINUE_WAIT;
    if !request.expects_continue() {
        send_body(&mut send, &mut body)?;
    }
    let sent_at = |clock: &mut Clock| {
        if clock.sent.is_none() {
            let sent = write_clock
                .lock()
                .ok()
                .and_then(|w| w.sent)
                .unwrap_or(queued);
            clock.sent = Some(sent);
        }
    };

    loop {
        let informational = std::future::poll_fn(|cx| response.poll_informational(cx));
        let next = if body.is_some() {
            match tokio::time::timeout_at(continue_deadline, informational).await {
                Ok(next) => next,
                Err(_) => {
                    send_body(&mut send, &mut body)?;
                    continue;
                }
            }
        } else {
            informational.await
        };
        match next {
            Some(Ok(interim)) => {
                let now = Instant::now();
                sent_at(clock);
                clock.first_byte.get_or_insert(now);
                transcript
                    .responses
                    .push(record(&interim, clock.since_sent(now)));
                if interim.status() == http::StatusCode::CONTINUE {
                    send_body(&mut send, &mut body)?;
                }
            }
            Some(Err(e)) => {
                sent_at(clock);
                return Err(describe(&e));
            }
            None => break,
        }
    }
    let response = response.await;
    let now = Instant::now();
    sent_at(clock);
    let response = response.map_err(|e| describe(&e))?;
    clock.first_byte.get_or_insert(now);
    clock.final_head = Some(now);
    transcript
        .responses
        .push(record(&response, clock.since_sent(now)));
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut body_bytes = 0u64;
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| {
            format!(
                "the body was cut short after {body_bytes} bytes: {}",
                describe(&e)
            )
        })?;
        body_bytes += chunk.len() as u64;
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    body.trailers()
        .await
        .map_err(|e| format!("the trailers were malformed: {}", describe(&e)))?;
    let done = Instant::now();
    clock.done = Some(done);
    transcript.final_response = Some(FinalRecord {
        status,
        body_bytes,
        framing: "h2-data",
        ttfb_ms: clock.since_sent(clock.first_byte.unwrap_or(now)),
        ttfb_final_ms: clock.since_sent(now),
        total_ms: millis(done.duration_since(clock.start)),
    });
    Ok(())
}
