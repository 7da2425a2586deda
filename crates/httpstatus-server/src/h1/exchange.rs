//! HTTP/1.1's side of an exchange: interim and final heads written with the wire layer's encoders and
//! decisions, bodies whole, chunked or until close, the request body decoded from the connection, and the
//! connection handed over after `101 Switching Protocols`.

use bytes::Bytes;
use httpstatus_wire::server::{
    CONTINUE_HEAD, asks_to_close, encode_interim_head, encode_switching_protocols,
};
use httpstatus_wire::{
    BodyDecoder, BodyEvent, BodyFraming, BodyKind, FinalHeadPlan, Framing, Headers,
    ResponseContext, Version, WireError, encode_chunk, encode_final_head, encode_last_chunk,
    plan_final_head,
};

use crate::Config;
use crate::date::http_date_bytes;
use crate::exchange::ExchangeError;
use crate::h1::connection::{Connection, ReadMoreError, Upgraded};
use crate::response::Response;
use crate::stop::Stop;

/// What the HTTP/1.1 side keeps of a request head, beside the protocol-agnostic request.
pub(crate) struct H1Request {
    pub(crate) version: Version,
    pub(crate) keep_alive: bool,
    pub(crate) expect_continue: bool,
    pub(crate) framing: BodyFraming,
}

/// One HTTP/1.1 request's I/O.
pub(crate) struct H1<'c> {
    /// The connection; the exchange writes only through it.
    conn: &'c mut Connection,
    /// Limits and timeouts.
    config: &'c Config,
    /// Turns true when the server starts shutting down, so the final response says `Connection: close`.
    stopping: &'c Stop,
    /// The request's version on the wire.
    version: Version,
    /// Whether the client asked to keep the connection.
    client_keep_alive: bool,
    /// Whether the client waits for `100 Continue` before its body.
    expect_continue: bool,
    /// Removes the body framing; done at once for requests without a body.
    body: BodyDecoder,
    /// How the streamed body in progress is delimited.
    stream_framing: Framing,
    /// Whether the connection stays open after this exchange; decided when the final head is written.
    pub(crate) keep_alive: bool,
}

impl<'c> H1<'c> {
    pub(crate) fn new(
        conn: &'c mut Connection,
        config: &'c Config,
        stopping: &'c Stop,
        request: &H1Request,
    ) -> Self {
        H1 {
            conn,
            config,
            stopping,
            version: request.version,
            client_keep_alive: request.keep_alive,
            expect_continue: request.expect_continue,
            body: BodyDecoder::new(request.framing, config.limits),
            stream_framing: Framing::None,
            keep_alive: false,
        }
    }

    /// Makes the connection close after the response (an error answer, say).
    pub(crate) fn close_after_response(&mut self) {
        self.client_keep_alive = false;
    }

    pub(crate) async fn send_interim(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
    ) -> Result<(), ExchangeError> {
        self.conn.write_buf.clear();
        encode_interim_head(status, reason, headers, &mut self.conn.write_buf);
        Ok(self.conn.flush_write_buf().await?)
    }

    pub(crate) async fn send_continue(&mut self) -> Result<(), ExchangeError> {
        Ok(self.conn.write_all(CONTINUE_HEAD).await?)
    }

    pub(crate) fn body_is_read(&self) -> bool {
        self.body.is_done()
    }

    pub(crate) async fn read_body_chunk(&mut self) -> Result<Option<Bytes>, ExchangeError> {
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

    pub(crate) async fn client_gone(&mut self) {
        let keep = self.config.limits.max_head + self.config.limits.max_body as usize;
        self.conn.closed(keep).await;
    }

    fn context(&self, is_head: bool, continue_sent: bool) -> ResponseContext {
        ResponseContext {
            version: self.version,
            client_keep_alive: self.client_keep_alive,
            head_request: is_head,
            stopping: self.stopping.is_stopping(),
            // A client that asked for 100-continue and never got it may not send its body: we cannot find the
            // next request after it, so we close.
            unread_body_blocks_reuse: self.expect_continue
                && !continue_sent
                && !self.body.is_done(),
        }
    }

    /// Writes a whole final response; returns the body bytes sent.
    pub(crate) async fn respond(
        &mut self,
        response: &Response,
        is_head: bool,
        continue_sent: bool,
    ) -> Result<u64, ExchangeError> {
        if asks_to_close(&response.headers) {
            self.client_keep_alive = false;
        }
        let context = self.context(is_head, continue_sent);
        let plan = plan_final_head(
            &context,
            response.status,
            BodyKind::Whole(response.body.len() as u64),
        );
        self.keep_alive = plan.keep_alive;
        let buf = &mut self.conn.write_buf;
        buf.clear();
        encode_final_head(
            response.status,
            &response.reason,
            &http_date_bytes(),
            &response.headers,
            self.version,
            &plan,
            buf,
        );
        let mut sent = 0;
        if plan.sends_body {
            buf.reserve(response.body.len());
            buf.extend_from_slice(&response.body);
            sent = response.body.len() as u64;
        }
        self.conn.flush_write_buf().await?;
        Ok(sent)
    }

    /// Writes the head of a streamed response; returns whether body bytes follow.
    pub(crate) async fn start_stream(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        is_head: bool,
        continue_sent: bool,
    ) -> Result<bool, ExchangeError> {
        if asks_to_close(headers) {
            self.client_keep_alive = false;
        }
        let context = self.context(is_head, continue_sent);
        let plan = plan_final_head(&context, status, BodyKind::Streamed);
        self.write_head(status, reason, headers, &plan, plan.framing)
            .await
    }

    /// Writes a head with `Content-Length: declared_length` and no check of the body against it; the body
    /// that follows goes out as it is, and the connection closes afterwards. Returns whether body bytes follow.
    pub(crate) async fn start_with_length(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        declared_length: u64,
        is_head: bool,
    ) -> Result<bool, ExchangeError> {
        self.client_keep_alive = false;
        let context = self.context(is_head, true);
        let plan = plan_final_head(&context, status, BodyKind::Whole(declared_length));
        self.write_head(status, reason, headers, &plan, Framing::None)
            .await
    }

    /// Writes a final head as `plan` says, the body to follow framed by `framing`; returns whether body bytes
    /// follow.
    async fn write_head(
        &mut self,
        status: u16,
        reason: &str,
        headers: &Headers,
        plan: &FinalHeadPlan,
        framing: Framing,
    ) -> Result<bool, ExchangeError> {
        self.keep_alive = plan.keep_alive;
        self.stream_framing = framing;
        self.conn.write_buf.clear();
        encode_final_head(
            status,
            reason,
            &http_date_bytes(),
            headers,
            self.version,
            plan,
            &mut self.conn.write_buf,
        );
        self.conn.flush_write_buf().await?;
        Ok(plan.sends_body)
    }

    /// Writes bytes outside any framing; the connection is not reused afterwards.
    pub(crate) async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), ExchangeError> {
        self.keep_alive = false;
        Ok(self.conn.write_all(bytes).await?)
    }

    /// The connection ends with a TCP RST when the exchange is over.
    pub(crate) fn reset(&mut self) {
        self.keep_alive = false;
        self.conn.reset_on_close();
    }

    /// Sends a FIN now, whatever the response still owed.
    pub(crate) async fn close(&mut self) {
        self.keep_alive = false;
        self.conn.shutdown().await;
    }

    pub(crate) async fn send_chunk(&mut self, data: &[u8]) -> Result<(), ExchangeError> {
        self.conn.write_buf.clear();
        if self.stream_framing == Framing::Chunked {
            encode_chunk(data, &mut self.conn.write_buf);
        } else {
            self.conn.write_buf.extend_from_slice(data);
        }
        Ok(self.conn.flush_write_buf().await?)
    }

    pub(crate) async fn finish(&mut self, trailers: &Headers) -> Result<(), ExchangeError> {
        if self.stream_framing == Framing::Chunked {
            self.conn.write_buf.clear();
            encode_last_chunk(trailers, &mut self.conn.write_buf);
            self.conn.flush_write_buf().await?;
        }
        Ok(())
    }

    pub(crate) async fn upgrade(
        &mut self,
        headers: &Headers,
    ) -> Result<Upgraded<'_>, ExchangeError> {
        self.keep_alive = false;
        self.conn.write_buf.clear();
        encode_switching_protocols(&http_date_bytes(), headers, &mut self.conn.write_buf);
        self.conn.flush_write_buf().await?;
        Ok(self.conn.upgraded())
    }

    /// After the handler: reads and drops whatever body it left unread, so the next request can be found.
    /// Returns false when the connection cannot be reused.
    pub(crate) async fn discard_body(&mut self, continue_sent: bool) -> bool {
        if self.body.is_done() {
            return true;
        }
        if self.expect_continue && !continue_sent {
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
}
