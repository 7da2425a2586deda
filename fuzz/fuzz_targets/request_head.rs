//! Fuzz target: request heads (`parse_request_head`); the properties are in `httpstatus_fuzz::wire::request_head`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| httpstatus_fuzz::wire::request_head(data));
