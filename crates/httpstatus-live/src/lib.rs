//! The live endpoints and their routing: `/status/{code}`, `/long`, `/long/events`. CORS is open on all of
//! them, so that browser code on any origin can test against them.

pub mod explain;
pub mod long;
pub mod negotiate;
pub mod params;
pub mod query;
pub mod status;
pub mod websocket;

use std::io;

use crate::exchange::{Exchange, ExchangeError};
use crate::handler::{BoxFuture, Handler};
use crate::response::Response;
use negotiate::negotiate;

/// The live endpoints as a [`Handler`].
#[derive(Debug, Default)]
pub struct Live;

impl Live {
    pub fn new() -> Self {
        Live
    }
}

impl Handler for Live {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        Box::pin(route(ex))
    }
}

/// Sends each request to its endpoint.
async fn route(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let path = ex.request().path().to_owned();
    if ex.request().method == "OPTIONS"
        && ex
            .request()
            .headers
            .contains("access-control-request-method")
    {
        return preflight(ex).await;
    }
    if let Some(spec) = path.strip_prefix("/status/") {
        return status::status(ex, spec).await;
    }
    match path.as_str() {
        "/status" => status::status(ex, "").await,
        "/long" => long::long(ex).await,
        "/long/events" => long::events(ex).await,
        _ => {
            let format = negotiate(ex.request().headers.get("accept"));
            let message = "no such endpoint; the live endpoints are /status/{code}, /long?seconds=N&heartbeat=S \
                           and /long/events?seconds=N";
            ex.respond(add_cors(explain::error_response(
                404,
                "Not Found",
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
    let mut response = Response::new(204, "No Content");
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
