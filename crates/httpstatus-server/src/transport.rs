//! The byte streams the engine serves: a TCP socket, or TLS over one. The rest of the engine reads and writes
//! through [`Stream`] without knowing which; this module also writes the few answers the engine sends before
//! any protocol runs (a client over the connection limit, plain HTTP on the TLS port).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use httpstatus_wire::server::encode_closing_text_response;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::server::TlsStream;

use crate::date::http_date_bytes;

/// A client connection's byte stream.
pub enum Stream {
    /// Cleartext TCP.
    Plain(TcpStream),
    /// TLS over TCP (boxed: the TLS state is large and most connections are cleartext).
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// Whether the bytes are encrypted.
    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }

    /// Makes closing the socket send a TCP RST instead of a FIN (`SO_LINGER` of zero): a reset the client
    /// sees as "connection reset by peer". Only a deliberate fault does this.
    pub(crate) fn reset_on_close(&self) {
        let tcp = match self {
            Stream::Plain(stream) => stream,
            Stream::Tls(stream) => stream.get_ref().0,
        };
        let _ = tcp.set_zero_linger();
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(stream) => Pin::new(stream).poll_read(cx, buf),
            Stream::Tls(stream) => Pin::new(stream).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(stream) => Pin::new(stream).poll_write(cx, buf),
            Stream::Tls(stream) => Pin::new(stream).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Stream::Tls(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(stream) => stream.is_write_vectored(),
            Stream::Tls(stream) => stream.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(stream) => Pin::new(stream).poll_flush(cx),
            Stream::Tls(stream) => Pin::new(stream).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(stream) => Pin::new(stream).poll_shutdown(cx),
            Stream::Tls(stream) => Pin::new(stream).poll_shutdown(cx),
        }
    }
}

/// How long each step of an engine-level answer may take (write, then drain).
const ANSWER_STEP: Duration = Duration::from_millis(250);

/// Sends a whole closing answer on a socket no protocol runs on yet, then drains what the client still sends
/// for a moment, so that closing does not reset the connection before the client read the answer.
pub(crate) async fn answer_and_close(
    mut stream: TcpStream,
    status: u16,
    reason: &str,
    extra: &[(&str, &[u8])],
    body: &str,
) {
    let mut response = Vec::with_capacity(256 + body.len());
    encode_closing_text_response(
        status,
        reason,
        &http_date_bytes(),
        extra,
        body,
        &mut response,
    );
    let _ = stream.set_nodelay(true);
    let written = timeout(ANSWER_STEP, stream.write_all(&response)).await;
    if matches!(written, Ok(Ok(()))) {
        let _ = timeout(ANSWER_STEP, stream.shutdown()).await;
        let mut sink = [0u8; 4096];
        let _ = timeout(ANSWER_STEP, async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }
}

/// The first byte a client sent, without taking it from the socket; `None` when it sent nothing in time.
pub(crate) async fn peek_first_byte(stream: &TcpStream, wait: Duration) -> Option<u8> {
    let mut byte = [0u8; 1];
    match timeout(wait, stream.peek(&mut byte)).await {
        Ok(Ok(1)) => Some(byte[0]),
        _ => None,
    }
}
