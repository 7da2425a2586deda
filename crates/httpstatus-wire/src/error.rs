//! The wire layer's errors: everything a peer can get wrong, each mapped to the status code that answers it.

/// What went wrong while reading an HTTP/1.1 message.
///
/// Request errors map to the 4xx or 5xx status the server answers with (always followed by closing the
/// connection, since the framing can no longer be trusted). Response errors (only seen by a client) map to 502.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the request line is longer than {limit} bytes; shorten the URL")]
    RequestLineTooLong { limit: usize },
    #[error("the header section is larger than {limit} bytes; send fewer or smaller headers")]
    HeaderSectionTooLarge { limit: usize },
    #[error("the request has more than {limit} header fields; send fewer headers")]
    TooManyHeaders { limit: usize },
    #[error("a header field line is longer than {limit} bytes; shorten it (a large cookie, say)")]
    FieldLineTooLarge { limit: usize },
    #[error("the body is larger than {limit} bytes; send a smaller body")]
    BodyTooLarge { limit: u64 },
    #[error("a bare CR was found in the message head; every line must end with CRLF")]
    BareCr,
    #[error("obsolete line folding (a header line starting with a space or tab) is not accepted")]
    ObsoleteLineFolding,
    #[error("the request line is malformed: {0}")]
    InvalidRequestLine(&'static str),
    #[error("the HTTP version {0} is not supported; use HTTP/1.1 or HTTP/1.0")]
    VersionNotSupported(String),
    #[error("a header field name is invalid; names are tokens followed directly by ':'")]
    InvalidHeaderName,
    #[error(
        "a header field value contains a forbidden character (a control character other than tab)"
    )]
    InvalidHeaderValue,
    #[error("an HTTP/1.1 request must carry exactly one Host header; it has none")]
    MissingHost,
    #[error("an HTTP/1.1 request must carry exactly one Host header; it has several")]
    RepeatedHost,
    #[error("the Host header is not a valid host[:port]")]
    InvalidHost,
    #[error("the request has both Content-Length and Transfer-Encoding; send only one of them")]
    ContentLengthWithTransferEncoding,
    #[error("the Content-Length is not a non-negative decimal number")]
    InvalidContentLength,
    #[error("the request carries conflicting Content-Length values")]
    ConflictingContentLength,
    #[error("the transfer coding {0:?} is not supported; only chunked is")]
    UnsupportedTransferEncoding(String),
    #[error("chunked must be the final transfer coding, applied once")]
    ChunkedNotFinal,
    #[error("Transfer-Encoding is not allowed in an HTTP/1.0 message")]
    TransferEncodingInHttp10,
    #[error("the Expect value is not supported; only 100-continue is")]
    UnsupportedExpectation,
    #[error("a chunk size is invalid; it must be hexadecimal digits followed by CRLF")]
    InvalidChunkSize,
    #[error("a chunk size line is longer than {limit} bytes")]
    ChunkLineTooLong { limit: usize },
    #[error("chunk data is not followed by CRLF")]
    InvalidChunkData,
    #[error("the trailer section is malformed")]
    InvalidTrailer,
    #[error("the connection closed before the body was complete")]
    IncompleteBody,
    #[error("the status line is malformed: {0}")]
    InvalidStatusLine(&'static str),
    #[error("the status code {0} is outside 100-599")]
    InvalidStatusCode(u16),
}

impl WireError {
    /// The status code a server answers this error with.
    pub fn status(&self) -> u16 {
        match self {
            WireError::RequestLineTooLong { .. } => 414,
            WireError::HeaderSectionTooLarge { .. }
            | WireError::TooManyHeaders { .. }
            | WireError::FieldLineTooLarge { .. } => 431,
            WireError::BodyTooLarge { .. } => 413,
            WireError::VersionNotSupported(_) => 505,
            WireError::UnsupportedTransferEncoding(_) => 501,
            WireError::UnsupportedExpectation => 417,
            WireError::InvalidStatusLine(_) | WireError::InvalidStatusCode(_) => 502,
            _ => 400,
        }
    }

    /// The reason phrase of [`WireError::status`].
    pub fn reason(&self) -> &'static str {
        reason_phrase(self.status())
    }
}

/// Reason phrases for the status codes the wire layer and the engine produce themselves: they sit below the
/// catalog and cannot read it, so `crates/httpstatus-live/tests/one_source.rs` checks every entry here against
/// the catalog's phrase.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        400 => "Bad Request",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_a_status_with_a_reason() {
        let cases = [
            (WireError::RequestLineTooLong { limit: 1 }, 414),
            (WireError::HeaderSectionTooLarge { limit: 1 }, 431),
            (WireError::TooManyHeaders { limit: 1 }, 431),
            (WireError::FieldLineTooLarge { limit: 1 }, 431),
            (WireError::BodyTooLarge { limit: 1 }, 413),
            (WireError::BareCr, 400),
            (WireError::VersionNotSupported("HTTP/2.0".into()), 505),
            (WireError::UnsupportedTransferEncoding("gzip".into()), 501),
            (WireError::UnsupportedExpectation, 417),
            (WireError::InvalidStatusCode(600), 502),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error}");
            assert!(!error.reason().is_empty(), "{error}");
            assert!(!error.to_string().ends_with('.'), "{error}");
        }
    }
}
