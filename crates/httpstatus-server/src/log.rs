//! Access log lines on stderr: when the response ended, method, target, protocol, status, body bytes, duration.

use std::io::Write;
use std::time::Duration;

use crate::request::Protocol;

/// Writes `TIME METHOD TARGET PROTOCOL STATUS BYTES DURATIONms` as one line; TIME is RFC 3339 in UTC with
/// milliseconds, taken when the response is complete.
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
    let time = crate::date::rfc3339_now();
    let line = format!("{time} {method} {target} {protocol} {status} {bytes} {millis:.1}ms\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
