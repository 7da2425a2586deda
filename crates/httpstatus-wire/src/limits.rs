//! Size limits applied while parsing, with defaults that fit ordinary clients.

/// Size limits for one message. Every limit turns into a specific status code when exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line (method, target, version), without its CRLF; over it is a 414.
    pub max_request_line: usize,
    /// Largest header section (request line and all header lines); over it is a 431.
    pub max_head: usize,
    /// Most header fields in one head; over it is a 431.
    pub max_headers: usize,
    /// Longest single field line (`name: value`); over it is a 431, as nginx and Apache refuse one long line
    /// even when the whole head fits.
    pub max_field_line: usize,
    /// Largest body, counted after removing the chunked framing; over it is a 413.
    pub max_body: u64,
    /// Longest chunk-size line including extensions; over it is a 400.
    pub max_chunk_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_line: 8 * 1024,
            max_head: 32 * 1024,
            max_headers: 100,
            max_field_line: 8 * 1024,
            max_body: 1024 * 1024,
            max_chunk_line: 1024,
        }
    }
}
