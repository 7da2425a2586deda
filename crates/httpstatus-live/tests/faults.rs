//! `/scenario/fault/...` on real sockets: each fault breaks exactly what it says, over HTTP/1.1 (raw bytes,
//! where a reset is seen as ECONNRESET) and HTTP/2 (the `h2` crate's client, where a reset is a stream error
//! with its reason), and a fault hurts no other stream of the same HTTP/2 connection.

mod common;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{TestServer, quick_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How an HTTP/1.1 connection ended, and everything read before.
#[derive(Debug)]
struct Raw {
    bytes: Vec<u8>,
    reset: bool,
}

impl Raw {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn head_and_body(&self) -> (String, Vec<u8>) {
        let at = self
            .bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete head in {:?}", self.text()));
        (
            String::from_utf8_lossy(&self.bytes[..at]).into_owned(),
            self.bytes[at + 4..].to_vec(),
        )
    }
}

/// Sends one GET over a fresh connection and reads until the server closes or resets it.
async fn raw_get(addr: SocketAddr, path: &str) -> Raw {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    let reset = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) => return false,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return true,
                Err(e) => panic!("unexpected error {e}"),
            }
        }
    })
    .await
    .expect("the server ends the connection");
    Raw { bytes, reset }
}

fn server() -> TestServer {
    TestServer::start(quick_config())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http1_resets_and_closes_where_asked() {
    let server = server();
    let addr = server.addr;

    let before = raw_get(addr, "/scenario/fault/reset-before-head").await;
    assert!(before.reset, "{before:?}");
    assert!(before.bytes.is_empty(), "{}", before.text());

    let after = raw_get(addr, "/scenario/fault/reset-after-head").await;
    assert!(after.reset);
    let (head, body) = after.head_and_body();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("\r\ncontent-length: 4096") || head.contains("\r\nContent-Length: 4096"),
        "{head}"
    );
    assert!(body.is_empty());

    let mid = raw_get(addr, "/scenario/fault/reset-mid-body").await;
    assert!(mid.reset);
    assert_eq!(mid.head_and_body().1.len(), 2048);

    let closed = raw_get(addr, "/scenario/fault/close-mid-body").await;
    assert!(!closed.reset, "a close is a FIN, not a reset");
    let (head, body) = closed.head_and_body();
    assert!(
        head.to_ascii_lowercase().contains("content-length: 4096"),
        "{head}"
    );
    assert_eq!(body.len(), 2048);
    assert!(body.starts_with(b"httpstatus fault body, line 00000\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http1_silence_trickle_and_short_bodies_take_the_time_they_say() {
    let server = server();
    let addr = server.addr;

    let started = Instant::now();
    let hang = raw_get(addr, "/scenario/fault/hang-after-head?seconds=1").await;
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(hang.head_and_body().1.is_empty());

    let started = Instant::now();
    let trickle = raw_get(addr, "/scenario/fault/trickle?bytes=60&rate=40").await;
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(1300),
        "60 bytes at 40/s took {elapsed:?}"
    );
    let (head, body) = trickle.head_and_body();
    assert!(
        head.to_ascii_lowercase().contains("content-length: 60"),
        "{head}"
    );
    assert_eq!(body.len(), 60, "the trickled response is complete");

    let started = Instant::now();
    let short = raw_get(addr, "/scenario/fault/short-body?seconds=1").await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the connection stays open"
    );
    let (head, body) = short.head_and_body();
    assert!(head.to_ascii_lowercase().contains("content-length: 4096"));
    assert_eq!(body.len(), 2048);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http1_bytes_no_correct_server_sends() {
    let server = server();
    let addr = server.addr;

    let chunked = raw_get(addr, "/scenario/fault/truncated-chunked").await;
    let (head, body) = chunked.head_and_body();
    assert!(head.contains("Transfer-Encoding: chunked"));
    let body = String::from_utf8_lossy(&body).into_owned();
    assert!(
        body.starts_with("190\r\n"),
        "a 400-byte chunk first: {body:?}"
    );
    assert!(
        body.contains("\r\n3e8\r\n"),
        "then a 1000-byte chunk announced"
    );
    assert!(!body.ends_with("0\r\n\r\n"), "and no last chunk");

    let stray = raw_get(addr, "/scenario/fault/interim-after-final").await;
    let text = stray.text();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(text.ends_with(
        "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
    ));

    for (variant, line) in [
        ("four-digit", "HTTP/1.1 2000 OK\r\n"),
        ("two-digit", "HTTP/1.1 20 OK\r\n"),
        ("letters", "HTTP/1.1 OK 200\r\n"),
        ("no-version", "200 OK\r\n"),
        ("lowercase-version", "http/1.1 200 OK\r\n"),
        ("garbage", "this is not an HTTP response\r\n"),
    ] {
        let bad = raw_get(
            addr,
            &format!("/scenario/fault/bad-status-line?variant={variant}"),
        )
        .await;
        assert!(bad.text().starts_with(line), "{variant}: {}", bad.text());
        // Every parser in the wire layer refuses it too.
        let shape = httpstatus_wire::client::RequestShape {
            is_head: false,
            expects_continue: false,
        };
        let mut reader =
            httpstatus_wire::client::ResponseReader::new(shape, httpstatus_wire::Limits::default());
        let mut buf = bytes::BytesMut::from(&bad.bytes[..]);
        let parsed = reader.next_event(&mut buf);
        assert!(parsed.is_err(), "{variant} parsed as {parsed:?}");
    }

    let trailers = raw_get(addr, "/scenario/fault/trailers").await;
    let text = trailers.text();
    assert!(text.contains("Trailer: X-Body-Length, X-Body-Sha256\r\n"));
    assert!(
        text.contains("\r\n0\r\nX-Body-Length: 3000\r\nX-Body-Sha256: "),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_and_unknown_faults_say_what_is_valid() {
    let server = server();
    let addr = server.addr;
    for (path, status, says) in [
        ("/scenario/fault/nope", "404", "reset-before-head"),
        ("/scenario/fault/trickle?bytes=0", "400", "bytes"),
        (
            "/scenario/fault/trickle?bytes=1048576&rate=1",
            "400",
            "300 s",
        ),
        (
            "/scenario/fault/hang-after-head?seconds=301",
            "400",
            "seconds",
        ),
        (
            "/scenario/fault/bad-status-line?variant=x",
            "400",
            "four-digit",
        ),
        ("/scenario/fault/reset-mid-body?x=1", "400", "no parameters"),
        ("/scenario/fault/trailers/more", "400", "nothing after"),
    ] {
        let reply = raw_get(addr, path).await;
        let text = reply.text();
        assert!(
            text.starts_with(&format!("HTTP/1.1 {status} ")),
            "{path}: {text}"
        );
        assert!(text.contains(says), "{path}: {text}");
    }
    let list = raw_get(addr, "/scenario/fault").await.text();
    assert!(
        list.contains("\"/scenario/fault/bad-status-line\""),
        "{list}"
    );
}

/// Opens one h2c connection.
async fn h2_connect(addr: SocketAddr) -> h2::client::SendRequest<bytes::Bytes> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    send
}

/// A GET on an existing connection: the status (if a head came), the body bytes read, and how the stream ended.
async fn h2_get(
    send: &h2::client::SendRequest<bytes::Bytes>,
    path: &str,
) -> (
    Option<u16>,
    Vec<u8>,
    Option<h2::Reason>,
    Option<http::HeaderMap>,
) {
    let request = http::Request::get(format!("http://localhost{path}"))
        .body(())
        .unwrap();
    let mut ready = send.clone().ready().await.unwrap();
    let (response, _) = ready.send_request(request, true).unwrap();
    let response = match response.await {
        Ok(response) => response,
        Err(error) => return (None, Vec::new(), error.reason(), None),
    };
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut data = Vec::new();
    while let Some(chunk) = body.data().await {
        match chunk {
            Ok(chunk) => {
                let _ = body.flow_control().release_capacity(chunk.len());
                data.extend_from_slice(&chunk);
            }
            Err(error) => return (Some(status), data, error.reason(), None),
        }
    }
    let trailers = body.trailers().await.ok().flatten();
    (Some(status), data, None, trailers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_faults_reset_one_stream_and_spare_the_others() {
    let server = server();
    let send = h2_connect(server.addr).await;

    let (status, _, reason, _) = h2_get(&send, "/scenario/fault/reset-before-head").await;
    assert_eq!((status, reason), (None, Some(h2::Reason::INTERNAL_ERROR)));

    let (status, data, reason, _) = h2_get(&send, "/scenario/fault/reset-mid-body").await;
    assert_eq!(status, Some(200));
    assert_eq!(data.len(), 2048);
    assert_eq!(reason, Some(h2::Reason::INTERNAL_ERROR));

    // The body is shorter than its content-length: the client's h2 stack calls the stream malformed.
    let (status, _, reason, _) = h2_get(&send, "/scenario/fault/short-body").await;
    assert_eq!(status, Some(200));
    assert_eq!(reason, Some(h2::Reason::PROTOCOL_ERROR));

    let (status, data, reason, trailers) = h2_get(&send, "/scenario/fault/trailers").await;
    assert_eq!((status, reason), (Some(200), None));
    assert_eq!(data.len(), 3000);
    let trailers = trailers.expect("trailers");
    assert_eq!(trailers["x-body-length"], "3000");
    assert_eq!(trailers["x-body-sha256"].len(), 64);

    // HTTP/1.1-only faults are refused with a 400 that names the HTTP/2 ones.
    let (status, data, _, _) = h2_get(&send, "/scenario/fault/bad-status-line").await;
    assert_eq!(status, Some(400));
    assert!(String::from_utf8_lossy(&data).contains("reset-mid-body"));

    // The same connection still serves: the faults hurt only their own streams.
    let (status, _, reason, _) = h2_get(&send, "/status/200").await;
    assert_eq!((status, reason), (Some(200), None));
}
