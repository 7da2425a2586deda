//! httpstatus-live: the application the engine serves. The live endpoints (`/status/{code}`, `/long`,
//! `/long/events`, the WebSocket echo, the Early Hints demo) and the web site plugged in beside them, as
//! handlers on the engine's protocol-agnostic exchange, so the same code answers over HTTP/1.1, HTTP/2 over TLS
//! and h2c. CORS is open on the live endpoints, so that browser code on any origin can test against them.
//!
//! # Layout
//!
//! - [`Live`] and its router (this file); [`status`], [`long`], [`websocket`]: the endpoints.
//! - [`explain`], [`negotiate`], [`params`], [`query`]: bodies that explain a code, content negotiation, and
//!   the parsing of every parameter (a bad one is a 400 that says what is valid).
//! - [`pages`]: the web site and JSON API (rendered by `httpstatus-site`) as a handler, and [`Everything`]: the
//!   site and the live endpoints together, as `httpstatus serve` runs them.

pub mod early_hints;
pub mod explain;
pub mod long;
pub mod negotiate;
pub mod pages;
pub mod params;
pub mod query;
pub mod scenario;
pub mod status;
pub mod websocket;

pub use pages::{Everything, Pages};

use std::io;

use httpstatus_server::Response;
use httpstatus_server::{BoxFuture, Handler};
use httpstatus_server::{Exchange, ExchangeError};
use negotiate::negotiate;

/// The live endpoints as a [`Handler`].
#[derive(Debug, Default)]
pub struct Live {
    /// The `/scenario/...` endpoints and the state they keep.
    scenarios: scenario::Scenarios,
}

impl Live {
    pub fn new() -> Self {
        Live::default()
    }

    /// The live endpoints with the scenarios' state in `store` (shared by several servers, say) instead of
    /// this process's memory.
    pub fn with_store(store: std::sync::Arc<dyn scenario::state::StateStore>) -> Self {
        Live {
            scenarios: scenario::Scenarios::new(store),
        }
    }
}

impl Handler for Live {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        Box::pin(route(&self.scenarios, ex))
    }
}

/// Sends each request to its endpoint.
async fn route(
    scenarios: &scenario::Scenarios,
    ex: &mut Exchange<'_>,
) -> Result<(), ExchangeError> {
    let request = ex.request();
    if request.method == "OPTIONS" && request.headers.contains("access-control-request-method") {
        return preflight(ex).await;
    }
    // The path is read from the request, not copied: each branch takes what it needs before the exchange
    // goes on.
    let path = request.path();
    if let Some(spec) = path.strip_prefix("/status/") {
        let choice = params::parse_spec(spec);
        return status::status(ex, choice).await;
    }
    if path == "/scenario" || path.starts_with("/scenario/") {
        return scenario::handle(scenarios, ex).await;
    }
    if path == "/early-hints" || path.starts_with("/early-hints/") {
        let path = path.to_owned();
        return early_hints::early_hints(ex, &path).await;
    }
    match path {
        "/status" => status::status(ex, params::parse_spec("")).await,
        "/long" => long::long(ex).await,
        "/long/events" => long::events(ex).await,
        _ => {
            let format = negotiate(ex.request().headers.get("accept"));
            let message = "no such endpoint; the live endpoints are /status/{code}, /long?seconds=N&heartbeat=S, \
                           /long/events?seconds=N, /early-hints?wait=MS and /scenario/...";
            ex.respond(add_cors(explain::error_response(
                404,
                httpstatus_catalog::phrase(404),
                message,
                format,
            )))
            .await
        }
    }
}

/// Answers a CORS preflight: any origin, the method and fields it asks for.
async fn preflight(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let headers = &ex.request().headers;
    let method = headers
        .get("access-control-request-method")
        .unwrap_or(b"GET")
        .to_vec();
    let fields = headers
        .get("access-control-request-headers")
        .map(<[u8]>::to_vec);
    let mut response = Response::new(204, httpstatus_catalog::phrase(204));
    response
        .headers
        .append("Access-Control-Allow-Origin", "*")?;
    response
        .headers
        .append("Access-Control-Allow-Methods", method)?;
    if let Some(fields) = fields {
        response
            .headers
            .append("Access-Control-Allow-Headers", fields)?;
    }
    response.headers.append("Access-Control-Max-Age", "600")?;
    ex.respond(response).await
}

/// Opens a live response to every origin, exposing all its fields to scripts.
pub fn add_cors(mut response: Response) -> Response {
    response
        .headers
        .append("Access-Control-Allow-Origin", "*")
        .expect("valid field");
    response
        .headers
        .append("Access-Control-Expose-Headers", "*")
        .expect("valid field");
    response
}

/// The error that ends an exchange whose client went away.
pub(crate) fn gone() -> ExchangeError {
    ExchangeError::Io(io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the client went away",
    ))
}
