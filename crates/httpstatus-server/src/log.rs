//! Access log lines on stderr: method, target, protocol, status, body bytes, duration.

use std::io::Write;
use std::time::Duration;

use crate::request::Protocol;

/// Writes `METHOD TARGET PROTOCOL STATUS BYTES DURATIONms` as one line.
pub(crate) fn access_log(
    method: &str,
    target: &str,
    protocol: Protocol,
    status: Option<u16>,
    bytes: u64,
    duration: Duration,
) {
    let status = status.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let millis = duration.as_secs_f64() * 1000.0;
    let protocol = protocol.as_str();
    let line = format!("{method} {target} {protocol} {status} {bytes} {millis:.1}ms\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
