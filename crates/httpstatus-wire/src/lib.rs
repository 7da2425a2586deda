//! httpstatus-wire: sans-I/O HTTP/1.1 (RFC 9112) shared by the httpstatus server and the probe client.
//!
//! Everything here is a pure function over bytes: no sockets, no clocks, no async. Reading code calls a parser
//! with what it has buffered; "incomplete" is a normal answer meaning "read more and call again". Every way a
//! peer can get the protocol wrong is a [`WireError`] that names the status code to answer with.
//!
//! # Layout
//!
//! - [`request`]: request heads, the checks of RFC 9112 (Host, bare CR, obs-fold, limits) and request framing.
//! - [`body`]: body framing, the decoder for Content-Length, chunked (with trailers) and close-delimited bodies,
//!   and the chunked encoder.
//! - [`response`]: writing response heads (interim 1xx and final) and parsing them on the client side.
//! - [`server`]: the server's decisions for a final head (framing, keep-alive, the fields it owns) and the heads
//!   it writes on its own (`100 Continue`, `101`, answers sent without a handler), as pure functions.
//! - [`client`]: the client's response state machine (interim heads, `100 Continue`, the final head, the body,
//!   stray bytes), fed bytes as they arrive.
//! - [`headers`]: the ordered, case-insensitive field list and the character rules for names and values.
//! - [`error`] and [`limits`]: what can go wrong, and the sizes that bound it.
//!
//! `httparse` reads the heads; everything around it is ours.

pub mod body;
pub mod client;
pub mod error;
pub mod headers;
pub mod limits;
pub mod request;
pub mod response;
pub mod server;

pub use body::{BodyDecoder, BodyEvent, BodyFraming, encode_chunk, encode_last_chunk};
pub use error::{WireError, reason_phrase};
pub use headers::Headers;
pub use limits::Limits;
pub use request::{RequestHead, Version, parse_request_head, split_target};
pub use response::{
    ResponseHead, encode_field, encode_response_head, encode_status_line, parse_response_head,
};
pub use server::{
    BodyKind, FinalHeadPlan, Framing, ResponseContext, encode_final_head, plan_final_head,
    status_has_no_body,
};
