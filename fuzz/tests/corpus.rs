//! Replays every committed corpus input through its target's properties with a plain `cargo test`, so that the
//! seeds and the inputs that once found a bug stay checked without a fuzzer.

use std::fs;
use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} breaks a property", path.display());
        count += 1;
    }
    assert!(count > 0, "no corpus for {target}");
}

#[test]
fn request_head_corpus() {
    replay("request_head", httpstatus_fuzz::wire::request_head);
}

#[test]
fn chunked_body_corpus() {
    replay("chunked_body", httpstatus_fuzz::wire::chunked_body);
}

#[test]
fn response_probe_corpus() {
    replay("response_probe", httpstatus_fuzz::wire::response_probe);
}

#[test]
fn query_params_corpus() {
    replay("query_params", httpstatus_fuzz::params::query_params);
}

#[test]
fn content_page_corpus() {
    replay("content_page", httpstatus_fuzz::content::content_page);
}
