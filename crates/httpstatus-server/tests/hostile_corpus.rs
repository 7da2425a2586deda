//! A corpus of malformed and hostile requests, each with the status it must get, each followed by a check that
//! the server still serves a normal request.

mod common;

use std::sync::Arc;

use common::{TestHandler, TestServer, normalise, quick_config, status_of};
use httpstatus_server::app::Live;
use httpstatus_server::{BoxFuture, Exchange, ExchangeError, Handler};

/// The live endpoints, plus `/echo` (which reads the body, so that body errors surface).
struct LiveAndEcho;

impl Handler for LiveAndEcho {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        if ex.request().path() == "/echo" {
            TestHandler.handle(ex)
        } else {
            Live.handle(ex)
        }
    }
}

fn server() -> TestServer {
    TestServer::start_with(quick_config(), Arc::new(LiveAndEcho))
}

/// (name, raw request, expected status).
const CORPUS: &[(&str, &[u8], u16)] = &[
    ("missing host", b"GET /status/200 HTTP/1.1\r\n\r\n", 400),
    ("two hosts", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ("two identical hosts", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
    ("host with space", b"GET /status/200 HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    ("host with slash", b"GET /status/200 HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
    ("host with at-sign", b"GET /status/200 HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
    ("cl and te", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("te and cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
    ("conflicting cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
    ("conflicting cl list", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
    ("negative cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\n", 400),
    ("plus cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400),
    ("hex cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\nabc", 400),
    ("empty cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
    ("overflowing cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 184467440737095516160\r\n\r\n", 400),
    ("cl with space inside", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400),
    ("huge cl", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n", 413),
    ("gzip then chunked", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
    ("identity te", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400),
    ("chunked then gzip", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
    ("chunked twice", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
    ("xchunked", b"POST /status/200 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400),
    ("te in http/1.0", b"POST /status/200 HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("chunk size not hex", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    ("chunk size with 0x", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n", 400),
    ("chunk size negative", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nab\r\n0\r\n\r\n", 400),
    ("chunk size empty", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\nab\r\n0\r\n\r\n", 400),
    ("chunk size overflow", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100000000000000000\r\n", 400),
    ("chunk too big", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n", 413),
    ("chunk data too long", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400),
    ("chunk lf only", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n", 400),
    ("folded trailer", b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n 2\r\n\r\n", 400),
    ("obs-fold space", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", 400),
    ("obs-fold tab", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n", 400),
    ("space before first header", b"GET /status/200 HTTP/1.1\r\n Host: a\r\n\r\n", 400),
    ("bare cr in request line", b"GET /status/200\rHTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("bare cr in header", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
    ("bare cr line end", b"GET /status/200 HTTP/1.1\rHost: a\r\r\n\r\n", 400),
    ("space before colon", b"GET /status/200 HTTP/1.1\r\nHost : a\r\n\r\n", 400),
    ("empty header name", b"GET /status/200 HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400),
    ("header without colon", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX-No-Colon\r\n\r\n", 400),
    ("quote in header name", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX\"A: 1\r\n\r\n", 400),
    ("nul in header value", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400),
    ("del in header value", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", 400),
    ("control in header value", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX: a\x1bb\r\n\r\n", 400),
    ("non-ascii header name", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nX\xc3\xa9: 1\r\n\r\n", 400),
    ("double space in request line", b"GET  /status/200 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("tab in request line", b"GET\t/status/200 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("http/0.9 request", b"GET /status/200\r\n\r\n", 400),
    ("lowercase version", b"GET /status/200 http/1.1\r\nHost: a\r\n\r\n", 400),
    ("garbage version", b"GET /status/200 HTTP/x.y\r\nHost: a\r\n\r\n", 400),
    ("http/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    ("http/3 version", b"GET /status/200 HTTP/3.0\r\nHost: a\r\n\r\n", 505),
    ("method with paren", b"G(T /status/200 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("non-ascii target", b"GET /status/\xff HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("trailing words", b"GET /status/200 HTTP/1.1 now\r\nHost: a\r\n\r\n", 400),
    ("binary noise", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
    ("unsupported expectation", b"GET /status/200 HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417),
    ("bad status code", b"GET /status/abc HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("two-digit code", b"GET /status/42 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("code over 599", b"GET /status/600 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("sleep over the cap", b"GET /status/200?sleep=999999 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("header injection", b"GET /status/200?header=X:a%0d%0aSet-Cookie:1 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("framing header", b"GET /status/200?header=Content-Length:0 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("open redirect", b"GET /status/302?location=//evil.example HTTP/1.1\r\nHost: a\r\n\r\n", 400),
];

#[test]
fn every_hostile_request_gets_its_status_and_the_server_keeps_serving() {
    assert!(
        CORPUS.len() >= 50,
        "the corpus has {} requests",
        CORPUS.len()
    );
    let server = server();
    let mut failures = Vec::new();
    for (name, request, expected) in CORPUS {
        let response = server.exchange(request);
        let status = status_of(&response);
        if status != *expected {
            failures.push(format!(
                "{name}: expected {expected}, got {status}: {}",
                normalise(&response)
            ));
        }
        let text = String::from_utf8_lossy(&response);
        if *expected >= 400 && status == *expected && !text.contains(&format!("{expected} ")) {
            failures.push(format!("{name}: the body does not explain the error"));
        }
        if !server.still_serves() {
            failures.push(format!("{name}: the server stopped serving"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn limits_give_414_and_431() {
    let server = server();
    let long_target = format!(
        "GET /status/200?{} HTTP/1.1\r\nHost: a\r\n\r\n",
        "a".repeat(9000)
    );
    assert_eq!(status_of(&server.exchange(long_target.as_bytes())), 414);
    let big_head = format!(
        "GET /status/200 HTTP/1.1\r\nHost: a\r\nX-Big: {}\r\n\r\n",
        "b".repeat(40_000)
    );
    assert_eq!(status_of(&server.exchange(big_head.as_bytes())), 431);
    let many: String = (0..150).map(|i| format!("X-{i}: {i}\r\n")).collect();
    let many = format!("GET /status/200 HTTP/1.1\r\nHost: a\r\n{many}\r\n");
    assert_eq!(status_of(&server.exchange(many.as_bytes())), 431);
    assert!(server.still_serves());
}
