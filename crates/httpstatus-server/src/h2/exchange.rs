//! HTTP/2's side of an exchange: interim responses with `send_informational`, the final head with the fields
//! HTTP/2 allows, DATA sent as the peer's flow-control window opens (never buffered past it), trailers, the
//! request body with its window released as it is read, and a reset stream noticed as the client leaving.

use std::future::poll_fn;
use std::sync::Arc;

use bytes::Bytes;
use h2::server::SendResponse;
use h2::{RecvStream, SendStream};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use httpstatus_wire::{Headers, Limits, WireError, status_has_no_body};
use tokio::time::timeout;

use crate::Config;
use crate::date::http_date_bytes;
use crate::exchange::ExchangeError;
use crate::request::{Protocol, Request};
use crate::response::Response;

/// One HTTP/2 stream's I/O.
pub(crate) struct H2 {
    /// Sends the heads; gone once the final head is sent.
    respond: SendResponse<Bytes>,
    /// Sends DATA and trailers after a streamed final head.
    send: Option<SendStream<Bytes>>,
    /// The request body.
    recv: RecvStream,
    /// Limits and timeouts.
    config: Arc<Config>,
    /// Body bytes received so far, against the body limit.
    received: u64,
}

/// Fields HTTP/2 forbids in a message (RFC 9113 section 8.2.2): they describe an HTTP/1.1 connection.
fn is_connection_specific(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
    ]
    .iter()
    .any(|forbidden| name.eq_ignore_ascii_case(forbidden))
}

/// Our fields as an HTTP/2 header map: names lower-cased, connection-specific fields and those the server
/// owns dropped.
fn header_map(headers: &Headers, drop_owned: bool) -> Result<HeaderMap, ExchangeError> {
    let mut map = HeaderMap::with_capacity(headers.len() + 2);
    for (name, value) in headers.iter() {
        if is_connection_specific(name)
            || (drop_owned && httpstatus_wire::server::is_server_owned(name))
        {
            continue;
        }
        // `from_bytes` lower-cases the name itself, as HTTP/2 requires.
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ExchangeError::Misuse("a field name HTTP/2 cannot carry"))?;
        let value = HeaderValue::from_bytes(value)
            .map_err(|_| ExchangeError::Misuse("a field value HTTP/2 cannot carry"))?;
        map.append(name, value);
    }
    Ok(map)
}

fn h2_error(error: h2::Error) -> ExchangeError {
    ExchangeError::Io(error.into_io().unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::ConnectionReset, "stream reset")
    }))
}

fn head(status: u16, map: HeaderMap) -> Result<http::Response<()>, ExchangeError> {
    let mut response = http::Response::new(());
    *response.status_mut() = StatusCode::from_u16(status)
        .map_err(|_| ExchangeError::Misuse("a status outside 100-999"))?;
    *response.headers_mut() = map;
    Ok(response)
}

impl H2 {
    pub(crate) fn new(respond: SendResponse<Bytes>, recv: RecvStream, config: Arc<Config>) -> Self {
        H2 {
            respond,
            send: None,
            recv,
            config,
            received: 0,
        }
    }

    pub(crate) fn send_interim(
        &mut self,
        status: u16,
        headers: &Headers,
    ) -> Result<(), ExchangeError> {
        let response = head(status, header_map(headers, true)?)?;
        self.respond.send_informational(response).map_err(h2_error)
    }

    pub(crate) fn body_is_read(&self) -> bool {
        self.recv.is_end_stream()
    }

    pub(crate) async fn read_body_chunk(&mut self) -> Result<Option<Bytes>, ExchangeError> {
        loop {
            let next = timeout(self.config.body_read_timeout, self.recv.data()).await;
            let data = match next {
                Err(_) => return Err(ExchangeError::BodyTimeout),
                Ok(None) => return Ok(None),
                Ok(Some(Err(error))) => return Err(h2_error(error)),
                Ok(Some(Ok(data))) => data,
            };
            // The window reopens as we read, so a client can send a large body without us holding it all.
            let _ = self.recv.flow_control().release_capacity(data.len());
            self.received += data.len() as u64;
            if self.received > self.config.limits.max_body {
                return Err(WireError::BodyTooLarge {
                    limit: self.config.limits.max_body,
                }
                .into());
            }
            if !data.is_empty() {
                return Ok(Some(data));
            }
        }
    }

    pub(crate) async fn client_gone(&mut self) {
        match &mut self.send {
            Some(send) => {
                let _ = poll_fn(|cx| send.poll_reset(cx)).await;
            }
            None => {
                let _ = poll_fn(|cx| self.respond.poll_reset(cx)).await;
            }
        }
    }

    /// The final head: `date`, the handler's fields, and `content-length` for a whole body.
    fn final_head(
        &self,
        status: u16,
        headers: &Headers,
        length: Option<u64>,
    ) -> Result<http::Response<()>, ExchangeError> {
        let mut map = header_map(headers, true)?;
        map.insert(
            http::header::DATE,
            HeaderValue::from_bytes(&http_date_bytes()).expect("dates are valid field values"),
        );
        if let Some(length) = length {
            map.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        head(status, map)
    }

    /// Sends a whole final response; returns the body bytes sent.
    pub(crate) async fn respond(
        &mut self,
        response: &Response,
        is_head: bool,
    ) -> Result<u64, ExchangeError> {
        let no_body = status_has_no_body(response.status);
        let length = (!matches!(response.status, 204 | 304)).then_some(response.body.len() as u64);
        let head = self.final_head(response.status, &response.headers, length)?;
        let send_body = !is_head && !no_body && !response.body.is_empty();
        let send = self
            .respond
            .send_response(head, !send_body)
            .map_err(h2_error)?;
        if !send_body {
            return Ok(0);
        }
        self.send = Some(send);
        self.send_all(response.body.clone(), true).await?;
        Ok(response.body.len() as u64)
    }

    /// Sends the head of a streamed response, with `content-length` when `length` is given (whatever the body
    /// turns out to be); returns whether body bytes follow.
    pub(crate) fn start_stream(
        &mut self,
        status: u16,
        headers: &Headers,
        length: Option<u64>,
        is_head: bool,
    ) -> Result<bool, ExchangeError> {
        let body_follows = !is_head && !status_has_no_body(status);
        let head = self.final_head(status, headers, length)?;
        let send = self
            .respond
            .send_response(head, !body_follows)
            .map_err(h2_error)?;
        self.send = Some(send);
        Ok(body_follows)
    }

    /// Resets the stream with `INTERNAL_ERROR`, before or after the final head.
    pub(crate) fn reset(&mut self) {
        match &mut self.send {
            Some(send) => send.send_reset(h2::Reason::INTERNAL_ERROR),
            None => self.respond.send_reset(h2::Reason::INTERNAL_ERROR),
        }
    }

    pub(crate) async fn send_data(&mut self, data: Bytes) -> Result<(), ExchangeError> {
        self.send_all(data, false).await
    }

    pub(crate) async fn finish(&mut self, trailers: &Headers) -> Result<(), ExchangeError> {
        let Some(send) = self.send.as_mut() else {
            return Ok(());
        };
        if trailers.is_empty() {
            send.send_data(Bytes::new(), true).map_err(h2_error)
        } else {
            let map = header_map(trailers, true)?;
            send.send_trailers(map).map_err(h2_error)
        }
    }

    /// Sends `data` as the peer's window allows: each piece waits for capacity, at most the write timeout, so a
    /// client that never opens its window holds one small buffer, not the whole body.
    async fn send_all(&mut self, mut data: Bytes, end: bool) -> Result<(), ExchangeError> {
        let write_timeout = self.config.write_timeout;
        let send = self
            .send
            .as_mut()
            .ok_or(ExchangeError::Misuse("a body without a final head"))?;
        if data.is_empty() {
            if end {
                send.send_data(data, true).map_err(h2_error)?;
            }
            return Ok(());
        }
        while !data.is_empty() {
            send.reserve_capacity(data.len());
            let capacity = loop {
                let granted = timeout(write_timeout, poll_fn(|cx| send.poll_capacity(cx))).await;
                match granted {
                    Err(_) => {
                        send.send_reset(h2::Reason::CANCEL);
                        return Err(ExchangeError::Io(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "the client did not open its flow-control window in time",
                        )));
                    }
                    Ok(None) => {
                        return Err(ExchangeError::Io(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "the stream closed",
                        )));
                    }
                    Ok(Some(Err(error))) => return Err(h2_error(error)),
                    Ok(Some(Ok(0))) => continue,
                    Ok(Some(Ok(n))) => break n,
                }
            };
            let piece = data.split_to(capacity.min(data.len()));
            send.send_data(piece, end && data.is_empty())
                .map_err(h2_error)?;
        }
        Ok(())
    }
}

/// The protocol-agnostic request of an HTTP/2 head, and the refusal our HTTP/1.1 side would give it (a target
/// or a field over the limits), if any.
pub(crate) fn request_from_parts(
    parts: http::request::Parts,
    secure: bool,
    limits: &Limits,
) -> (Request, Option<WireError>) {
    let mut problem = None;
    let target = if parts.method == http::Method::CONNECT {
        parts
            .uri
            .authority()
            .map_or(String::new(), |a| a.to_string())
    } else {
        parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
    };
    if target.len() > limits.max_request_line {
        problem = Some(WireError::RequestLineTooLong {
            limit: limits.max_request_line,
        });
    }
    let mut headers = Headers::new();
    let mut cookies: Vec<&[u8]> = Vec::new();
    for (name, value) in &parts.headers {
        let name = name.as_str();
        if name.len() + 2 + value.len() > limits.max_field_line {
            problem.get_or_insert(WireError::FieldLineTooLarge {
                limit: limits.max_field_line,
            });
        }
        if name == "cookie" {
            cookies.push(value.as_bytes());
        } else if headers.append(name, value.as_bytes()).is_err() {
            problem.get_or_insert(WireError::InvalidHeaderValue);
        }
    }
    if !cookies.is_empty() {
        let joined = cookies.join(&b"; "[..]);
        let _ = headers.append("cookie", joined);
    }
    if !headers.contains("host") {
        if let Some(authority) = parts.uri.authority() {
            let _ = headers.append("host", authority.as_str());
        }
    }
    if headers.len() > limits.max_headers {
        problem.get_or_insert(WireError::TooManyHeaders {
            limit: limits.max_headers,
        });
    }
    let expect_continue = headers
        .get("expect")
        .is_some_and(|value| value.eq_ignore_ascii_case(b"100-continue"));
    let request = Request {
        method: parts.method.as_str().to_owned(),
        target,
        version: Protocol::Http2,
        secure,
        headers,
        expect_continue,
        wants_upgrade: false,
    };
    (request, problem)
}
