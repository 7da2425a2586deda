//! A final response as a handler builds it: status, reason, fields and a body held in memory.

use std::borrow::Cow;

use bytes::Bytes;
use httpstatus_wire::{Headers, WireError};

/// A complete final response. The server adds `Date`, the framing fields and `Connection` when it sends it,
/// and leaves the body out where HTTP forbids one (1xx, 204, 304, answers to HEAD).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The reason phrase; empty is allowed (an unregistered code has none).
    pub reason: Cow<'static, str>,
    /// Fields chosen by the handler, sent in this order after `Date`.
    pub headers: Headers,
    pub body: Bytes,
}

impl Response {
    pub fn new(status: u16, reason: impl Into<Cow<'static, str>>) -> Self {
        Response {
            status,
            reason: reason.into(),
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }

    /// A plain-text response whose body is `text`.
    pub fn text(
        status: u16,
        reason: impl Into<Cow<'static, str>>,
        text: impl Into<String>,
    ) -> Self {
        Response::new(status, reason).with_body("text/plain; charset=utf-8", text.into())
    }

    /// Sets `Content-Type` and the body.
    pub fn with_body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.headers
            .insert("Content-Type", content_type)
            .expect("content types are valid field values");
        self.body = body.into();
        self
    }

    /// Adds a field; a name or value that could break the head is refused.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Result<Self, WireError> {
        self.headers.append(name, value)?;
        Ok(self)
    }
}
