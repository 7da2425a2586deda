//! The hostile-request corpus (`tests/hostile/corpus.json`, shared with the h11 differential test) against the
//! server as `httpstatus serve` runs it: each case gets its statuses and its connection handling, and the server
//! keeps serving after every one.
//!
//! The cases come from published request-smuggling and parser-differential work, cited per case in the corpus:
//! PortSwigger's request-smuggling material and James Kettle's desync research (CL.TE, TE.CL, obfuscated
//! Transfer-Encoding, CL.0), the HTTP Garden (Kallus et al., bare CR and LF, NUL bytes, chunk sizes), AWS
//! http-desync-guardian's tables, Linhart et al. (2005), and RFC 9112 sections 2 to 7 and 11.

mod common;

use std::io::Write;
use std::net::Shutdown;
use std::sync::Arc;

use common::{TestServer, quick_config, read_to_close, status_of};
use httpstatus_live::Everything;
use serde_json::Value;

/// The corpus, read at compile time so that the test and the file cannot disagree about where it is.
const CORPUS: &str = include_str!("../../../tests/hostile/corpus.json");

/// One case of the corpus, with its request expanded to bytes.
struct Case {
    name: String,
    request: Vec<u8>,
    expect: Vec<u16>,
    keep: bool,
}

/// Corpus strings hold one byte per code point (U+0000 to U+00FF), so that CR, LF, NUL and bytes over 0x7F
/// are all written plainly in JSON.
fn bytes_of(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("corpus strings hold bytes as U+0000 to U+00FF"))
        .collect()
}

fn load() -> (Vec<u8>, Vec<Case>, Value) {
    let doc: Value = serde_json::from_str(CORPUS).expect("corpus.json is JSON");
    let probe = bytes_of(doc["probe"].as_str().expect("a probe request"));
    let cases = doc["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .map(|case| {
            let name = case["name"].as_str().expect("a name").to_owned();
            let mut request = case["request"].as_str().expect("a request").to_owned();
            if let Some(repeat) = case.get("repeat") {
                let marker = repeat["marker"].as_str().expect("a marker");
                let unit = repeat["unit"].as_str().expect("a unit");
                let count = repeat["count"].as_u64().expect("a count") as usize;
                assert!(request.contains(marker), "{name}: the marker is missing");
                request = request.replace(marker, &unit.repeat(count));
            }
            let expect = case["expect"]
                .as_array()
                .expect("expected statuses")
                .iter()
                .map(|s| s.as_u64().expect("a status") as u16)
                .collect();
            let keep = match case["connection"].as_str() {
                Some("keep") => true,
                Some("close") => false,
                other => panic!("{name}: connection is {other:?}, not keep or close"),
            };
            Case {
                name,
                request: bytes_of(&request),
                expect,
                keep,
            }
        })
        .collect();
    (probe, cases, doc)
}

/// One response as read back: its status, whether it said `Connection: close`, and its body.
struct Reply {
    status: u16,
    closes: bool,
    body: String,
}

/// Splits what the server sent into Content-Length-framed responses (every response the corpus provokes is one).
fn replies(mut bytes: &[u8]) -> Result<Vec<Reply>, String> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| format!("an unfinished head: {}", String::from_utf8_lossy(bytes)))?;
        let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(Ok(0), |v| v.trim().parse())
            .map_err(|_| format!("a bad Content-Length in {head}"))?;
        let closes = head.lines().any(|l| l == "connection: close");
        let total = end + 4 + length;
        if bytes.len() < total {
            return Err(format!("a short body after {head}"));
        }
        out.push(Reply {
            status: status_of(bytes),
            closes,
            body: String::from_utf8_lossy(&bytes[end + 4..total]).into_owned(),
        });
        bytes = &bytes[total..];
    }
    Ok(out)
}

/// Sends the case and then the probe on one connection, half-closes, and reads everything until the server
/// closes. A server that stops reading early (after a 431, say) may refuse the rest of the write; that is fine.
fn run_case(server: &TestServer, request: &[u8], probe: &[u8]) -> Vec<u8> {
    let mut stream = server.connect();
    let mut all = request.to_vec();
    all.extend_from_slice(probe);
    let _ = stream.write_all(&all);
    let _ = stream.shutdown(Shutdown::Write);
    read_to_close(&mut stream)
}

/// What was wrong with one case's outcome, if anything.
fn check(case: &Case, got: &[Reply]) -> Option<String> {
    let statuses: Vec<u16> = got.iter().map(|r| r.status).collect();
    let mut wanted = case.expect.clone();
    if case.keep {
        // The probe, answered on the same connection.
        wanted.push(226);
    }
    if statuses != wanted {
        let handling = if case.keep { "keep" } else { "close" };
        return Some(format!(
            "expected {:?} then {handling} (so {wanted:?} with the probe's 226), got {statuses:?}",
            case.expect
        ));
    }
    if !case.keep {
        // A refusal that closes the connection says so, and why, before closing.
        if let Some(last) = got.last().filter(|r| r.status >= 400) {
            if !last.closes {
                return Some(format!(
                    "the {} closes without Connection: close",
                    last.status
                ));
            }
            // The engine's text answer, or an application's RFC 9457 problem document with its detail.
            let text = last.body.starts_with(&format!("{} ", last.status));
            let problem = last.body.starts_with('{')
                && last.body.contains(&format!("\"status\": {}", last.status))
                && last.body.contains("\"detail\"");
            if !text && !problem {
                return Some(format!(
                    "the {} body does not explain it: {:?}",
                    last.status, last.body
                ));
            }
        }
    }
    None
}

#[test]
fn every_corpus_case_gets_its_statuses_and_connection_handling() {
    let (probe, cases, doc) = load();
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    for case in doc["cases"].as_array().unwrap() {
        for source in case["source"].as_array().expect("sources") {
            let key = source.as_str().unwrap().split('#').next().unwrap();
            assert!(
                doc["sources"].get(key).is_some(),
                "{}: the source {key} is not listed in sources",
                case["name"]
            );
        }
    }

    let server = TestServer::start_with(
        quick_config(),
        Arc::new(Everything::new("http://127.0.0.1")),
    );
    let mut failures = Vec::new();
    for case in &cases {
        let bytes = run_case(&server, &case.request, &probe);
        let problem = match replies(&bytes) {
            Ok(got) => check(case, &got),
            Err(error) => Some(error),
        };
        if let Some(problem) = problem {
            let shown: String = String::from_utf8_lossy(&bytes).chars().take(400).collect();
            failures.push(format!("{}: {problem}\n    {shown:?}", case.name));
        }
        if !server.still_serves() {
            failures.push(format!("{}: the server stopped serving", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_probe_alone_is_answered_then_the_connection_closes() {
    let (probe, _, _) = load();
    let server = TestServer::start_with(
        quick_config(),
        Arc::new(Everything::new("http://127.0.0.1")),
    );
    let got = replies(&run_case(&server, b"", &probe)).unwrap();
    let statuses: Vec<u16> = got.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [226]);
    assert!(got[0].closes);
}
