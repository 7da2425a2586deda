//! Byte-exact exchanges over a raw socket: request bytes in, exact response bytes out (Date normalised).

mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use common::{TestHandler, TestServer, normalise, quick_config, read_responses, read_to_close};

fn server() -> TestServer {
    TestServer::start_with(quick_config(), Arc::new(TestHandler))
}

#[test]
fn byte_exact_table() {
    let server = server();
    let cases: &[(&[u8], &str)] = &[
        (
            b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n",
        ),
        (
            b"HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\n",
        ),
        (
            b"GET /hello HTTP/1.0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n",
        ),
        (
            b"GET /interim HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\n\r\ndone\n",
        ),
        (
            // No interim response may reach an HTTP/1.0 client.
            b"GET /interim HTTP/1.0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\n\r\ndone\n",
        ),
        (
            b"GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
        ),
        (
            b"GET /stream HTTP/1.0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nabcde",
        ),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde",
        ),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 4\r\n\r\nwxyz",
            "HTTP/1.1 200 OK\r\nDate: DATE\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\nConnection: close\r\n\r\nwxyz",
        ),
        (
            b"GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n",
            "HTTP/1.1 500 Internal Server Error\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 62\r\nConnection: close\r\n\r\n500 Internal Server Error: the handler sent no final response\n",
        ),
        (
            b"GET / HTTP/1.1\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\nDate: DATE\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 85\r\nConnection: close\r\n\r\n400 Bad Request: an HTTP/1.1 request must carry exactly one Host header; it has none\n",
        ),
    ];
    for (request, expected) in cases {
        let response = server.exchange(request);
        assert_eq!(
            normalise(&response),
            *expected,
            "request {:?}",
            String::from_utf8_lossy(request)
        );
    }
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = server();
    let mut stream = server.connect();
    stream
        .write_all(
            b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n\
              POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none\
              GET /hello HTTP/1.1\r\nHost: t\r\n\r\n\
              POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n\
              GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let all = normalise(&read_to_close(&mut stream));
    let bodies: Vec<&str> = all
        .split("HTTP/1.1 ")
        .skip(1)
        .map(|r| r.rsplit("\r\n\r\n").next().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["slow\n", "one", "hello\n", "two", "hello\n"],
        "{all}"
    );
    assert_eq!(all.matches("Connection: close").count(), 1, "{all}");
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let server = server();
    let mut stream = server.connect();
    for _ in 0..20 {
        stream
            .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        let response = read_responses(&mut stream, 1);
        assert!(response.ends_with(b"hello\n"));
        assert!(!String::from_utf8_lossy(&response).contains("Connection:"));
    }
    // HTTP/1.0 keep-alive is honoured and said so.
    stream
        .write_all(b"GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .unwrap();
    let response = String::from_utf8(read_responses(&mut stream, 1)).unwrap();
    assert!(
        response.contains("Connection: keep-alive\r\n"),
        "{response}"
    );
}

#[test]
fn unread_bodies_are_skipped_before_the_next_request() {
    let server = server();
    let mut stream = server.connect();
    stream
        .write_all(b"POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nxxxxxGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let both = read_responses(&mut stream, 2);
    assert_eq!(String::from_utf8_lossy(&both).matches("hello\n").count(), 2);
}

#[test]
fn expect_100_continue_is_sent_only_when_the_body_is_read() {
    let server = server();
    // The handler reads the body: 100 first, after the head and before the body is sent.
    let mut stream = server.connect();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n")
        .unwrap();
    let interim = read_exact_len(&mut stream, 25);
    assert_eq!(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(b"ok").unwrap();
    let rest = normalise(&read_to_close(&mut stream));
    assert!(
        rest.starts_with("HTTP/1.1 200 OK\r\n") && rest.ends_with("\r\n\r\nok"),
        "{rest}"
    );

    // The handler ignores the body: no 100, and the connection closes since the body may never come.
    let response = server.exchange(
        b"POST /hello HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
    );
    let text = normalise(&response);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        !text.contains("100 Continue") && text.contains("Connection: close\r\n"),
        "{text}"
    );

    // Without Expect, never a 100.
    let response = server.exchange(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    );
    assert!(normalise(&response).starts_with("HTTP/1.1 200 OK\r\n"));

    // HTTP/1.0 ignores the expectation.
    let response = server
        .exchange(b"POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi");
    assert!(normalise(&response).starts_with("HTTP/1.1 200 OK\r\n"));
}

fn read_exact_len(stream: &mut std::net::TcpStream, len: usize) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; len];
    stream.read_exact(&mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn oversized_bodies_get_413() {
    let mut config = quick_config();
    config.limits.max_body = 8;
    let server = TestServer::start_with(config, Arc::new(TestHandler));
    let response =
        server.exchange(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\n123456789");
    assert!(normalise(&response).starts_with("HTTP/1.1 413 Content Too Large\r\n"));
    let chunked = server.exchange(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n");
    assert!(
        normalise(&chunked).starts_with("HTTP/1.1 413 Content Too Large\r\n"),
        "{}",
        normalise(&chunked)
    );
    std::thread::sleep(Duration::from_millis(10));
    assert!(server.still_serves());
}
