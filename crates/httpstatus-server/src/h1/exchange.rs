//! One request and its response as a handler sees it: read the body (sending `100 Continue` only then), send
//! interim responses, then one final response (whole, streamed, or a protocol switch). The exchange tracks what
//! was sent so that the server can finish the connection correctly whatever the handler did.

use std::io;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use httpstatus_wire::{
    BodyDecoder, BodyEvent, Headers, RequestHead, Version, WireError, encode_chunk, encode_field,
    encode_last_chunk, encode_status_line,
};
use tokio::sync::watch;

use crate::Config;
use crate::connection::{Connection, ReadMoreError, Upgraded};
use crate::date::http_date_bytes;
use crate::response::Response;

/// Why an exchange could not go on. Returned by the exchange's methods; a handler passes it up with `?` and
/// the server answers it (when no final response was sent yet) and closes the connection.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The request body broke the protocol or a limit; answered with the error's status.
    #[error("{0}")]
    Request(#[from] WireError),
    /// The client stopped sending the body; answered with 408.
    #[error("the request body stalled for longer than the body read timeout")]
    BodyTimeout,
    /// The handler used the exchange in a way HTTP does not allow (a second final response, say); answered
    /// with 500.
    #[error("the handler misused the exchange: {0}")]
    Misuse(&'static str),
    /// The connection failed; nothing more can be sent.
    #[error("connection error: {0}")]
    Io(#[from] io::Error),
}

/// What has gone out so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Nothing, or interim responses only: a final response can still be sent.
    NoFinal,
    /// A streamed final response is in progress; `chunked` is false when the body ends at close (HTTP/1.0).
    Streaming { chunked: bool },
    /// The final response is complete.
    Done,
    /// `101 Switching Protocols` went out; the connection belongs to another protocol now.
    Upgraded,
}

/// The handler's side of one request.
pub struct Exchange<'c> {
    /// The connection; the exchange writes only through it.
    conn: &'c mut Connection,
    /// Limits and timeouts.
    config: &'c Config,
    /// Turns true when the server starts shutting down, so the final response says `Connection: close`.
    stopping: &'c watch::Receiver<bool>,
    /// The request head, as parsed and checked by the wire layer.
    request: RequestHead,
    /// Removes the body framing; done at once for requests without a body.
    body: BodyDecoder,
    /// Whether `100 Continue` went out (only ever after `Expect: 100-continue` and a read of the body).
    continue_sent: bool,
    /// Interim statuses sent, in order.
    interim: Vec<u16>,
    /// What has been sent.
    pub(crate) sent: Sent,
    /// Whether the connection stays open after this exchange; decided when the final head is written.
    pub(crate) keep_alive: bool,
    /// The final status, for the access log.
    pub(crate) status: Option<u16>,
    /// Body bytes sent, for the access log.
    pub(crate) body_bytes: u64,
    /// When the request head was complete.
    pub(crate) started: Instant,
}

impl<'c> Exchange<'c> {
    pub(crate) fn new(
        conn: &'c mut Connection,
        config: &'c Config,
        stopping: &'c watch::Receiver<bool>,
        request: RequestHead,
    ) -> Self {
        let body = BodyDecoder::new(request.framing, config.limits);
        Exchange {
            conn,
            config,
            stopping,
            request,
            body,
            continue_sent: false,
            interim: Vec::new(),
            sent: Sent::NoFinal,
            keep_alive: false,
            status: None,
            body_bytes: 0,
            started: Instant::now(),
        }
    }

    /// The request head.
    pub fn request(&self) -> &RequestHead {
        &self.request
    }

    /// The interim statuses sent so far, in order.
    pub fn interim_sent(&self) -> &[u16] {
        &self.interim
    }

    /// Whether interim responses can reach this client: not for HTTP/1.0 (RFC 9110 section 15.2) and not
    /// after the final head.
    pub fn can_send_interim(&self) -> bool {
        self.request.version == Version::Http11 && self.sent == Sent::NoFinal
    }

    /// Sends an interim (1xx) response before the final one. Returns false, sending nothing, when the client
    /// speaks HTTP/1.0. `101` is not interim: use [`Exchange::upgrade`].
    pub async fn send_interim(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
    ) -> Result<bool, ExchangeError> {
        if !(100..200).contains(&status) || status == 101 {
            return Err(ExchangeError::Misuse(
                "interim responses are 1xx other than 101",
            ));
        }
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse(
                "an interim response after the final one",
            ));
        }
        if self.request.version == Version::Http10 {
            return Ok(false);
        }
        self.conn.write_buf.clear();
        encode_status_line(status, reason, &mut self.conn.write_buf);
        headers.encode(&mut self.conn.write_buf);
        self.conn.write_buf.extend_from_slice(b"\r\n");
        self.conn.flush_write_buf().await?;
        if status == 100 {
            self.continue_sent = true;
        }
        self.interim.push(status);
        Ok(true)
    }

    /// The next piece of the request body, or `None` at its end. The first call sends `100 Continue` when the
    /// client asked for it and no final response went out yet.
    pub async fn read_body_chunk(&mut self) -> Result<Option<Bytes>, ExchangeError> {
        if self.body.is_done() {
            return Ok(None);
        }
        if self.request.expect_continue && !self.continue_sent && self.sent == Sent::NoFinal {
            self.conn
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
            self.continue_sent = true;
            self.interim.push(100);
        }
        loop {
            match self.body.decode(&mut self.conn.read_buf)? {
                BodyEvent::Data(data) => return Ok(Some(data)),
                BodyEvent::End(_trailers) => return Ok(None),
                BodyEvent::Incomplete => {
                    match self.conn.read_more(self.config.body_read_timeout).await {
                        Ok(0) => return Err(WireError::IncompleteBody.into()),
                        Ok(_) => {}
                        Err(ReadMoreError::TimedOut) => return Err(ExchangeError::BodyTimeout),
                        Err(ReadMoreError::Io(error)) => return Err(error.into()),
                    }
                }
            }
        }
    }

    /// The whole request body (bounded by the configured body limit).
    pub async fn read_body(&mut self) -> Result<Bytes, ExchangeError> {
        let mut body = BytesMut::new();
        while let Some(data) = self.read_body_chunk().await? {
            body.extend_from_slice(&data);
        }
        Ok(body.freeze())
    }

    /// Whether the body has been read to its end (true for requests without one).
    pub fn body_is_read(&self) -> bool {
        self.body.is_done()
    }

    /// Resolves when the client goes away, so that long work can stop. Bytes it sends meanwhile are kept.
    pub async fn client_gone(&mut self) {
        let keep = self.config.limits.max_head + self.config.limits.max_body as usize;
        self.conn.closed(keep).await;
    }

    /// Sends the final response whole.
    pub async fn respond(&mut self, response: Response) -> Result<(), ExchangeError> {
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse("a second final response"));
        }
        if !(200..=599).contains(&response.status) {
            return Err(ExchangeError::Misuse(
                "a final response needs a status of 200-599 (1xx go through send_interim, 101 through upgrade)",
            ));
        }
        let no_body = self.request.is_head() || status_has_no_body(response.status);
        let length = (!matches!(response.status, 204 | 304)).then_some(response.body.len() as u64);
        self.write_final_head(
            response.status,
            &response.reason,
            &response.headers,
            Framing::Length(length),
        )?;
        if !no_body {
            self.conn.write_buf.reserve(response.body.len());
            self.conn.write_buf.extend_from_slice(&response.body);
            self.body_bytes = response.body.len() as u64;
        }
        self.sent = Sent::Done;
        self.flush_write_buf().await
    }

    /// Sends the final head of a body that follows in pieces ([`Exchange::send_chunk`], then
    /// [`Exchange::finish`]): chunked for HTTP/1.1, ended by closing the connection for HTTP/1.0.
    pub async fn start_stream(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
    ) -> Result<(), ExchangeError> {
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse("a second final response"));
        }
        if !(200..=599).contains(&status) {
            return Err(ExchangeError::Misuse(
                "a streamed response needs a status of 200-599",
            ));
        }
        let chunked = self.request.version == Version::Http11;
        if !chunked {
            self.keep_alive = false;
        }
        self.write_final_head(status, reason, headers, Framing::Stream { chunked })?;
        self.sent = if self.request.is_head() || status_has_no_body(status) {
            Sent::Done
        } else {
            Sent::Streaming { chunked }
        };
        self.flush_write_buf().await
    }

    /// Sends one piece of a streamed body (nothing for HEAD).
    pub async fn send_chunk(&mut self, data: &[u8]) -> Result<(), ExchangeError> {
        match self.sent {
            Sent::Streaming { chunked } => {
                self.conn.write_buf.clear();
                if chunked {
                    encode_chunk(data, &mut self.conn.write_buf);
                } else {
                    self.conn.write_buf.extend_from_slice(data);
                }
                self.body_bytes += data.len() as u64;
                self.flush_write_buf().await
            }
            Sent::Done if self.status.is_some() => Ok(()),
            _ => Err(ExchangeError::Misuse(
                "a body chunk without a streamed response",
            )),
        }
    }

    /// Ends a streamed body.
    pub async fn finish(&mut self) -> Result<(), ExchangeError> {
        match self.sent {
            Sent::Streaming { chunked } => {
                self.sent = Sent::Done;
                if chunked {
                    self.conn.write_buf.clear();
                    encode_last_chunk(&Headers::new(), &mut self.conn.write_buf);
                    self.flush_write_buf().await?;
                }
                Ok(())
            }
            Sent::Done => Ok(()),
            _ => Err(ExchangeError::Misuse("finish without a streamed response")),
        }
    }

    /// Sends `101 Switching Protocols` with `headers` (which name the new protocol) and hands over the
    /// connection's byte stream. The connection closes when the handler returns.
    pub async fn upgrade(&mut self, headers: &Headers) -> Result<Upgraded<'_>, ExchangeError> {
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse("an upgrade after the final response"));
        }
        if !self.request.wants_upgrade() {
            return Err(ExchangeError::Misuse(
                "an upgrade the client did not ask for",
            ));
        }
        if !self.body.is_done() {
            return Err(ExchangeError::Misuse(
                "an upgrade before the request body was read",
            ));
        }
        self.conn.write_buf.clear();
        encode_status_line(101, "Switching Protocols", &mut self.conn.write_buf);
        encode_field("Date", &http_date_bytes(), &mut self.conn.write_buf);
        headers.encode(&mut self.conn.write_buf);
        encode_field("Connection", b"Upgrade", &mut self.conn.write_buf);
        self.conn.write_buf.extend_from_slice(b"\r\n");
        self.sent = Sent::Upgraded;
        self.status = Some(101);
        self.keep_alive = false;
        self.flush_write_buf().await?;
        Ok(self.conn.upgraded())
    }

    /// Writes the final head into the connection's write buffer: status line, Date, the handler's fields (less
    /// those the server owns), framing, and Connection.
    fn write_final_head(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        framing: Framing,
    ) -> Result<(), ExchangeError> {
        let stopping = *self.stopping.borrow();
        // A client that asked for 100-continue and never got it may not send its body: we cannot find the
        // next request after it, so we close.
        let body_blocks_reuse =
            self.request.expect_continue && !self.continue_sent && !self.body.is_done();
        let stream_to_close = matches!(framing, Framing::Stream { chunked: false });
        self.keep_alive =
            self.request.keep_alive && !stopping && !body_blocks_reuse && !stream_to_close;

        self.conn.write_buf.clear();
        encode_status_line(status, reason, &mut self.conn.write_buf);
        encode_field("Date", &http_date_bytes(), &mut self.conn.write_buf);
        let mut connection: Vec<u8> = Vec::new();
        for (name, value) in headers.iter() {
            if name.eq_ignore_ascii_case("connection") {
                if !connection.is_empty() {
                    connection.extend_from_slice(b", ");
                }
                connection.extend_from_slice(value);
            } else if !is_server_owned(name) {
                encode_field(name, value, &mut self.conn.write_buf);
            }
        }
        match framing {
            Framing::Length(Some(length)) => {
                let mut digits = [0; 20];
                encode_field(
                    "Content-Length",
                    decimal(length, &mut digits),
                    &mut self.conn.write_buf,
                );
            }
            Framing::Stream { chunked: true } if !status_has_no_body(status) => {
                encode_field("Transfer-Encoding", b"chunked", &mut self.conn.write_buf);
            }
            _ => {}
        }
        let token: &[u8] = match (self.keep_alive, self.request.version) {
            (false, _) => b"close",
            (true, Version::Http10) => b"keep-alive",
            (true, Version::Http11) => b"",
        };
        if !token.is_empty() {
            if !connection.is_empty() {
                connection.extend_from_slice(b", ");
            }
            connection.extend_from_slice(token);
        }
        if !connection.is_empty() {
            encode_field("Connection", &connection, &mut self.conn.write_buf);
        }
        self.conn.write_buf.extend_from_slice(b"\r\n");
        self.status = Some(status);
        Ok(())
    }

    async fn flush_write_buf(&mut self) -> Result<(), ExchangeError> {
        self.conn
            .flush_write_buf()
            .await
            .map_err(ExchangeError::from)
    }

    /// After the handler: reads and drops whatever body it left unread, so the next request can be found.
    /// Returns false when the connection cannot be reused.
    pub(crate) async fn discard_body(&mut self) -> bool {
        if self.body.is_done() {
            return true;
        }
        if self.request.expect_continue && !self.continue_sent {
            return false;
        }
        loop {
            match self.body.decode(&mut self.conn.read_buf) {
                Ok(BodyEvent::Data(_)) => {}
                Ok(BodyEvent::End(_)) => return true,
                Ok(BodyEvent::Incomplete) => {
                    match self.conn.read_more(self.config.body_read_timeout).await {
                        Ok(n) if n > 0 => {}
                        _ => return false,
                    }
                }
                Err(_) => return false,
            }
        }
    }

    /// Sends an error response if no final response went out yet; the connection closes after it.
    pub(crate) async fn send_error(&mut self, status: u16, reason: &str, message: &str) {
        if self.sent != Sent::NoFinal {
            return;
        }
        self.request.keep_alive = false;
        let response = Response::text(
            status,
            reason.to_owned(),
            format!("{status} {reason}: {message}\n"),
        );
        let _ = self.respond(response).await;
    }
}

/// How the final body is delimited.
#[derive(Clone, Copy)]
enum Framing {
    /// A whole body: `Content-Length` when `Some`.
    Length(Option<u64>),
    /// A streamed body.
    Stream { chunked: bool },
}

/// `n` in decimal, written into `digits` without allocating.
fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[start..];
        }
    }
}

/// 1xx, 204 and 304 never carry a body (RFC 9110 sections 15.2, 15.3.5, 15.4.5).
pub(crate) fn status_has_no_body(status: u16) -> bool {
    matches!(status, 100..=199 | 204 | 304)
}

/// Fields the server writes itself; a handler's copies are dropped.
fn is_server_owned(name: &str) -> bool {
    ["date", "content-length", "transfer-encoding", "keep-alive"]
        .iter()
        .any(|owned| name.len() == owned.len() && name.eq_ignore_ascii_case(owned))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_writes_every_magnitude() {
        for n in [0, 7, 10, 183, 65_535, 1 << 40, u64::MAX] {
            let mut digits = [0; 20];
            assert_eq!(super::decimal(n, &mut digits), n.to_string().as_bytes());
        }
    }
}
