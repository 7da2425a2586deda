//! The probe over HTTP/2 in cleartext (prior knowledge): every interim response before the final one, and
//! malformed HTTP/2 replies (a bad frame, a 1xx after the final response, a truncated body, a reset stream)
//! reported as errors, never a panic or a hang.

mod common;

use std::time::{Duration, Instant};

use common::{frame, h2c_server, raw_h2_server, request, statuses};
use httpstatus_probe::{Protocol, probe};

fn h2c(url: &str) -> httpstatus_probe::Transcript {
    let mut request = request(url);
    request.protocol = Protocol::Http2;
    probe(&request)
}

#[test]
fn h2c_shows_every_interim_response() {
    let port = h2c_server();
    let t = h2c(&format!("http://127.0.0.1:{port}/"));
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/2");
    assert_eq!(statuses(&t), [103, 102, 200]);
    assert_eq!(
        t.responses[0].header("link"),
        Some("</a.css>; rel=preload; as=style")
    );
    assert!(t.responses[0].interim && !t.responses[2].interim);
    let f = t.final_response.as_ref().unwrap();
    assert_eq!((f.body_bytes, f.framing), (5, "h2-data"));
    assert!(f.ttfb_ms < f.ttfb_final_ms, "{f:?}");
    common::assert_timings_add_up(&t);
    assert!(
        t.request_headers
            .iter()
            .all(|(n, _)| n != "connection" && n != "host")
    );
}

#[test]
fn malformed_http2_replies_are_errors() {
    let port = h2c_server();
    let t = h2c(&format!("http://127.0.0.1:{port}/reset"));
    assert!(t.final_response.is_none());
    assert!(
        t.error.as_ref().unwrap().contains("reset the stream"),
        "{:?}",
        t.error
    );

    let t = h2c(&format!("http://127.0.0.1:{port}/truncated"));
    assert_eq!(statuses(&t), [200]);
    assert!(t.final_response.is_none());
    assert!(
        t.error.as_ref().unwrap().contains("the body was cut short"),
        "{:?}",
        t.error
    );

    // A SETTINGS frame whose length is not a multiple of 6.
    let port = raw_h2_server(frame(4, 0, 0, &[0, 0, 0, 0, 0]));
    let started = Instant::now();
    let t = h2c(&format!("http://127.0.0.1:{port}/"));
    assert!(t.final_response.is_none());
    assert!(t.error.is_some());
    assert!(started.elapsed() < Duration::from_secs(4), "it hung");

    // A 200, then a HEADERS with `:status: 103` after it.
    let mut script = frame(1, 0x4, 1, &[0x88]);
    // Without END_STREAM, as a server that sends a late interim response does; h2 reads a HEADERS frame
    // with END_STREAM there as trailers and drops its pseudo-fields, so that form is not seen.
    script.extend(frame(1, 0x4, 1, b"\x08\x03103"));
    let port = raw_h2_server(script);
    let t = h2c(&format!("http://127.0.0.1:{port}/"));
    assert_eq!(statuses(&t), [200]);
    assert!(t.final_response.is_none());
    assert!(t.error.is_some(), "{t:?}");

    // Garbage instead of a frame.
    let port = raw_h2_server(b"HTTP/1.1 200 OK\r\n\r\n".to_vec());
    let t = h2c(&format!("http://127.0.0.1:{port}/"));
    assert!(t.final_response.is_none() && t.error.is_some(), "{t:?}");
}

#[test]
fn expect_continue_over_h2_waits_for_the_100() {
    let port = h2c_server();
    let mut upload = request(&format!("http://127.0.0.1:{port}/upload"));
    upload.protocol = Protocol::Http2;
    upload.method = "POST".into();
    upload.body = Some(b"hello".to_vec());
    upload
        .headers
        .push(("Expect".into(), "100-continue".into()));
    let t = probe(&upload);
    assert_eq!(t.error, None);
    assert_eq!(statuses(&t), [100, 200]);
    assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 5);
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}
