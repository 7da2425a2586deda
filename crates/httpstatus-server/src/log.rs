//! Access log lines on stderr: method, target, status, body bytes, duration.

use std::io::Write;
use std::time::Duration;

/// Writes `METHOD TARGET STATUS BYTES DURATIONms` as one line.
pub(crate) fn access_log(
    method: &str,
    target: &str,
    status: Option<u16>,
    bytes: u64,
    duration: Duration,
) {
    let status = status.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let millis = duration.as_secs_f64() * 1000.0;
    let line = format!("{method} {target} {status} {bytes} {millis:.1}ms\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
