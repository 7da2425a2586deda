//! The Rust ecosystem of `content/constants/` against the real `http` crate, both ways: every name we list is
//! an associated constant of `http::StatusCode` with our code (a name that does not exist does not compile),
//! every phrase is its `canonical_reason()`, every code the crate has a reason for and we have a page for is
//! listed, and the version we say we checked is the one `Cargo.lock` resolves.

use httpstatus_catalog::constants;

/// `(code, name, http::StatusCode::NAME)` for every name in `content/constants/rust.toml`, written by build.rs.
const CHECKS: &[(u16, &str, http::StatusCode)] =
    include!(concat!(env!("OUT_DIR"), "/constants_rust_check.rs"));

fn rust() -> &'static constants::Ecosystem {
    constants::ecosystem("rust").expect("content/constants/rust.toml exists")
}

#[test]
fn every_listed_name_is_the_crate_constant_for_that_code() {
    let listed: usize = rust()
        .codes
        .iter()
        .map(|c| c.names.len() + c.deprecated.len())
        .sum();
    assert_eq!(CHECKS.len(), listed, "the generated check lists every name");
    for (code, name, status) in CHECKS {
        assert_eq!(
            status.as_u16(),
            *code,
            "http::StatusCode::{name} is {}, the data says {code}",
            status.as_u16()
        );
    }
}

#[test]
fn phrases_and_codes_match_both_ways() {
    let eco = rust();
    let mut problems = Vec::new();
    for code in 100..=999u16 {
        let reason = http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason());
        let ours = eco.get(code);
        match (reason, ours) {
            (Some(reason), Some(c)) if c.phrase != Some(reason) => problems.push(format!(
                "{code}: the crate says {reason:?}, the data {:?}",
                c.phrase
            )),
            (Some(reason), None) if httpstatus_catalog::get(code).is_some() => problems.push(
                format!("{code} ({reason:?}) is in the crate and has a page, but not in the data"),
            ),
            (None, Some(_)) => problems.push(format!(
                "{code} is in the data but the crate has no reason phrase for it"
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_version_checked_is_the_one_in_cargo_lock() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
        .expect("read Cargo.lock");
    let versions: Vec<&str> = lock
        .split("[[package]]")
        .filter(|p| p.lines().any(|l| l.trim() == "name = \"http\""))
        .filter_map(|p| {
            p.lines()
                .find_map(|l| l.trim().strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"'))
        })
        .filter(|v| v.starts_with("1."))
        .collect();
    assert_eq!(
        versions.len(),
        1,
        "one http 1.x in Cargo.lock: {versions:?}"
    );
    assert_eq!(
        rust().version_checked,
        Some(versions[0]),
        "content/constants/rust.toml says version_checked {:?}, Cargo.lock has http {}",
        rust().version_checked,
        versions[0]
    );
}
