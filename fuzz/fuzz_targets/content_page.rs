//! Fuzz target: content pages (`parse_code_page`, front matter, guides); the properties are in `httpstatus_fuzz::content::content_page`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| httpstatus_fuzz::content::content_page(data));
