//! The HTTP/1.1 connection's I/O: buffered reads of request heads and bodies with their timeouts, writes with
//! a timeout, watching for the client going away, the raw byte stream after a protocol switch, and noticing
//! the HTTP/2 connection preface of a client with prior knowledge (h2c).

use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use httpstatus_wire::{Limits, RequestHead, WireError, parse_request_head};

use crate::transport::Stream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::time::{Instant, Sleep, sleep_until, timeout};

/// The wait for a request head ran out.
struct Elapsed;

/// Why no request head could be read.
#[derive(Debug)]
pub(crate) enum HeadError {
    /// The client closed the connection, or sent nothing before the idle timeout: close quietly.
    Closed,
    /// Part of a head arrived but not all of it in time: answer 408.
    TimedOut,
    /// The head is malformed or over a limit: answer with the error's status.
    Wire(WireError),
    /// The socket failed; there is no one to answer.
    Io,
    /// The client opened with the HTTP/2 connection preface (RFC 9113 section 3.4): hand it to HTTP/2.
    Http2Preface,
}

/// The HTTP/2 client connection preface.
pub(crate) const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A client connection: the socket and what was read from it but not yet used.
pub struct Connection {
    /// The byte stream; while HTTP/1.1 runs on it, nothing else in the server touches it.
    stream: Stream,
    /// Bytes received and not yet consumed: pipelined requests and body bytes wait here.
    pub(crate) read_buf: BytesMut,
    /// The response being written: heads and small bodies are gathered here and go out in one write. Kept
    /// across requests so that a keep-alive connection does not allocate it again for every response.
    pub(crate) write_buf: Vec<u8>,
    /// The deadline of the current wait for a request head; one timer for the connection's whole life.
    read_timer: Pin<Box<Sleep>>,
    /// How long one write may block.
    write_timeout: Duration,
    /// Set by a deliberate reset: the connection is dropped with a TCP RST, without a FIN or lingering.
    pub(crate) reset: bool,
}

/// Past this capacity the write buffer is released after use, so that one large response does not pin memory
/// for the rest of a connection's life.
const KEEP_WRITE_BUF: usize = 16 * 1024;

impl Connection {
    pub(crate) fn new(stream: Stream, write_timeout: Duration) -> Self {
        Connection {
            stream,
            read_buf: BytesMut::with_capacity(8 * 1024),
            write_buf: Vec::new(),
            read_timer: Box::pin(sleep_until(Instant::now() + write_timeout)),
            write_timeout,
            reset: false,
        }
    }

    /// Arranges for the connection to end with a TCP RST when it is dropped (see [`Connection::reset`]).
    pub(crate) fn reset_on_close(&mut self) {
        self.stream.reset_on_close();
        self.reset = true;
    }

    /// Reads the next request head. `first_byte_wait` bounds the wait for its first byte (no answer when it
    /// expires); once a byte is here the whole head must arrive within `head_timeout`.
    pub(crate) async fn read_head(
        &mut self,
        limits: &Limits,
        first_byte_wait: Duration,
        head_timeout: Duration,
        detect_http2: bool,
    ) -> Result<RequestHead, HeadError> {
        let mut deadline = if self.read_buf.is_empty() {
            None
        } else {
            Some(Instant::now() + head_timeout)
        };
        loop {
            let preface_so_far = self.read_buf.len().min(HTTP2_PREFACE.len());
            let maybe_http2 = detect_http2
                && preface_so_far > 0
                && self.read_buf[..preface_so_far] == HTTP2_PREFACE[..preface_so_far];
            if maybe_http2 && preface_so_far == HTTP2_PREFACE.len() {
                return Err(HeadError::Http2Preface);
            }
            // A beginning of the HTTP/2 preface is not parsed as HTTP/1.1: the rest of it may still come.
            if !maybe_http2 {
                match parse_request_head(&self.read_buf, limits) {
                    Ok(Some((head, used))) => {
                        self.read_buf.advance(used);
                        return Ok(head);
                    }
                    Ok(None) => {}
                    Err(error) => return Err(HeadError::Wire(error)),
                }
            }
            let at = deadline.unwrap_or_else(|| Instant::now() + first_byte_wait);
            let read = self.read_before(at).await;
            match read {
                Ok(Ok(0)) if self.read_buf.iter().all(|&b| b == b'\r' || b == b'\n') => {
                    return Err(HeadError::Closed);
                }
                // A client that half-closes after a partial head will never finish it.
                Ok(Ok(0)) => {
                    return Err(HeadError::Wire(WireError::InvalidRequestLine(
                        "the connection closed mid-head",
                    )));
                }
                Ok(Ok(_)) => {
                    if deadline.is_none() {
                        deadline = Some(Instant::now() + head_timeout);
                    }
                }
                Ok(Err(_)) => return Err(HeadError::Io),
                Err(_) if deadline.is_some() => return Err(HeadError::TimedOut),
                Err(_) => return Err(HeadError::Closed),
            }
        }
    }

    /// Reads into the buffer, or `Err(Elapsed)` at `at`. The connection keeps one timer for this and moves its
    /// deadline: moving it later, as each new request on a kept-alive connection does, costs no registration
    /// with the timer wheel.
    async fn read_before(&mut self, at: Instant) -> Result<io::Result<usize>, Elapsed> {
        if self.read_timer.deadline() != at {
            self.read_timer.as_mut().reset(at);
        }
        tokio::select! {
            biased;
            read = self.stream.read_buf(&mut self.read_buf) => Ok(read),
            _ = self.read_timer.as_mut() => Err(Elapsed),
        }
    }

    /// Reads more bytes into the buffer; `Ok(0)` means the client closed its side.
    pub(crate) async fn read_more(&mut self, wait: Duration) -> Result<usize, ReadMoreError> {
        match timeout(wait, self.stream.read_buf(&mut self.read_buf)).await {
            Ok(Ok(n)) => Ok(n),
            Ok(Err(error)) => Err(ReadMoreError::Io(error)),
            Err(_) => Err(ReadMoreError::TimedOut),
        }
    }

    /// Writes all of `bytes`, failing if the client does not take them within the write timeout.
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        write_within(&mut self.stream, bytes, self.write_timeout).await
    }

    /// Writes and empties [`Connection::write_buf`].
    pub(crate) async fn flush_write_buf(&mut self) -> io::Result<()> {
        let result = write_within(&mut self.stream, &self.write_buf, self.write_timeout).await;
        if self.write_buf.capacity() > KEEP_WRITE_BUF {
            self.write_buf = Vec::new();
        } else {
            self.write_buf.clear();
        }
        result
    }

    /// Resolves when the client closes the connection or it fails. Bytes that arrive meanwhile (a pipelined
    /// request, say) are kept; past `keep` buffered bytes we stop reading and wait forever.
    pub(crate) async fn closed(&mut self, keep: usize) {
        loop {
            if self.read_buf.len() >= keep {
                std::future::pending::<()>().await;
            }
            match self.stream.read_buf(&mut self.read_buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    /// Sends a TCP FIN after the last response so the client sees a clean end.
    pub(crate) async fn shutdown(&mut self) {
        let _ = timeout(self.write_timeout, self.stream.shutdown()).await;
    }

    /// After an error response: keeps reading (and dropping) what the client still sends, for a short while,
    /// so that closing does not reset the connection before the client has read our answer.
    pub(crate) async fn linger(&mut self) {
        let mut budget: usize = 1024 * 1024;
        let _ = timeout(Duration::from_secs(1), async {
            loop {
                self.read_buf.clear();
                match self.stream.read_buf(&mut self.read_buf).await {
                    Ok(n) if n > 0 && n < budget => budget -= n,
                    _ => return,
                }
            }
        })
        .await;
    }

    /// The raw byte stream for a protocol that took over after `101 Switching Protocols`.
    pub(crate) fn upgraded(&mut self) -> Upgraded<'_> {
        Upgraded { connection: self }
    }
}

#[derive(Debug)]
pub(crate) enum ReadMoreError {
    TimedOut,
    Io(io::Error),
}

/// The connection after a protocol switch: reads first return the bytes already buffered (the client may send
/// its first frames right behind the upgrade request), then come from the socket.
pub struct Upgraded<'c> {
    connection: &'c mut Connection,
}

impl AsyncRead for Upgraded<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let connection = &mut *self.connection;
        if !connection.read_buf.is_empty() {
            let n = connection.read_buf.len().min(buf.remaining());
            buf.put_slice(&connection.read_buf[..n]);
            connection.read_buf.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut connection.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded<'_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.connection.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.connection.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.connection.stream).poll_shutdown(cx)
    }
}

/// Writes all of `bytes`, failing if the client does not take them within `limit`. Most writes complete at their
/// first attempt, which therefore goes without a timer (no clock read, no timer entry); only a write that has
/// to wait for the client gets one.
async fn write_within(stream: &mut Stream, bytes: &[u8], limit: Duration) -> io::Result<()> {
    let mut write = std::pin::pin!(stream.write_all(bytes));
    if let Poll::Ready(result) = poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await {
        return result;
    }
    match timeout(limit, write).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client did not read the response in time",
        )),
    }
}
