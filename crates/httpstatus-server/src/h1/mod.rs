//! HTTP/1.1 (and 1.0) on one connection: requests answered in order until the connection closes, each through
//! the protocol-agnostic [`crate::Exchange`]; a client that opens with the HTTP/2 preface is handed to
//! [`crate::h2`] on the same connection (h2c with prior knowledge).

pub(crate) mod connection;
pub(crate) mod exchange;

use std::sync::Arc;

use httpstatus_wire::{BodyFraming, RequestHead, Version, reason_phrase};

use crate::exchange::{Backend, Exchange, Outcome, run_handler};
use crate::handler::Handler;
use crate::request::{Protocol, Request};
use crate::stop::Stop;
use crate::transport::Stream;
use crate::{Config, h2};
use connection::{Connection, HeadError};
use exchange::{H1, H1Request};

/// Serves requests on one connection, in order, until it closes. `allow_h2c` lets a client with prior
/// knowledge switch the connection to HTTP/2 by opening with the HTTP/2 preface.
pub(crate) async fn serve_connection(
    stream: Stream,
    config: &Arc<Config>,
    handler: &Arc<dyn Handler>,
    stop: Stop,
    allow_h2c: bool,
) {
    let secure = stream.is_tls();
    let mut conn = Connection::new(stream, config.write_timeout);
    let mut first = true;
    let mut linger = false;
    // One wait for shutdown for the whole connection: it registers with the signal once, not once per request.
    let stopping = stop.stopped();
    tokio::pin!(stopping);
    loop {
        let idle = conn.read_buf.is_empty();
        if idle && stop.is_stopping() {
            break;
        }
        let first_byte_wait = if first {
            config.header_read_timeout
        } else {
            config.idle_timeout
        };
        let detect_http2 = first && allow_h2c;
        let head = tokio::select! {
            head = conn.read_head(&config.limits, first_byte_wait, config.header_read_timeout, detect_http2) => head,
            _ = &mut stopping, if idle => break,
        };
        first = false;
        let head = match head {
            Ok(head) => head,
            Err(HeadError::Closed | HeadError::Io) => break,
            Err(HeadError::Http2Preface) => {
                h2::serve_connection(conn.upgraded(), false, config, handler, stop).await;
                return;
            }
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
        if !exchange(&mut conn, config, &stop, head, handler.as_ref(), secure).await {
            linger = true;
            break;
        }
    }
    if conn.reset {
        // A deliberate reset: no FIN, no lingering; dropping the socket sends the RST.
        return;
    }
    conn.shutdown().await;
    if linger {
        conn.linger().await;
    }
}

/// The protocol-agnostic request of an HTTP/1.x head, and the framing facts the HTTP/1.1 side keeps.
fn split_head(head: RequestHead, secure: bool) -> (Request, H1Request) {
    let wants_upgrade = head.wants_upgrade();
    let kept = H1Request {
        version: head.version,
        keep_alive: head.keep_alive,
        expect_continue: head.expect_continue,
        framing: head.framing,
    };
    let request = Request {
        method: head.method,
        target: head.target,
        version: match head.version {
            Version::Http10 => Protocol::Http10,
            Version::Http11 => Protocol::Http11,
        },
        secure,
        headers: head.headers,
        expect_continue: head.expect_continue,
        wants_upgrade,
    };
    (request, kept)
}

/// Runs the handler for one request and finishes the response whatever it did. Returns whether the
/// connection can carry another request.
async fn exchange(
    conn: &mut Connection,
    config: &Config,
    stop: &Stop,
    head: RequestHead,
    handler: &dyn Handler,
    secure: bool,
) -> bool {
    let (request, kept) = split_head(head, secure);
    let h1 = H1::new(conn, config, stop, &kept);
    let mut ex = Exchange::new(Backend::H1(h1), request, config);
    let outcome = run_handler(&mut ex, handler, config).await;
    let continue_sent = ex.continue_sent;
    match &mut ex.backend {
        Backend::H1(h1) => {
            outcome == Outcome::Complete && h1.keep_alive && h1.discard_body(continue_sent).await
        }
        Backend::H2(_) => false,
    }
}

/// Answers a request whose head could not be read, then the connection closes.
async fn send_head_error(
    conn: &mut Connection,
    config: &Config,
    stop: &Stop,
    status: u16,
    message: &str,
) {
    let reason = reason_phrase(status);
    let kept = H1Request {
        version: Version::Http11,
        keep_alive: false,
        expect_continue: false,
        framing: BodyFraming::None,
    };
    let h1 = H1::new(conn, config, stop, &kept);
    let request = Request {
        method: "-".into(),
        target: "-".into(),
        version: Protocol::Http11,
        secure: false,
        headers: Default::default(),
        expect_continue: false,
        wants_upgrade: false,
    };
    let mut ex = Exchange::new(Backend::H1(h1), request, config);
    ex.send_error(status, reason, message).await;
    ex.log(config);
}
