//! Fuzz target: responses read as the probe reads them (`parse_response_head`, then the body); the properties are in `httpstatus_fuzz::wire::response_probe`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| httpstatus_fuzz::wire::response_probe(data));
