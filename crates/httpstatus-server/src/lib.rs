//! httpstatus-server: the engine. It accepts connections, speaks HTTP/1.1 (our own, so interim responses are
//! real), HTTP/2 (the `h2` crate) over TLS by ALPN or as h2c with prior knowledge, enforces limits and
//! timeouts, shuts down gracefully, and gives every request to a [`Handler`] as one protocol-agnostic
//! [`Exchange`]. It knows no endpoint: the application is a handler passed in (`httpstatus-live`).
//!
//! # Layout
//!
//! - [`server`]: [`serve`] (the accept loops, the connection limit, protocol choice, graceful shutdown).
//!   `workers` holds the threads, one current-thread runtime each, that connections are handed to in turn.
//! - [`transport`]: the byte stream (TCP or TLS) and the answers sent before any protocol runs.
//! - [`h1`]: one HTTP/1.1 connection: requests in order, keep-alive, the h2c preface handed on. Its
//!   `connection` module does the connection's reads and writes; the wire layer (`httpstatus-wire`) decides
//!   every byte of the heads.
//! - [`h2`]: one HTTP/2 connection: the `h2` crate with our limits, a task per stream.
//! - [`exchange`]: what a handler sees of one request, whatever the protocol: the [`Request`], the body
//!   (`100 Continue` is sent only when the body is read), interim responses, then one final response, whole or
//!   streamed with trailers, or a protocol switch over HTTP/1.1.
//! - [`handler`]: the [`Handler`] trait and the guard that turns a panic into a 500 for that request only.
//! - [`config`], [`request`], [`response`], [`date`], `log`: settings, the request and final response types,
//!   the `Date` value, the access log.

pub mod config;
pub mod date;
pub mod exchange;
mod h1;
mod h2;
pub mod handler;
mod log;
pub mod request;
pub mod response;
pub mod server;
mod stop;
pub mod transport;
mod workers;

pub use config::Config;
pub use exchange::{Exchange, ExchangeError, Fault};
pub use h1::connection::Upgraded;
pub use handler::{BoxFuture, Handler};
pub use request::{Protocol, Request};
pub use response::Response;
pub use server::{Listener, run_with, serve};
