//! HTTP/2 on one connection with the `h2` crate: the handshake with our limits, each stream's handler run
//! through the protocol-agnostic [`crate::Exchange`] (first polled on the connection's task, then on a task of
//! its own if it has to wait), an idle timeout, and graceful shutdown (GOAWAY,
//! then the streams in flight finish). The known HTTP/2 attacks meet the `h2` crate's defences set here:
//! rapid reset (pending and locally caused resets are capped), CONTINUATION floods and HPACK bombs (the header
//! list size limit), too many streams (the concurrency limit), and a client that never opens its window (each
//! write waits at most the write timeout, and the send buffer per stream is small).

pub(crate) mod exchange;

use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use bytes::Bytes;
use h2::server::SendResponse;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, watch};
use tokio::time::timeout;

use crate::Config;
use crate::exchange::{Backend, Exchange, run_handler};
use crate::handler::Handler;
use exchange::{H2, request_from_parts};

/// Serves one HTTP/2 connection until the client or the server ends it.
pub(crate) async fn serve_connection<T>(
    io: T,
    secure: bool,
    config: &Arc<Config>,
    handler: &Arc<dyn Handler>,
    stop: watch::Receiver<bool>,
) where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let mut builder = h2::server::Builder::new();
    builder
        .max_concurrent_streams(config.h2_max_concurrent_streams)
        .max_header_list_size(config.limits.max_head as u32)
        .initial_window_size(config.h2_stream_window)
        .initial_connection_window_size(config.h2_connection_window)
        .max_send_buffer_size(config.h2_send_buffer)
        .max_pending_accept_reset_streams(config.h2_max_pending_resets)
        .max_local_error_reset_streams(Some(config.h2_max_local_error_resets))
        .max_concurrent_reset_streams(config.h2_max_pending_resets);
    let handshake = timeout(
        config.header_read_timeout,
        builder.handshake::<T, Bytes>(io),
    )
    .await;
    let Ok(Ok(mut connection)) = handshake else {
        return;
    };
    let active = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(Notify::new());
    let mut shutting_down = false;
    let stopping = crate::server::stopped(stop);
    tokio::pin!(stopping);
    loop {
        let idle = active.load(Ordering::Acquire) == 0;
        let accepted = tokio::select! {
            accepted = connection.accept() => accepted,
            _ = &mut stopping, if !shutting_down => {
                connection.graceful_shutdown();
                shutting_down = true;
                continue;
            }
            _ = finished.notified() => continue,
            _ = tokio::time::sleep(config.idle_timeout), if idle && !shutting_down => {
                connection.graceful_shutdown();
                shutting_down = true;
                continue;
            }
        };
        match accepted {
            Some(Ok((request, respond))) => {
                active.fetch_add(1, Ordering::AcqRel);
                let task = StreamTask {
                    config: config.clone(),
                    handler: handler.clone(),
                    active: active.clone(),
                    finished: finished.clone(),
                };
                // Most answers complete at their first poll (a cached page, /status/200): run that poll here
                // and spawn a task only for a stream that has to wait. The future is polled with this task's
                // waker first; once spawned, its task polls it again and registers its own.
                let mut stream = Box::pin(task.run(request, respond, secure));
                let done = poll_fn(|cx| Poll::Ready(stream.as_mut().poll(cx).is_ready())).await;
                if !done {
                    tokio::spawn(stream);
                }
            }
            // A connection error (a protocol violation, a GOAWAY the defences sent) or the end.
            Some(Err(_)) | None => break,
        }
    }
}

/// What one stream's task needs.
struct StreamTask {
    config: Arc<Config>,
    handler: Arc<dyn Handler>,
    /// Streams of this connection in flight, for the idle timeout.
    active: Arc<AtomicUsize>,
    /// Told when a stream ends, so the connection re-checks whether it is idle.
    finished: Arc<Notify>,
}

impl StreamTask {
    async fn run(
        self,
        request: http::Request<h2::RecvStream>,
        respond: SendResponse<Bytes>,
        secure: bool,
    ) {
        let (parts, body) = request.into_parts();
        let (request, problem) = request_from_parts(parts, secure, &self.config.limits);
        let backend = H2::new(respond, body, self.config.clone());
        let mut ex = Exchange::new(Backend::H2(Box::new(backend)), request);
        match problem {
            // A head our HTTP/1.1 side would refuse gets the same status here.
            Some(error) => {
                ex.send_error(error.status(), error.reason(), &error.to_string())
                    .await;
                ex.log(&self.config);
            }
            None => {
                run_handler(&mut ex, self.handler.as_ref(), &self.config).await;
            }
        }
        drop(ex);
        self.active.fetch_sub(1, Ordering::AcqRel);
        self.finished.notify_one();
    }
}
