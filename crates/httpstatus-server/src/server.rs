//! The accept loops, protocol choice and graceful shutdown. A cleartext listener serves HTTP/1.1 and, for a
//! client that opens with the HTTP/2 preface, h2c; a TLS listener completes the handshake and serves what ALPN
//! chose (`h2` or `http/1.1`), and answers plain HTTP sent to it with a 400 that says so. One connection limit
//! covers both listeners.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_rustls::{LazyConfigAcceptor, TlsAcceptor};

use crate::handler::Handler;
use crate::log::access_log;
use crate::request::Protocol;
use crate::stop::Stop;
use crate::transport::{Stream, answer_and_close, peek_first_byte};
use crate::workers::Workers;
use crate::{Config, h1, h2};

/// A listening socket and how to speak on it.
pub struct Listener {
    /// The bound socket.
    pub tcp: TcpListener,
    /// `Some` for HTTPS: the rustls configuration (certificate, ALPN `h2` and `http/1.1`).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// HTTPS: other configurations, chosen by the name the client sends in SNI (lowercase); any other name,
    /// or none, gets `tls`.
    pub tls_by_name: HashMap<String, Arc<rustls::ServerConfig>>,
}

impl Listener {
    /// Cleartext HTTP/1.1, and h2c for clients with prior knowledge.
    pub fn plain(tcp: TcpListener) -> Self {
        Listener {
            tcp,
            tls: None,
            tls_by_name: HashMap::new(),
        }
    }

    /// HTTPS: HTTP/2 or HTTP/1.1 by ALPN.
    pub fn tls(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> Self {
        Listener {
            tcp,
            tls: Some(config),
            tls_by_name: HashMap::new(),
        }
    }

    /// HTTPS where some server names get their own configuration (another certificate, other TLS versions).
    pub fn tls_with_names(
        tcp: TcpListener,
        config: Arc<rustls::ServerConfig>,
        by_name: HashMap<String, Arc<rustls::ServerConfig>>,
    ) -> Self {
        Listener {
            tcp,
            tls: Some(config),
            tls_by_name: by_name,
        }
    }
}

/// How a TLS listener picks the configuration of a handshake.
#[derive(Clone)]
enum TlsChoice {
    /// One configuration for every client.
    Single(TlsAcceptor),
    /// By the SNI name in the ClientHello, with a default.
    ByName {
        default: Arc<rustls::ServerConfig>,
        by_name: Arc<HashMap<String, Arc<rustls::ServerConfig>>>,
    },
}

/// Serves `handler` on one cleartext listener until `shutdown` resolves; see [`serve`].
pub async fn run_with(
    listener: TcpListener,
    config: Config,
    handler: Arc<dyn Handler>,
    shutdown: impl Future,
) -> io::Result<()> {
    serve(vec![Listener::plain(listener)], config, handler, shutdown).await
}

/// Serves `handler` on every listener until `shutdown` resolves, then stops accepting, lets in-flight requests
/// finish for up to `config.shutdown_grace`, and returns. Connections are served on the calling runtime, or
/// on `config.worker_threads` threads of their own.
pub async fn serve(
    listeners: Vec<Listener>,
    config: Config,
    handler: Arc<dyn Handler>,
    shutdown: impl Future,
) -> io::Result<()> {
    let (workers, worker_threads) = match config.worker_threads {
        0 => (None, None),
        count => {
            let (workers, threads) = Workers::start(count)?;
            (Some(workers), Some(threads))
        }
    };
    let shared = Arc::new(Shared {
        workers,
        permits: Arc::new(Semaphore::new(config.max_connections.max(1))),
        // Refusing takes a moment per client (send the 503, let it arrive); past this many at once, close at once.
        refusals: Arc::new(Semaphore::new(MAX_REFUSALS_AT_ONCE)),
        config: Arc::new(config),
        handler,
    });
    let stop = Stop::new();
    let mut loops = JoinSet::new();
    for listener in listeners {
        loops.spawn(accept_loop(listener, shared.clone(), stop.clone()));
    }
    shutdown.await;
    stop.stop();
    while loops.join_next().await.is_some() {}
    // Every accept loop has drained or dropped its connections; the workers have nothing left to serve.
    if let Some(threads) = worker_threads {
        threads.finish().await;
    }
    Ok(())
}

/// What every connection task shares.
struct Shared {
    /// The threads connections are served on, when not on the accept loop's runtime.
    workers: Option<Workers>,
    config: Arc<Config>,
    handler: Arc<dyn Handler>,
    /// One per connection served; the connection limit.
    permits: Arc<Semaphore>,
    /// One per over-limit client being answered.
    refusals: Arc<Semaphore>,
}

/// Most over-limit clients being sent their 503 at the same moment; further ones are closed without a word.
const MAX_REFUSALS_AT_ONCE: usize = 64;

async fn accept_loop(listener: Listener, shared: Arc<Shared>, stop: Stop) {
    let mut connections = JoinSet::new();
    let stopping = stop.stopped();
    tokio::pin!(stopping);
    let acceptor = listener.tls.map(|config| {
        if listener.tls_by_name.is_empty() {
            TlsChoice::Single(TlsAcceptor::from(config))
        } else {
            TlsChoice::ByName {
                default: config,
                by_name: Arc::new(listener.tls_by_name),
            }
        }
    });
    loop {
        let stream = tokio::select! {
            _ = &mut stopping => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.tcp.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors or a connection reset before accept: wait a moment, keep serving.
                    if shared.config.access_log {
                        eprintln!("accept failed: {error}");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Responses are written whole; Nagle would only delay interim heads and small replies.
        let _ = stream.set_nodelay(true);
        let Ok(permit) = shared.permits.clone().try_acquire_owned() else {
            // A cleartext client gets a 503 it can read; a TLS client could read it only after a handshake,
            // which is the work an overloaded server must not start, so it is closed at once.
            if acceptor.is_none() {
                refuse_over_limit(stream, &shared, &mut connections);
            }
            continue;
        };
        // A socket is registered with the runtime that accepted it; one bound for a worker leaves this runtime
        // and joins the worker's when its task first runs there.
        let (worker, stream) = match &shared.workers {
            None => (None, Accepted::Here(stream)),
            Some(workers) => match stream.into_std() {
                Ok(stream) => (Some(workers.next().clone()), Accepted::Moving(stream)),
                Err(_) => continue,
            },
        };
        let (shared, stop, acceptor) = (shared.clone(), stop.clone(), acceptor.clone());
        let serve = async move {
            let stream = match stream {
                Accepted::Here(stream) => stream,
                Accepted::Moving(stream) => match TcpStream::from_std(stream) {
                    Ok(stream) => stream,
                    Err(_) => return,
                },
            };
            match acceptor {
                None => {
                    h1::serve_connection(
                        Stream::Plain(stream),
                        &shared.config,
                        &shared.handler,
                        stop,
                        true,
                    )
                    .await
                }
                Some(acceptor) => serve_tls(stream, acceptor, &shared, stop).await,
            }
            drop::<OwnedSemaphorePermit>(permit);
        };
        match &worker {
            None => connections.spawn(serve),
            Some(runtime) => connections.spawn_on(serve, runtime),
        };
    }
    drop(listener.tcp);
    let grace = shared.config.shutdown_grace;
    let drained = timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

/// An accepted connection on its way to the task that serves it.
enum Accepted {
    /// Served on the accept loop's runtime.
    Here(TcpStream),
    /// Out of the accept loop's runtime, bound for a worker's.
    Moving(std::net::TcpStream),
}

/// Answers a client past the connection limit with `503 Service Unavailable` and `Connection: close`, without
/// reading its request, rather than leave it queued with no word.
fn refuse_over_limit(stream: TcpStream, shared: &Shared, connections: &mut JoinSet<()>) {
    let Ok(slot) = shared.refusals.clone().try_acquire_owned() else {
        return;
    };
    let log = shared.config.access_log;
    connections.spawn(async move {
        const BODY: &str =
            "503 Service Unavailable: the server is at its connection limit; try again in a moment\n";
        let started = std::time::Instant::now();
        answer_and_close(
            stream,
            503,
            httpstatus_wire::reason_phrase(503),
            &[("Retry-After", b"1")],
            BODY,
        )
        .await;
        if log {
            access_log(
                "-",
                "-",
                Protocol::Http11,
                Some(503),
                BODY.len() as u64,
                started.elapsed(),
            );
        }
        drop(slot);
    });
}

/// The first byte of every TLS connection is a handshake record (content type 22).
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// Completes a TLS handshake and serves the protocol ALPN chose; plain HTTP gets a 400 that says what to do.
async fn serve_tls(stream: TcpStream, acceptor: TlsChoice, shared: &Shared, stop: Stop) {
    let config = &shared.config;
    match peek_first_byte(&stream, config.header_read_timeout).await {
        None => return,
        Some(TLS_HANDSHAKE_RECORD) => {}
        Some(byte) if byte.is_ascii_alphabetic() => {
            const BODY: &str = "400 Bad Request: a plain HTTP request was sent to the HTTPS port; \
                                use https:// for this port, or the cleartext port for http://\n";
            answer_and_close(stream, 400, httpstatus_wire::reason_phrase(400), &[], BODY).await;
            if config.access_log {
                access_log(
                    "-",
                    "-",
                    Protocol::Http11,
                    Some(400),
                    BODY.len() as u64,
                    std::time::Duration::ZERO,
                );
            }
            return;
        }
        // Not TLS and not HTTP: there is no one to answer in a language they speak.
        Some(_) => return,
    }
    let handshake = async {
        match acceptor {
            TlsChoice::Single(acceptor) => acceptor.accept(stream).await,
            TlsChoice::ByName { default, by_name } => {
                let start =
                    LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream).await?;
                let chosen = start
                    .client_hello()
                    .server_name()
                    .and_then(|name| by_name.get(&name.to_ascii_lowercase()))
                    .cloned()
                    .unwrap_or(default);
                start.into_stream(chosen).await
            }
        }
    };
    let Ok(Ok(tls)) = timeout(config.header_read_timeout, handshake).await else {
        return;
    };
    let is_h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    if is_h2 {
        h2::serve_connection(tls, true, config, &shared.handler, stop).await;
    } else {
        let stream = Stream::Tls(Box::new(tls));
        h1::serve_connection(stream, config, &shared.handler, stop, false).await;
    }
}
