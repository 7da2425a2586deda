//! Fuzz target: query strings and the live-endpoint parameters; the properties are in `httpstatus_fuzz::params::query_params`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| httpstatus_fuzz::params::query_params(data));
