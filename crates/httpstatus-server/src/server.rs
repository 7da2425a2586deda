//! The accept loop, the per-connection request loop, and graceful shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use httpstatus_wire::{RequestHead, reason_phrase};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::connection::{Connection, HeadError};
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
    let mut connections = JoinSet::new();
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;

    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            _ = &mut shutdown => break,
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

/// Serves requests on one connection, in order, until it closes.
async fn serve_connection(
    stream: TcpStream,
    config: &Config,
    handler: &dyn Handler,
    mut stop: watch::Receiver<bool>,
) {
    let mut conn = Connection::new(stream, config.write_timeout);
    let mut first = true;
    let mut linger = false;
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
            _ = stop.wait_for(|stopping| *stopping), if idle => break,
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
