//! The accept loop, the per-connection request loop, and graceful shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use httpstatus_wire::{RequestHead, encode_field, encode_status_line, reason_phrase};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::connection::{Connection, HeadError};
use crate::date::http_date;
use crate::exchange::{Exchange, ExchangeError, Sent};
use crate::handler::{CatchPanic, Handler, panic_message};
use crate::log::access_log;
use crate::{Config, app};

/// Serves the httpstatus live endpoints on `listener` until `shutdown` resolves, then stops accepting, lets
/// in-flight requests finish for up to `config.shutdown_grace`, and returns.
pub async fn run(listener: TcpListener, config: Config, shutdown: impl Future) -> io::Result<()> {
    run_with(listener, config, Arc::new(app::Live::new()), shutdown).await
}

/// [`run`] with any handler.
pub async fn run_with(
    listener: TcpListener,
    config: Config,
    handler: Arc<dyn Handler>,
    shutdown: impl Future,
) -> io::Result<()> {
    let config = Arc::new(config);
    let (stop_sender, stop) = watch::channel(false);
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    // Refusing takes a moment per client (send the 503, let it arrive); past this many at once, close at once.
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS_AT_ONCE));
    let mut connections = JoinSet::new();
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;

    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors or a connection reset before accept: wait a moment, keep serving.
                    if config.access_log {
                        eprintln!("accept failed: {error}");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Over the connection limit: answer now rather than leave the client queued with no word.
            if let Ok(slot) = refusals.clone().try_acquire_owned() {
                let log = config.access_log;
                connections.spawn(async move {
                    refuse_over_limit(stream, log).await;
                    drop(slot);
                });
            }
            continue;
        };
        let (config, handler, stop) = (config.clone(), handler.clone(), stop.clone());
        connections.spawn(async move {
            serve_connection(stream, &config, handler.as_ref(), stop).await;
            drop(permit);
        });
    }

    drop(listener);
    let _ = stop_sender.send(true);
    let drained = timeout(config.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
    Ok(())
}

/// Most over-limit clients being sent their 503 at the same moment; further ones are closed without a word.
const MAX_REFUSALS_AT_ONCE: usize = 64;

/// Answers a client past the connection limit with `503 Service Unavailable` and `Connection: close`, without
/// reading its request, then closes. The request bytes are drained for a moment after the answer so that the
/// close does not reset the connection before the client has read it.
async fn refuse_over_limit(mut stream: TcpStream, log: bool) {
    const BODY: &str =
        "503 Service Unavailable: the server is at its connection limit; try again in a moment\n";
    let mut response = Vec::with_capacity(256);
    encode_status_line(503, "Service Unavailable", &mut response);
    encode_field("Date", http_date().as_bytes(), &mut response);
    encode_field("Content-Type", b"text/plain; charset=utf-8", &mut response);
    encode_field(
        "Content-Length",
        BODY.len().to_string().as_bytes(),
        &mut response,
    );
    encode_field("Retry-After", b"1", &mut response);
    encode_field("Connection", b"close", &mut response);
    response.extend_from_slice(b"\r\n");
    response.extend_from_slice(BODY.as_bytes());
    let started = std::time::Instant::now();
    let _ = stream.set_nodelay(true);
    let written = timeout(REFUSAL_TIME, stream.write_all(&response)).await;
    if matches!(written, Ok(Ok(()))) {
        let _ = timeout(REFUSAL_TIME, stream.shutdown()).await;
        let mut sink = [0u8; 4096];
        let _ = timeout(REFUSAL_TIME, async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }
    if log {
        access_log("-", "-", Some(503), BODY.len() as u64, started.elapsed());
    }
}

/// How long refusing one over-limit client may take in each step (write, then drain).
const REFUSAL_TIME: Duration = Duration::from_millis(250);

/// Serves requests on one connection, in order, until it closes.
async fn serve_connection(
    stream: TcpStream,
    config: &Config,
    handler: &dyn Handler,
    stop: watch::Receiver<bool>,
) {
    let mut conn = Connection::new(stream, config.write_timeout);
    let mut first = true;
    let mut linger = false;
    // One wait for shutdown for the whole connection: it registers with the channel once, not once per request.
    let mut stop_signal = stop.clone();
    let stopping = stop_signal.wait_for(|stopping| *stopping);
    tokio::pin!(stopping);
    loop {
        let idle = conn.read_buf.is_empty();
        if idle && *stop.borrow() {
            break;
        }
        let first_byte_wait = if first {
            config.header_read_timeout
        } else {
            config.idle_timeout
        };
        let head = tokio::select! {
            head = conn.read_head(&config.limits, first_byte_wait, config.header_read_timeout) => head,
            _ = &mut stopping, if idle => break,
        };
        first = false;
        let head = match head {
            Ok(head) => head,
            Err(HeadError::Closed | HeadError::Io) => break,
            Err(HeadError::TimedOut) => {
                let seconds = config.header_read_timeout.as_secs_f64();
                let message = format!("the request head did not arrive within {seconds} s");
                send_head_error(&mut conn, config, &stop, 408, &message).await;
                linger = true;
                break;
            }
            Err(HeadError::Wire(error)) => {
                send_head_error(&mut conn, config, &stop, error.status(), &error.to_string()).await;
                linger = true;
                break;
            }
        };
        if !exchange(&mut conn, config, &stop, head, handler).await {
            linger = true;
            break;
        }
    }
    conn.shutdown().await;
    if linger {
        conn.linger().await;
    }
}

/// Runs the handler for one request and finishes the response whatever it did. Returns whether the
/// connection can carry another request.
async fn exchange(
    conn: &mut Connection,
    config: &Config,
    stop: &watch::Receiver<bool>,
    head: RequestHead,
    handler: &dyn Handler,
) -> bool {
    let method = head.method.clone();
    let target = head.target.clone();
    let mut ex = Exchange::new(conn, config, stop, head);
    let outcome = CatchPanic::new(handler.handle(&mut ex)).await;
    let reusable = match outcome {
        Ok(Ok(())) => match ex.sent {
            Sent::NoFinal => {
                ex.send_error(
                    500,
                    "Internal Server Error",
                    "the handler sent no final response",
                )
                .await;
                false
            }
            Sent::Streaming { .. } => ex.finish().await.is_ok() && ex.keep_alive,
            Sent::Done => ex.keep_alive,
            Sent::Upgraded => false,
        },
        Ok(Err(error)) => {
            match &error {
                ExchangeError::Request(wire) => {
                    ex.send_error(wire.status(), wire.reason(), &wire.to_string())
                        .await
                }
                ExchangeError::BodyTimeout => {
                    ex.send_error(408, "Request Timeout", &error.to_string())
                        .await
                }
                ExchangeError::Misuse(_) => {
                    ex.send_error(500, "Internal Server Error", &error.to_string())
                        .await
                }
                ExchangeError::Io(_) => {}
            }
            false
        }
        Err(payload) => {
            if config.access_log {
                eprintln!(
                    "handler panicked on {method} {target}: {}",
                    panic_message(payload.as_ref())
                );
            }
            let message =
                "the handler for this request failed; the server goes on serving other requests";
            ex.send_error(500, "Internal Server Error", message).await;
            false
        }
    };
    let reusable = reusable && ex.discard_body().await;
    if config.access_log {
        access_log(
            &method,
            &target,
            ex.status,
            ex.body_bytes,
            ex.started.elapsed(),
        );
    }
    reusable
}

/// Answers a request whose head could not be read, then the connection closes.
async fn send_head_error(
    conn: &mut Connection,
    config: &Config,
    stop: &watch::Receiver<bool>,
    status: u16,
    message: &str,
) {
    let reason = reason_phrase(status);
    let mut head = RequestHead {
        method: "-".into(),
        target: "-".into(),
        version: httpstatus_wire::Version::Http11,
        headers: Default::default(),
        framing: httpstatus_wire::BodyFraming::None,
        keep_alive: false,
        expect_continue: false,
    };
    head.keep_alive = false;
    let mut ex = Exchange::new(conn, config, stop, head);
    ex.send_error(status, reason, message).await;
    if config.access_log {
        access_log("-", "-", ex.status, ex.body_bytes, ex.started.elapsed());
    }
}
