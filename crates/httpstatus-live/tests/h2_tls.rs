//! HTTP/2 and TLS on real sockets: the same handlers answer over HTTP/1.1, HTTP/2 over TLS (ALPN) and h2c with
//! prior knowledge; interim responses arrive as HTTP/2 HEADERS before the final one; `Expect: 100-continue`,
//! trailers, the body limit, a reset stream, plain HTTP on the TLS port and graceful shutdown behave as they do
//! over HTTP/1.1. The clients are the `h2` crate's and rustls's, so these tests need no outside tools.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use httpstatus_live::Live;
use httpstatus_server::{BoxFuture, Config, Exchange, ExchangeError, Handler, Listener, Response};
use httpstatus_tls::rustls::pki_types::{CertificateDer, ServerName};
use httpstatus_tls::{ALPN_H2, ALPN_HTTP_1_1, LeafSpec, LocalCa};
use httpstatus_wire::Headers;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_rustls::TlsConnector;

/// A server with a cleartext and a TLS listener, stopped when dropped.
struct Server {
    plain: SocketAddr,
    tls: SocketAddr,
    ca: CertificateDer<'static>,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
    _dir: TempDir,
}

/// A directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    async fn start(config: Config, handler: Arc<dyn Handler>) -> Server {
        let dir = std::env::temp_dir().join(format!(
            "httpstatus-h2-test-{}-{}",
            std::process::id(),
            fastrand_name()
        ));
        let ca = LocalCa::load_or_create(&dir).expect("a CA in a temp dir");
        let leaf = ca.issue(&LeafSpec::localhost()).expect("a localhost leaf");
        let tls_config =
            httpstatus_tls::server_config(leaf.chain, leaf.key, &[ALPN_H2, ALPN_HTTP_1_1])
                .expect("a server config");
        let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tls = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (plain_addr, tls_addr) = (plain.local_addr().unwrap(), tls.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let listeners = vec![Listener::plain(plain), Listener::tls(tls, tls_config)];
        let done = tokio::spawn(async move {
            httpstatus_server::serve(listeners, config, handler, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Server {
            plain: plain_addr,
            tls: tls_addr,
            ca: ca.cert_der().clone(),
            stop: Some(stop),
            done: Some(done),
            _dir: TempDir(dir),
        }
    }

    /// Starts shutdown and waits until `serve` returns.
    async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            tokio::time::timeout(Duration::from_secs(10), done)
                .await
                .expect("shutdown finishes")
                .unwrap();
        }
    }

    /// A TLS connection offering `alpn`.
    async fn tls_connect(&self, alpn: &[&[u8]]) -> tokio_rustls::client::TlsStream<TcpStream> {
        let config = httpstatus_tls::client_config_trusting(&self.ca, alpn).unwrap();
        let tcp = TcpStream::connect(self.tls).await.unwrap();
        TlsConnector::from(config)
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("the handshake succeeds with the local CA trusted")
    }

    /// An HTTP/2 client over TLS (ALPN h2).
    async fn h2_tls(&self) -> h2::client::SendRequest<Bytes> {
        let tls = self.tls_connect(&[ALPN_H2]).await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(ALPN_H2));
        client(tls).await
    }

    /// An HTTP/2 client with prior knowledge on the cleartext port (h2c).
    async fn h2c(&self) -> h2::client::SendRequest<Bytes> {
        client(TcpStream::connect(self.plain).await.unwrap()).await
    }
}

fn fastrand_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{nanos:x}")
}

async fn client<T>(io: T) -> h2::client::SendRequest<Bytes>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (send, connection) = h2::client::handshake(io)
        .await
        .expect("an HTTP/2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    send
}

/// What came back for one request over HTTP/2.
struct Answer {
    interim: Vec<http::Response<()>>,
    head: http::response::Parts,
    body: Vec<u8>,
    trailers: Option<http::HeaderMap>,
}

async fn get(send: &mut h2::client::SendRequest<Bytes>, path: &str) -> Answer {
    exchange(send, "GET", path, &[], None).await
}

async fn exchange(
    send: &mut h2::client::SendRequest<Bytes>,
    method: &str,
    path: &str,
    fields: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Answer {
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("https://localhost{path}"));
    for (name, value) in fields {
        request = request.header(*name, *value);
    }
    let request = request.body(()).unwrap();
    let mut ready = send.clone().ready().await.unwrap();
    let (mut response, mut stream) = ready.send_request(request, body.is_none()).unwrap();
    if let Some(body) = body {
        // With `Expect: 100-continue` the body waits for the 100, as a careful client does.
        if fields
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("expect"))
        {
            let first = poll_fn(|cx| response.poll_informational(cx)).await;
            let first = first.expect("an interim response").unwrap();
            assert_eq!(first.status(), 100);
        }
        // The server may answer (and end the stream) before it reads the body (RFC 9113 section 8.1): a stream
        // already closed here is then not an error, and the response below says what happened.
        let _ = stream.send_data(Bytes::copy_from_slice(body), true);
    }
    let mut interim = Vec::new();
    while let Some(info) = poll_fn(|cx| response.poll_informational(cx)).await {
        interim.push(info.unwrap());
    }
    let (head, mut received) = response.await.expect("a final response").into_parts();
    let mut body = Vec::new();
    while let Some(data) = received.data().await {
        let data = data.unwrap();
        let _ = received.flow_control().release_capacity(data.len());
        body.extend_from_slice(&data);
    }
    let trailers = received.trailers().await.unwrap();
    Answer {
        interim,
        head,
        body,
        trailers,
    }
}

fn live() -> Arc<dyn Handler> {
    Arc::new(Live::new())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interim_responses_arrive_before_the_final_one_over_h2_and_h2c() {
    let mut server = Server::start(Config::default(), live()).await;
    for (name, mut send) in [("h2", server.h2_tls().await), ("h2c", server.h2c().await)] {
        let answer = get(&mut send, "/status/200?interim=103,102").await;
        let statuses: Vec<u16> = answer.interim.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(statuses, [103, 102], "{name}");
        let links: Vec<_> = answer.interim[0].headers().get_all("link").iter().collect();
        assert_eq!(links.len(), 2, "{name}: the 103 carries its preload links");
        assert_eq!(answer.head.status, 200, "{name}");
        assert_eq!(answer.head.version, http::Version::HTTP_2, "{name}");
        let text = String::from_utf8(answer.body).unwrap();
        assert!(
            text.contains("103"),
            "{name}: the body reports the interim responses: {text}"
        );

        let answer = get(&mut send, "/status/102").await;
        let statuses: Vec<u16> = answer.interim.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(
            (statuses, answer.head.status.as_u16()),
            (vec![102], 200),
            "{name}"
        );
    }
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_handler_answers_over_every_protocol() {
    let mut server = Server::start(Config::default(), live()).await;
    let path = "/status/429?retry_after=30";
    for (name, mut send) in [("h2", server.h2_tls().await), ("h2c", server.h2c().await)] {
        let answer = get(&mut send, path).await;
        assert_eq!(answer.head.status, 429, "{name}");
        assert_eq!(answer.head.headers["retry-after"], "30", "{name}");
        assert!(answer.head.headers.contains_key("date"), "{name}");
        let length: usize = answer.head.headers["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, answer.body.len(), "{name}");
    }
    // HTTP/1.1 over TLS, chosen by ALPN.
    let mut tls = server.tls_connect(&[ALPN_HTTP_1_1]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(ALPN_HTTP_1_1));
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 429 Too Many Requests\r\n"),
        "{response}"
    );
    assert!(response.contains("\r\nRetry-After: 30\r\n"), "{response}");
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_fields_never_reach_an_h2_client_and_101_is_explained() {
    let mut server = Server::start(Config::default(), live()).await;
    let mut send = server.h2_tls().await;
    // A 426 calls for Upgrade and Connection over HTTP/1.1; HTTP/2 forbids both, and the body says so.
    let answer = get(&mut send, "/status/101").await;
    assert_eq!(answer.head.status, 426);
    assert!(!answer.head.headers.contains_key("connection"));
    assert!(!answer.head.headers.contains_key("upgrade"));
    let text = String::from_utf8(answer.body).unwrap();
    assert!(text.contains("HTTP/2 has no 101"), "{text}");
    // The fields a client may set through the URL are the same over every protocol; connection fields are
    // refused with a 400 that says which, rather than dropped.
    let answer = get(&mut send, "/status/200?header=Connection:close").await;
    assert_eq!(answer.head.status, 400);
    let answer = get(&mut send, "/status/200?header=X-Kept:yes").await;
    assert_eq!(answer.head.headers["x-kept"], "yes");
    server.shut_down().await;
}

/// A handler for what the live endpoints do not exercise: body reading, trailers, waiting for the client.
struct Probe {
    gone: Arc<AtomicBool>,
}

impl Handler for Probe {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        Box::pin(async move {
            match ex.request().path() {
                "/echo" => {
                    let body = ex.read_body().await?;
                    let mut response =
                        Response::new(200, "OK").with_body("application/octet-stream", body);
                    let interim = ex
                        .interim_sent()
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>();
                    response.headers.append("X-Interim", interim.join(","))?;
                    ex.respond(response).await
                }
                "/trailers" => {
                    let mut headers = Headers::new();
                    headers.append("Content-Type", "text/plain")?;
                    headers.append("Trailer", "X-Checksum")?;
                    ex.start_stream(200, "OK", &headers).await?;
                    ex.send_chunk(b"abc").await?;
                    ex.send_chunk(b"def").await?;
                    let mut trailers = Headers::new();
                    trailers.append("X-Checksum", "abcdef")?;
                    ex.finish_with_trailers(&trailers).await
                }
                "/wait-for-gone" => {
                    ex.client_gone().await;
                    self.gone.store(true, Ordering::SeqCst);
                    Err(ExchangeError::Io(
                        std::io::ErrorKind::ConnectionAborted.into(),
                    ))
                }
                "/slow" => {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    ex.respond(Response::text(200, "OK", "slow\n")).await
                }
                _ => ex.respond(Response::text(404, "Not Found", "no\n")).await,
            }
        })
    }
}

fn probe_handler() -> (Arc<dyn Handler>, Arc<AtomicBool>) {
    let gone = Arc::new(AtomicBool::new(false));
    (Arc::new(Probe { gone: gone.clone() }), gone)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_continue_trailers_and_limits_over_h2() {
    let mut config = Config::default();
    config.limits.max_body = 1000;
    let (handler, _) = probe_handler();
    let mut server = Server::start(config, handler).await;
    let mut send = server.h2_tls().await;

    let answer = exchange(&mut send, "POST", "/echo", &[], Some(b"hello")).await;
    assert_eq!(
        (answer.head.status.as_u16(), answer.body.as_slice()),
        (200, &b"hello"[..])
    );
    assert_eq!(
        answer.head.headers["x-interim"], "",
        "no 100 without Expect"
    );

    let expect = [("expect", "100-continue")];
    let answer = exchange(&mut send, "POST", "/echo", &expect, Some(b"after the 100")).await;
    assert_eq!(answer.body, b"after the 100");
    assert_eq!(
        answer.head.headers["x-interim"], "100",
        "the 100 went out when the body was read"
    );

    let big = vec![b'x'; 5000];
    let answer = exchange(&mut send, "POST", "/echo", &[], Some(&big)).await;
    assert_eq!(answer.head.status, 413);

    let answer = get(&mut send, "/trailers").await;
    assert_eq!(answer.body, b"abcdef");
    let trailers = answer.trailers.expect("trailers arrive after the body");
    assert_eq!(trailers["x-checksum"], "abcdef");
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_stream_tells_the_handler_its_client_left() {
    let (handler, gone) = probe_handler();
    let mut server = Server::start(Config::default(), handler).await;
    let send = server.h2c().await;
    let request = http::Request::get("http://localhost/wait-for-gone")
        .body(())
        .unwrap();
    let mut ready = send.ready().await.unwrap();
    let (_response, mut stream) = ready.send_request(request, false).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!gone.load(Ordering::SeqCst), "the client is still there");
    stream.send_reset(h2::Reason::CANCEL);
    let noticed = tokio::time::timeout(Duration::from_secs(3), async {
        while !gone.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(noticed.is_ok(), "the handler saw the reset");
    // The connection goes on serving other streams.
    let mut send = ready;
    let answer = get(&mut send, "/nothing-here").await;
    assert_eq!(answer.head.status, 404);
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_on_the_tls_port_is_told_so() {
    let mut server = Server::start(Config::default(), live()).await;
    let mut tcp = TcpStream::connect(server.tls).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), tcp.read_to_end(&mut response))
        .await
        .expect("an answer, not a hang")
        .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{response}"
    );
    assert!(
        response.contains("plain HTTP request was sent to the HTTPS port"),
        "{response}"
    );
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_an_h2_stream_in_flight_finish() {
    let (handler, _) = probe_handler();
    let mut server = Server::start(Config::default(), handler).await;
    let mut send = server.h2_tls().await;
    let in_flight = tokio::spawn(async move { get(&mut send, "/slow").await.head.status });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.shut_down().await;
    let status = in_flight.await.unwrap();
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_h2_connection_is_closed() {
    let config = Config {
        idle_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let mut server = Server::start(config, live()).await;
    let tcp = TcpStream::connect(server.plain).await.unwrap();
    let (mut send, connection) = h2::client::handshake(tcp).await.unwrap();
    let connection = tokio::spawn(connection);
    let answer = get(&mut send, "/status/204").await;
    assert_eq!(answer.head.status, 204);
    let closed = tokio::time::timeout(Duration::from_secs(3), connection).await;
    assert!(
        closed.is_ok(),
        "the server sent GOAWAY and closed the idle connection"
    );
    server.shut_down().await;
}
