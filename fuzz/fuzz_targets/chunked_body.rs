//! Fuzz target: chunked bodies (`BodyDecoder`, `encode_chunk`); the properties are in `httpstatus_fuzz::wire::chunked_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| httpstatus_fuzz::wire::chunked_body(data));
