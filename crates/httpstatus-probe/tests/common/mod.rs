//! Servers made in the test: TLS with any certificate chain (rustls), HTTP/2 with interim responses (the h2
//! crate's server), cleartext h2c, and a raw HTTP/2 script for replies no correct server would send.

#![allow(dead_code)]

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use httpstatus_probe::{ProbeRequest, Transcript, parse_target, probe};
use httpstatus_tls::{ALPN_H2, ALPN_HTTP_1_1, ChainAndKey, server_config};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// Runs `serve` for every connection to a fresh port on 127.0.0.1, on a runtime of its own; returns the port.
fn spawn_server<F, Fut>(serve: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap().port()).unwrap();
            let serve = Arc::new(serve);
            while let Ok((stream, _)) = listener.accept().await {
                let serve = serve.clone();
                tokio::spawn(async move { serve(stream).await });
            }
        });
    });
    receiver.recv_timeout(Duration::from_secs(10)).unwrap()
}

/// A TLS server presenting `chain`, speaking HTTP/2 when the client offers it and HTTP/1.1 otherwise.
pub fn tls_server(chain: &ChainAndKey) -> u16 {
    let config = server_config(
        chain.chain.clone(),
        chain.key.clone_key(),
        &[ALPN_H2, ALPN_HTTP_1_1],
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    spawn_server(move |tcp| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            if tls.get_ref().1.alpn_protocol() == Some(b"h2") {
                serve_h2(tls).await;
            } else {
                serve_h1(tls).await;
            }
        }
    })
}

/// A cleartext HTTP/2 server (prior knowledge).
pub fn h2c_server() -> u16 {
    spawn_server(serve_h2)
}

/// Reads a request head, then answers with a 103, a 102 and a 200 over HTTP/1.1.
async fn serve_h1<S: AsyncRead + AsyncWrite + Unpin>(mut io: S) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match io.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let _ = io
        .write_all(
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload; as=style\r\n\r\n\
              HTTP/1.1 200 OK\r\nContent-Length: 5\r\nStrict-Transport-Security: max-age=600\r\n\r\nhello",
        )
        .await;
    let _ = io.shutdown().await;
}

/// HTTP/2 with interim responses; the path picks the behaviour: `/reset` resets the stream, `/truncated`
/// promises 10 bytes and sends 3, `/upload` echoes the body (after a 100 when asked), `/to-http` redirects
/// to a cleartext URL, anything else gets a 103, a 102
/// and a 200 with a body.
async fn serve_h2<S: AsyncRead + AsyncWrite + Unpin>(io: S) {
    let Ok(mut connection) = h2::server::handshake(io).await else {
        return;
    };
    // Each stream in a task of its own, so that the connection keeps being driven while one waits for a body.
    while let Some(Ok((request, respond))) = connection.accept().await {
        tokio::spawn(answer_h2(request, respond));
    }
}

async fn answer_h2(
    request: http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<Bytes>,
) {
    match request.uri().path() {
        "/reset" => respond.send_reset(h2::Reason::INTERNAL_ERROR),
        "/upload" => {
            // A 100 when asked for, then the body echoed back.
            if request.headers().contains_key("expect") {
                let _ = respond
                    .send_informational(http::Response::builder().status(100).body(()).unwrap());
            }
            let mut body = request.into_body();
            let mut received = Vec::new();
            while let Some(Ok(chunk)) = body.data().await {
                let _ = body.flow_control().release_capacity(chunk.len());
                received.extend_from_slice(&chunk);
            }
            let response = http::Response::builder()
                .status(200)
                .header("content-length", received.len())
                .body(())
                .unwrap();
            if let Ok(mut send) = respond.send_response(response, false) {
                let _ = send.send_data(Bytes::from(received), true);
            }
        }
        "/to-http" => {
            let response = http::Response::builder()
                .status(301)
                .header("location", "http://127.0.0.1:9/")
                .body(())
                .unwrap();
            let _ = respond.send_response(response, true);
        }
        "/truncated" => {
            let response = http::Response::builder()
                .status(200)
                .header("content-length", "10")
                .body(())
                .unwrap();
            if let Ok(mut send) = respond.send_response(response, false) {
                let _ = send.send_data(Bytes::from_static(b"abc"), true);
            }
        }
        _ => {
            let early = http::Response::builder()
                .status(103)
                .header("link", "</a.css>; rel=preload; as=style")
                .body(())
                .unwrap();
            let _ = respond.send_informational(early);
            tokio::time::sleep(Duration::from_millis(20)).await;
            let processing = http::Response::builder().status(102).body(()).unwrap();
            let _ = respond.send_informational(processing);
            tokio::time::sleep(Duration::from_millis(20)).await;
            let response = http::Response::builder()
                .status(200)
                .header("content-length", "5")
                .header("strict-transport-security", "max-age=600")
                .body(())
                .unwrap();
            if let Ok(mut send) = respond.send_response(response, false) {
                let _ = send.send_data(Bytes::from_static(b"hello"), true);
            }
        }
    }
}

/// One HTTP/2 frame.
pub fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A cleartext HTTP/2 "server" that reads what the client sends for a moment, then writes its SETTINGS, an ACK
/// and `script`, and holds the connection open for a second.
pub fn raw_h2_server(script: Vec<u8>) -> u16 {
    let script = Arc::new(script);
    spawn_server(move |mut tcp| {
        let script = script.clone();
        async move {
            let mut buf = vec![0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_millis(100), async {
                loop {
                    if matches!(tcp.read(&mut buf).await, Ok(0) | Err(_)) {
                        break;
                    }
                }
            })
            .await;
            let mut out = frame(4, 0, 0, &[]);
            out.extend(frame(4, 1, 0, &[]));
            out.extend_from_slice(&script);
            let _ = tcp.write_all(&out).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

pub fn statuses(t: &Transcript) -> Vec<u16> {
    t.responses.iter().map(|r| r.status).collect()
}

pub fn request(url: &str) -> ProbeRequest {
    let mut request = ProbeRequest::get(parse_target(url).unwrap());
    request.timeout = Duration::from_secs(5);
    request
}

/// Checks that the phases add up to the total within a millisecond.
pub fn assert_timings_add_up(t: &Transcript) {
    let timings = t.timings.as_ref().expect("timings of a complete exchange");
    let sum = timings.dns_ms
        + timings.connect_ms
        + timings.tls_ms
        + timings.send_ms
        + timings.wait_ms
        + timings.interim_ms
        + timings.body_ms;
    assert!((sum - timings.total_ms).abs() < 1.0, "{timings:?}");
}

pub fn get(url: &str) -> Transcript {
    probe(&request(url))
}

/// Asserts that a warning containing `needle` was given.
pub fn assert_warned(t: &Transcript, needle: &str) {
    assert!(
        t.warnings.iter().any(|w| w.message.contains(needle)),
        "no warning with {needle:?} in {:?}",
        t.warnings
    );
}
