//! httpstatus-fuzz: the properties that the fuzz targets check, one function per target, shared with the corpus
//! replay test so that every committed input is checked by a plain `cargo test` too.
//!
//! # Layout
//!
//! - [`wire`]: request heads, chunked bodies, and response heads with their bodies read as the probe reads them.
//! - [`params`]: query strings, the `/status/{spec}` path and the live-endpoint parameters.
//! - [`content`]: content pages (front matter and sections) against the real registry.
//! - [`feed`]: where to cut an input, and in what pieces to hand it to a parser, so that "incomplete, then more
//!   bytes" is exercised at every boundary that matters.
//!
//! Every check panics with a message naming the broken property; libFuzzer turns the panic into a crash report.

pub mod content;
pub mod feed;
pub mod params;
pub mod wire;
