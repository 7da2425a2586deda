//! Server settings: limits and timeouts, with defaults that suit a public test server.

use std::time::Duration;

use httpstatus_wire::Limits;

/// Everything the server can be tuned with. Build it with `Config::default()` and change what you need.
#[derive(Debug, Clone)]
pub struct Config {
    /// Size limits for request heads and bodies (414, 431, 413 past them).
    pub limits: Limits,
    /// Time allowed for a whole request head once its first byte arrived (and on a new connection, for the
    /// first byte too); past it a started head gets a 408 and the connection closes.
    pub header_read_timeout: Duration,
    /// Time a kept-alive connection may wait for its next request before we close it silently.
    pub idle_timeout: Duration,
    /// Longest pause allowed while reading a request body; past it the request gets a 408.
    pub body_read_timeout: Duration,
    /// Longest time one write may wait for a client that does not read; past it the connection closes.
    pub write_timeout: Duration,
    /// Connections served at once; a client past it gets an immediate 503 with `Connection: close`.
    pub max_connections: usize,
    /// After shutdown starts, how long in-flight requests may take before their connections are dropped.
    pub shutdown_grace: Duration,
    /// Whether to write one access log line per response on stderr.
    pub access_log: bool,
    /// Threads that serve connections, each with a current-thread runtime of its own, given connections in
    /// turn; `0` serves them on the runtime that calls [`crate::serve`].
    pub worker_threads: usize,
    /// HTTP/2: streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused.
    pub h2_max_concurrent_streams: u32,
    /// HTTP/2: the flow-control window we grant each stream's request body.
    pub h2_stream_window: u32,
    /// HTTP/2: the flow-control window we grant the whole connection.
    pub h2_connection_window: u32,
    /// HTTP/2: response bytes buffered per stream beyond what the client's window lets us send.
    pub h2_send_buffer: usize,
    /// HTTP/2: streams the client may reset before we accepted them, and resets pending at once; past it the
    /// connection is closed with GOAWAY (the rapid-reset defence, CVE-2023-44487).
    pub h2_max_pending_resets: usize,
    /// HTTP/2: streams we may reset because the client broke the protocol on them before we close the
    /// connection.
    pub h2_max_local_error_resets: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
            access_log: false,
            worker_threads: 0,
            h2_max_concurrent_streams: 100,
            h2_stream_window: 256 * 1024,
            h2_connection_window: 1024 * 1024,
            h2_send_buffer: 64 * 1024,
            h2_max_pending_resets: 20,
            h2_max_local_error_resets: 256,
        }
    }
}
