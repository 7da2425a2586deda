//! httpstatus-server: the live server. Every status code on demand, real interim (1xx) responses, the long
//! operation demo (102 heartbeats and Server-Sent Events), and a WebSocket echo, over our own HTTP/1.1.
//!
//! # Layout
//!
//! - [`server`]: [`run`] (the accept loop, connection limit, graceful shutdown) and the per-connection request
//!   loop that answers requests in order and finishes each response whatever the handler did.
//! - [`connection`]: the only module that touches the socket: buffered reads with timeouts, timed writes,
//!   noticing a client that left, and the raw stream after `101 Switching Protocols`.
//! - [`exchange`]: what a handler sees of one request: the head, the body (`100 Continue` is sent only when the
//!   body is read), interim responses, then one final response, whole or streamed, or a protocol switch.
//! - [`handler`]: the [`Handler`] trait and the guard that turns a panic into a 500 for that request only.
//! - [`app`]: the live endpoints: `/status/{code}`, `/long`, `/long/events`, the WebSocket echo on `/status/101`.
//! - [`pages`]: the web site and JSON API (rendered by `httpstatus-site`) as a handler, and [`Everything`]: the
//!   site and the live endpoints together, as `httpstatus serve` runs them.
//! - [`config`], [`response`], [`date`], [`log`]: settings, the final response type, the `Date` value, the
//!   access log.
//!
//! HTTP framing and parsing live in `httpstatus-wire`; this crate does the I/O around it.

pub mod app;
pub mod config;
pub mod connection;
pub mod date;
pub mod exchange;
pub mod handler;
mod log;
pub mod pages;
pub mod response;
pub mod server;

pub use config::Config;
pub use connection::Upgraded;
pub use exchange::{Exchange, ExchangeError};
pub use handler::{BoxFuture, Handler};
pub use pages::{Everything, Pages};
pub use response::Response;
pub use server::{run, run_with};
