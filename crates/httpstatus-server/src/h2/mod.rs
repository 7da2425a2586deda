//! HTTP/2 on one connection with the `h2` crate: the handshake with our limits, each stream's handler run
//! through the protocol-agnostic [`crate::Exchange`] (first polled on the connection's task, then on a task of
//! its own if it has to wait; the requests of one read are taken together so that their answers leave in one
//! write), an idle timeout, and graceful shutdown (GOAWAY,
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
use tokio::sync::Notify;
use tokio::time::timeout;

use crate::Config;
use crate::exchange::{Backend, Exchange, run_handler};
use crate::handler::Handler;
use crate::stop::Stop;
use exchange::{H2, request_from_parts};

/// Serves one HTTP/2 connection until the client or the server ends it.
pub(crate) async fn serve_connection<T>(
    io: T,
    secure: bool,
    config: &Arc<Config>,
    handler: &Arc<dyn Handler>,
    stop: Stop,
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
    let mut batch = Vec::new();
    let stopping = stop.stopped();
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
        let first = match accepted {
            Some(Ok(stream)) => stream,
            // A connection error (a protocol violation, a GOAWAY the defences sent) or the end.
            Some(Err(_)) | None => break,
        };
        // Take every request the last read brought before answering any: each `accept` polls the connection,
        // which writes what is queued, so answering between two accepts would cost a write (and over TLS a
        // record) per response; answered together, the responses of one read leave in one write.
        batch.push(first);
        let mut ended = false;
        while !ended {
            match poll_fn(|cx| Poll::Ready(connection.poll_accept(cx))).await {
                Poll::Ready(Some(Ok(stream))) => batch.push(stream),
                Poll::Ready(Some(Err(_)) | None) => ended = true,
                Poll::Pending => break,
            }
        }
        for (request, respond) in batch.drain(..) {
            active.fetch_add(1, Ordering::AcqRel);
            let task = StreamTask {
                config: config.clone(),
                handler: handler.clone(),
                active: active.clone(),
                finished: finished.clone(),
            };
            // Most answers complete at their first poll (a cached page, /status/200): run that poll here and
            // spawn a task only for a stream that has to wait. The future is polled with this task's waker
            // first; once spawned, its task polls it again and registers its own.
            let mut stream = Box::pin(task.run(request, respond, secure));
            let done = poll_fn(|cx| Poll::Ready(stream.as_mut().poll(cx).is_ready())).await;
            if !done {
                tokio::spawn(stream);
            }
        }
        if ended {
            // Write what the batch answered before the connection goes, within the write timeout.
            let _ = timeout(
                config.write_timeout,
                poll_fn(|cx| connection.poll_closed(cx)),
            )
            .await;
            break;
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
        let mut ex = Exchange::new(Backend::H2(Box::new(backend)), request, &self.config);
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

#[cfg(test)]
mod tests {
    use std::io;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};

    use super::serve_connection;
    use crate::handler::{BoxFuture, Handler};
    use crate::{Config, Exchange, ExchangeError, Response};

    /// The server's end of a pipe, counting the writes that carry bytes.
    struct Counted {
        inner: DuplexStream,
        writes: Arc<AtomicUsize>,
    }

    impl AsyncRead for Counted {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Counted {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let written = Pin::new(&mut self.inner).poll_write(cx, buf);
            if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
                self.writes.fetch_add(1, Ordering::Relaxed);
            }
            written
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    /// Answers every request at once with a small body, and notes the order of the targets.
    struct Small(Mutex<Vec<String>>);

    impl Handler for Small {
        fn handle<'a, 'c>(
            &'a self,
            ex: &'a mut Exchange<'c>,
        ) -> BoxFuture<'a, Result<(), ExchangeError>> {
            Box::pin(async move {
                self.0.lock().unwrap().push(ex.request().target.clone());
                ex.respond(Response::text(200, "OK", "a small answer\n"))
                    .await
            })
        }
    }

    #[tokio::test]
    async fn the_answers_to_the_requests_of_one_read_leave_in_one_write() {
        const STREAMS: usize = 10;
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let writes = Arc::new(AtomicUsize::new(0));
        let server_io = Counted {
            inner: server_io,
            writes: writes.clone(),
        };
        let handler = Arc::new(Small(Mutex::new(Vec::new())));
        let stop = crate::stop::Stop::new();
        let config = Arc::new(Config::default());
        let served: Arc<dyn Handler> = handler.clone();
        let server = tokio::spawn(async move {
            serve_connection(server_io, false, &config, &served, stop).await
        });

        let (mut client, connection) = h2::client::handshake(client_io).await.unwrap();
        let driver = tokio::spawn(connection);
        // Settle the handshake (SETTINGS and their acknowledgements) before counting.
        client = client.ready().await.unwrap();
        let (warm, _) = client
            .send_request(http::Request::get("http://t/warm").body(()).unwrap(), true)
            .unwrap();
        warm.await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let before = writes.load(Ordering::Relaxed);

        // Ten requests queued before the client's connection task runs go out in one write.
        let mut answers = Vec::new();
        for i in 0..STREAMS {
            let request = http::Request::get(format!("http://t/{i}"))
                .body(())
                .unwrap();
            let (answer, _) = client.send_request(request, true).unwrap();
            answers.push(answer);
        }
        for answer in answers {
            let response = answer.await.unwrap();
            assert_eq!(response.status(), 200);
            let mut body = response.into_body();
            let mut got = Vec::new();
            while let Some(chunk) = body.data().await {
                got.extend_from_slice(&chunk.unwrap());
            }
            assert_eq!(got, b"a small answer\n");
        }
        let answered = writes.load(Ordering::Relaxed) - before;
        let targets = handler.0.lock().unwrap().clone();
        let expected: Vec<String> = std::iter::once("/warm".to_owned())
            .chain((0..STREAMS).map(|i| format!("/{i}")))
            .collect();
        assert_eq!(
            targets, expected,
            "requests are answered in the order they came"
        );
        // One write per response (what answering between accepts costs) would be ten.
        assert!(
            answered <= 2,
            "{STREAMS} answers took {answered} writes; they should leave together"
        );
        drop(client);
        driver.abort();
        server.abort();
    }
}
