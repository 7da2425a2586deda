//! Test support: a server on 127.0.0.1:0 in its own runtime, and raw-socket helpers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use httpstatus_server::{Config, Handler};

/// A running server; dropping it shuts it down and waits for `run` to return.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts the live endpoints.
    pub fn start(config: Config) -> TestServer {
        TestServer::start_inner(config, None)
    }

    /// Starts a custom handler.
    pub fn start_with(config: Config, handler: Arc<dyn Handler>) -> TestServer {
        TestServer::start_inner(config, Some(handler))
    }

    fn start_inner(config: Config, handler: Option<Arc<dyn Handler>>) -> TestServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async {
                    let _ = shutdown_rx.await;
                };
                let handler = handler.unwrap_or_else(|| Arc::new(httpstatus_live::Live::new()));
                httpstatus_server::run_with(listener, config, handler, shutdown)
                    .await
                    .unwrap()
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the server starts");
        TestServer {
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    /// Starts shutdown; returns how long `run` took to return.
    pub fn stop(&mut self) -> Duration {
        let started = Instant::now();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        started.elapsed()
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    /// Sends `request` on a new connection and reads until the server closes it.
    pub fn exchange(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = self.connect();
        stream.write_all(request).unwrap();
        read_to_close(&mut stream)
    }

    /// Whether a plain request is still served correctly.
    pub fn still_serves(&self) -> bool {
        let response =
            self.exchange(b"GET /status/200 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        status_of(&response) == 200
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads until EOF (or a reset after the response).
pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return out,
            Err(e) => panic!(
                "read failed after {} bytes: {e}: {}",
                out.len(),
                String::from_utf8_lossy(&out)
            ),
        }
    }
}

/// Reads until `out` holds `count` complete responses to ordinary requests (Content-Length framed).
pub fn read_responses(stream: &mut TcpStream, count: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    while complete_responses(&out) < count {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&out));
        out.extend_from_slice(&buf[..n]);
    }
    out
}

/// Counts complete Content-Length-framed responses (interim heads count as responses too).
pub fn complete_responses(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = bytes;
    loop {
        let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") else {
            return count;
        };
        let head = String::from_utf8_lossy(&rest[..end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(0, |v| v.trim().parse().unwrap());
        if rest.len() < end + 4 + length {
            return count;
        }
        rest = &rest[end + 4 + length..];
        count += 1;
    }
}

/// Replaces every `Date:` value with `DATE` so responses compare byte for byte.
pub fn normalise(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut rest: &str = &text;
    while let Some(i) = rest.find("\r\nDate: ") {
        out.push_str(&rest[..i + 8]);
        out.push_str("DATE");
        let after = &rest[i + 8..];
        rest = &after[after.find("\r\n").unwrap_or(after.len())..];
    }
    out.push_str(rest);
    out
}

/// The status code of the first response in `bytes`.
pub fn status_of(bytes: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(bytes);
    text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// A config with short timeouts for tests.
pub fn quick_config() -> Config {
    Config {
        header_read_timeout: Duration::from_millis(400),
        idle_timeout: Duration::from_millis(400),
        body_read_timeout: Duration::from_millis(400),
        shutdown_grace: Duration::from_secs(2),
        ..Config::default()
    }
}

/// A handler with small fixed endpoints, so byte-exact tests do not depend on catalog text.
pub struct TestHandler;

impl Handler for TestHandler {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut httpstatus_server::Exchange<'c>,
    ) -> httpstatus_server::BoxFuture<'a, Result<(), httpstatus_server::ExchangeError>> {
        use httpstatus_server::Response;
        use httpstatus_wire::Headers;
        Box::pin(async move {
            let path = ex.request().path().to_owned();
            match path.as_str() {
                "/hello" | "/status/200" => ex.respond(Response::text(200, "OK", "hello\n")).await,
                "/echo" => {
                    let body = ex.read_body().await?;
                    ex.respond(Response::new(200, "OK").with_body("application/octet-stream", body))
                        .await
                }
                "/panic" => panic!("this handler always panics"),
                "/nothing" => Ok(()),
                "/stream" => {
                    let mut headers = Headers::new();
                    headers.append("Content-Type", "text/plain").unwrap();
                    ex.start_stream(200, "OK", &headers).await?;
                    ex.send_chunk(b"ab").await?;
                    ex.send_chunk(b"cde").await?;
                    ex.finish().await
                }
                "/interim" => {
                    let mut link = Headers::new();
                    link.append("Link", "</a.css>; rel=preload").unwrap();
                    ex.send_interim(103, "Early Hints", &link).await?;
                    ex.respond(Response::text(200, "OK", "done\n")).await
                }
                "/big" => {
                    // 64 MiB: more than loopback's socket buffers hold, so a client that does not read
                    // leaves the server's write waiting.
                    let body = vec![b'x'; 64 << 20];
                    ex.respond(Response::new(200, "OK").with_body("application/octet-stream", body))
                        .await
                }
                "/slow" => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    ex.respond(Response::text(200, "OK", "slow\n")).await
                }
                _ => ex.respond(Response::text(404, "Not Found", "no\n")).await,
            }
        })
    }
}
