//! One request and its response as a handler sees it, whatever the protocol: read the body (a `100 Continue`
//! goes out only then), send interim responses, then one final response (whole, streamed with optional
//! trailers, or a protocol switch over HTTP/1.1). The exchange enforces the order HTTP requires and tracks
//! what was sent, so that the engine can finish the response correctly whatever the handler did. How each
//! step reaches the wire is the protocol's business: [`crate::h1`] or [`crate::h2`].

use std::any::Any;
use std::io;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use httpstatus_wire::{Headers, WireError};

use crate::Config;
use crate::h1::connection::Upgraded;
use crate::h1::exchange::H1;
use crate::h2::exchange::H2;
use crate::handler::{CatchPanic, Handler, panic_message};
use crate::log::access_log;
use crate::request::{Protocol, Request};
use crate::response::Response;

/// Why an exchange could not go on. Returned by the exchange's methods; a handler passes it up with `?` and
/// the engine answers it (when no final response was sent yet) and ends the exchange.
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
    /// The connection or stream failed; nothing more can be sent.
    #[error("connection error: {0}")]
    Io(#[from] io::Error),
}

/// What has gone out so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Nothing, or interim responses only: a final response can still be sent.
    NoFinal,
    /// A streamed final response is in progress.
    Streaming,
    /// The final response is complete.
    Done,
    /// `101 Switching Protocols` went out; the connection belongs to another protocol now.
    Upgraded,
    /// The handler broke the protocol on purpose ([`Exchange::write_raw`], [`Exchange::fault`]): nothing more is
    /// sent and the connection (HTTP/1.1) or stream (HTTP/2) is not reused.
    Faulted,
}

/// How a deliberately broken response ends, for testing clients: the only ways the engine breaks the protocol,
/// and only when a handler asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP/1.x: the TCP connection is reset (an RST, no FIN). HTTP/2: the stream is reset with
    /// `RST_STREAM` and `INTERNAL_ERROR`; the connection and its other streams go on.
    Reset,
    /// HTTP/1.x: the connection is closed with a FIN where the response is not complete. HTTP/2 has no way to
    /// end one stream early but a reset, so this is HTTP/1.x only.
    Close,
}

/// The protocol that carries the exchange.
pub(crate) enum Backend<'c> {
    H1(H1<'c>),
    H2(Box<H2>),
}

/// The handler's side of one request.
pub struct Exchange<'c> {
    /// Where the bytes go.
    pub(crate) backend: Backend<'c>,
    /// The request head.
    request: Request,
    /// Whether `100 Continue` went out (only ever after `Expect: 100-continue` and a read of the body).
    pub(crate) continue_sent: bool,
    /// Interim statuses sent, in order.
    interim: Vec<u16>,
    /// What has been sent.
    pub(crate) sent: Sent,
    /// The final status, for the access log.
    pub(crate) status: Option<u16>,
    /// Body bytes sent, for the access log.
    pub(crate) body_bytes: u64,
    /// When the request head was complete, when the access log is on (it is the only reader, and a clock
    /// read per request is not free).
    pub(crate) started: Option<Instant>,
}

impl<'c> Exchange<'c> {
    pub(crate) fn new(backend: Backend<'c>, request: Request, config: &Config) -> Self {
        Exchange {
            backend,
            request,
            continue_sent: false,
            interim: Vec::new(),
            sent: Sent::NoFinal,
            status: None,
            body_bytes: 0,
            started: config.access_log.then(Instant::now),
        }
    }

    /// The request head.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The protocol the request came over.
    pub fn protocol(&self) -> Protocol {
        self.request.version
    }

    /// The interim statuses sent so far, in order.
    pub fn interim_sent(&self) -> &[u16] {
        &self.interim
    }

    /// Whether interim responses can reach this client: not for HTTP/1.0 (RFC 9110 section 15.2) and not
    /// after the final head.
    pub fn can_send_interim(&self) -> bool {
        self.request.version.has_interim_responses() && self.sent == Sent::NoFinal
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
        if !self.request.version.has_interim_responses() {
            return Ok(false);
        }
        match &mut self.backend {
            Backend::H1(h1) => h1.send_interim(status, reason, headers).await?,
            Backend::H2(h2) => h2.send_interim(status, headers)?,
        }
        if status == 100 {
            self.continue_sent = true;
        }
        self.interim.push(status);
        Ok(true)
    }

    /// The next piece of the request body, or `None` at its end. The first call sends `100 Continue` when the
    /// client asked for it and no final response went out yet.
    pub async fn read_body_chunk(&mut self) -> Result<Option<Bytes>, ExchangeError> {
        if self.body_is_read() {
            return Ok(None);
        }
        if self.request.expect_continue && !self.continue_sent && self.sent == Sent::NoFinal {
            match &mut self.backend {
                Backend::H1(h1) => h1.send_continue().await?,
                Backend::H2(h2) => h2.send_interim(100, &Headers::new())?,
            }
            self.continue_sent = true;
            self.interim.push(100);
        }
        match &mut self.backend {
            Backend::H1(h1) => h1.read_body_chunk().await,
            Backend::H2(h2) => h2.read_body_chunk().await,
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
        match &self.backend {
            Backend::H1(h1) => h1.body_is_read(),
            Backend::H2(h2) => h2.body_is_read(),
        }
    }

    /// Resolves when the client goes away (closes the connection, or resets the HTTP/2 stream), so that long
    /// work can stop.
    pub async fn client_gone(&mut self) {
        match &mut self.backend {
            Backend::H1(h1) => h1.client_gone().await,
            Backend::H2(h2) => h2.client_gone().await,
        }
    }

    fn check_final(&self, status: u16) -> Result<(), ExchangeError> {
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse("a second final response"));
        }
        if !(200..=599).contains(&status) {
            return Err(ExchangeError::Misuse(
                "a final response needs a status of 200-599 (1xx go through send_interim, 101 through upgrade)",
            ));
        }
        Ok(())
    }

    /// Sends the final response whole.
    pub async fn respond(&mut self, response: Response) -> Result<(), ExchangeError> {
        self.check_final(response.status)?;
        self.status = Some(response.status);
        self.sent = Sent::Done;
        let is_head = self.request.is_head();
        self.body_bytes = match &mut self.backend {
            Backend::H1(h1) => h1.respond(&response, is_head, self.continue_sent).await?,
            Backend::H2(h2) => h2.respond(&response, is_head).await?,
        };
        Ok(())
    }

    /// Sends the final head of a body that follows in pieces ([`Exchange::send_chunk`], then
    /// [`Exchange::finish`]): chunked for HTTP/1.1, ended by closing the connection for HTTP/1.0, DATA frames
    /// for HTTP/2.
    pub async fn start_stream(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
    ) -> Result<(), ExchangeError> {
        self.start_body(status, reason, headers, None).await
    }

    /// The final head of a body that follows in pieces: framed by the protocol, or announced as
    /// `declared_length` bytes whatever follows.
    async fn start_body(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        declared_length: Option<u64>,
    ) -> Result<(), ExchangeError> {
        self.check_final(status)?;
        self.status = Some(status);
        let is_head = self.request.is_head();
        let body_follows = match (&mut self.backend, declared_length) {
            (Backend::H1(h1), None) => {
                h1.start_stream(status, reason, headers, is_head, self.continue_sent)
                    .await?
            }
            (Backend::H1(h1), Some(length)) => {
                h1.start_with_length(status, reason, headers, length, is_head)
                    .await?
            }
            (Backend::H2(h2), length) => h2.start_stream(status, headers, length, is_head)?,
        };
        self.sent = if body_follows {
            Sent::Streaming
        } else {
            Sent::Done
        };
        Ok(())
    }

    /// Sends one piece of a streamed body (nothing for HEAD).
    pub async fn send_chunk(&mut self, data: &[u8]) -> Result<(), ExchangeError> {
        match self.sent {
            Sent::Streaming => {
                match &mut self.backend {
                    Backend::H1(h1) => h1.send_chunk(data).await?,
                    Backend::H2(h2) => h2.send_data(Bytes::copy_from_slice(data)).await?,
                }
                self.body_bytes += data.len() as u64;
                Ok(())
            }
            Sent::Done if self.status.is_some() => Ok(()),
            _ => Err(ExchangeError::Misuse(
                "a body chunk without a streamed response",
            )),
        }
    }

    /// Ends a streamed body.
    pub async fn finish(&mut self) -> Result<(), ExchangeError> {
        self.finish_with_trailers(&Headers::new()).await
    }

    /// Ends a streamed body with trailer fields: in the last chunk over HTTP/1.1 (dropped for an HTTP/1.0
    /// client, which cannot receive them), in a final HEADERS frame over HTTP/2.
    pub async fn finish_with_trailers(&mut self, trailers: &Headers) -> Result<(), ExchangeError> {
        match self.sent {
            Sent::Streaming => {
                self.sent = Sent::Done;
                match &mut self.backend {
                    Backend::H1(h1) => h1.finish(trailers).await?,
                    Backend::H2(h2) => h2.finish(trailers).await?,
                }
                Ok(())
            }
            Sent::Done => Ok(()),
            _ => Err(ExchangeError::Misuse("finish without a streamed response")),
        }
    }

    /// Sends a final head that announces `declared_length` body bytes (`Content-Length`) without holding the
    /// body to it: the start of a deliberately broken response, continued with [`Exchange::send_chunk`] and
    /// ended with [`Exchange::fault`] or [`Exchange::finish`] (over HTTP/2 a body shorter than announced is a
    /// malformed message, RFC 9113 section 8.1.1). Over HTTP/1.x the connection closes after it.
    pub async fn start_with_length(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        declared_length: u64,
    ) -> Result<(), ExchangeError> {
        self.start_body(status, reason, headers, Some(declared_length))
            .await
    }

    /// Writes `bytes` to the connection as they are, outside any framing: a status line no parser accepts, an
    /// interim response after the final one, a chunked body cut short. HTTP/1.x only (HTTP/2 frames are the
    /// `h2` crate's to write). Afterwards the exchange is faulted: nothing else is sent and the connection
    /// closes when the handler returns.
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), ExchangeError> {
        match &mut self.backend {
            Backend::H1(h1) => {
                self.sent = Sent::Faulted;
                h1.write_raw(bytes).await?;
                self.body_bytes += bytes.len() as u64;
                Ok(())
            }
            Backend::H2(_) => Err(ExchangeError::Misuse(
                "raw bytes cannot be written into an HTTP/2 connection",
            )),
        }
    }

    /// Ends the exchange by breaking it on purpose: see [`Fault`]. Whatever was sent stays sent.
    pub async fn fault(&mut self, fault: Fault) -> Result<(), ExchangeError> {
        match (&mut self.backend, fault) {
            (Backend::H1(h1), Fault::Reset) => h1.reset(),
            (Backend::H1(h1), Fault::Close) => h1.close().await,
            (Backend::H2(h2), Fault::Reset) => h2.reset(),
            (Backend::H2(_), Fault::Close) => {
                return Err(ExchangeError::Misuse(
                    "HTTP/2 cannot close one stream early except by a reset",
                ));
            }
        }
        self.sent = Sent::Faulted;
        Ok(())
    }

    /// Sends `101 Switching Protocols` with `headers` (which name the new protocol) and hands over the
    /// connection's byte stream. The connection closes when the handler returns. HTTP/1.1 only: HTTP/2 has no
    /// `101` (RFC 9113 section 8.6).
    pub async fn upgrade(&mut self, headers: &Headers) -> Result<Upgraded<'_>, ExchangeError> {
        if self.sent != Sent::NoFinal {
            return Err(ExchangeError::Misuse("an upgrade after the final response"));
        }
        if !self.request.wants_upgrade() {
            return Err(ExchangeError::Misuse(
                "an upgrade the client did not ask for",
            ));
        }
        if !self.body_is_read() {
            return Err(ExchangeError::Misuse(
                "an upgrade before the request body was read",
            ));
        }
        match &mut self.backend {
            Backend::H1(h1) => {
                self.sent = Sent::Upgraded;
                self.status = Some(101);
                Ok(h1.upgrade(headers).await?)
            }
            Backend::H2(_) => Err(ExchangeError::Misuse(
                "HTTP/2 has no protocol switch (RFC 9113 section 8.6)",
            )),
        }
    }

    /// Writes the exchange's access log line, when the log is on.
    pub(crate) fn log(&self, config: &Config) {
        if config.access_log {
            let request = &self.request;
            access_log(
                &request.method,
                &request.target,
                request.version,
                self.status,
                self.body_bytes,
                self.started
                    .map(|started| started.elapsed())
                    .unwrap_or_default(),
            );
        }
    }

    /// Sends an error response if no final response went out yet; over HTTP/1.1 the connection closes after it.
    pub(crate) async fn send_error(&mut self, status: u16, reason: &str, message: &str) {
        if self.sent != Sent::NoFinal {
            return;
        }
        if let Backend::H1(h1) = &mut self.backend {
            h1.close_after_response();
        }
        let response = Response::text(
            status,
            reason.to_owned(),
            format!("{status} {reason}: {message}\n"),
        );
        let _ = self.respond(response).await;
    }
}

/// How a handler's run ended, for the protocol to decide what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A complete final response went out; the connection may carry more.
    Complete,
    /// The exchange ended badly (an error answered, a panic, a failed write, a protocol switch): over HTTP/1.1
    /// the connection closes.
    Broken,
}

/// Runs the handler on one exchange and finishes the response whatever it did: a missing final response
/// becomes a 500, an unfinished stream is ended, an error is answered with its status, a panic becomes a 500
/// for this request only. Writes the access log line.
pub(crate) async fn run_handler(
    ex: &mut Exchange<'_>,
    handler: &dyn Handler,
    config: &Config,
) -> Outcome {
    let outcome = CatchPanic::new(handler.handle(ex)).await;
    let result = match outcome {
        Ok(Ok(())) => match ex.sent {
            Sent::NoFinal => {
                ex.send_error(
                    500,
                    httpstatus_wire::reason_phrase(500),
                    "the handler sent no final response",
                )
                .await;
                Outcome::Broken
            }
            Sent::Streaming => match ex.finish().await {
                Ok(()) => Outcome::Complete,
                Err(_) => Outcome::Broken,
            },
            Sent::Done => Outcome::Complete,
            Sent::Upgraded | Sent::Faulted => Outcome::Broken,
        },
        Ok(Err(error)) => {
            match &error {
                ExchangeError::Request(wire) => {
                    ex.send_error(wire.status(), wire.reason(), &wire.to_string())
                        .await
                }
                ExchangeError::BodyTimeout => {
                    ex.send_error(408, httpstatus_wire::reason_phrase(408), &error.to_string())
                        .await
                }
                ExchangeError::Misuse(_) => {
                    ex.send_error(500, httpstatus_wire::reason_phrase(500), &error.to_string())
                        .await
                }
                ExchangeError::Io(_) => {}
            }
            Outcome::Broken
        }
        Err(payload) => {
            report_panic(config, ex.request(), payload.as_ref());
            let message =
                "the handler for this request failed; the server goes on serving other requests";
            ex.send_error(500, httpstatus_wire::reason_phrase(500), message)
                .await;
            Outcome::Broken
        }
    };
    ex.log(config);
    result
}

fn report_panic(config: &Config, request: &Request, payload: &(dyn Any + Send)) {
    if config.access_log {
        eprintln!(
            "handler panicked on {} {}: {}",
            request.method,
            request.target,
            panic_message(payload)
        );
    }
}
