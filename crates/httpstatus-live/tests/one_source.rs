//! The catalog is the one source of what the front ends say about a code: reason phrases and the fields a
//! code requires. The wire layer and the engine sit below the catalog and keep a short phrase table of their
//! own, which must agree with it; no other crate spells a registered phrase itself; and the live server's
//! `/status/{code}` answers with the catalog's phrase and every field the catalog says the code requires.

mod common;

use std::path::{Path, PathBuf};

use common::{TestServer, quick_config, status_of};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_wire_phrase_table_agrees_with_the_catalog() {
    let mut checked = 0;
    for code in 100..=599u16 {
        let wire = httpstatus_wire::reason_phrase(code);
        if wire.is_empty() {
            continue;
        }
        assert_eq!(wire, httpstatus_catalog::phrase(code), "{code}");
        checked += 1;
    }
    assert!(checked >= 14, "{checked}");
}

#[test]
fn no_crate_but_the_catalog_spells_a_registered_phrase() {
    // The phrases of registered codes, quoted as they would appear in a string literal.
    let phrases: Vec<(u16, String)> = httpstatus_catalog::entries()
        .iter()
        .filter(|e| e.is_official())
        .filter_map(|e| e.reason_phrase().map(|p| (e.code, format!("\"{p}\""))))
        .collect();
    assert!(phrases.len() >= 60);
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates_dir()).unwrap() {
        let krate = krate.unwrap().path();
        let name = krate.file_name().unwrap().to_string_lossy().into_owned();
        // The catalog and the content format are the source; the wire layer's table is checked above.
        if matches!(name.as_str(), "httpstatus-catalog" | "httpstatus-content")
            || !krate.join("src").is_dir()
        {
            continue;
        }
        sources(&krate.join("src"), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        if file.ends_with("httpstatus-wire/src/error.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may spell what they expect.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, phrase) in &phrases {
            for (line_number, line) in code.lines().enumerate() {
                let trimmed = line.trim_start();
                if trimmed.starts_with("//") {
                    continue;
                }
                if line.contains(phrase.as_str()) {
                    found.push(format!(
                        "{}:{}: {number} {phrase}",
                        file.display(),
                        line_number + 1
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "take these from httpstatus_catalog::phrase (or, below the catalog, httpstatus_wire::reason_phrase):\n{}",
        found.join("\n")
    );
    assert!(files.len() > 50, "{} files read", files.len());
}

#[test]
fn status_answers_carry_the_catalogs_phrase_and_required_fields() {
    let server = TestServer::start(quick_config());
    for entry in httpstatus_catalog::entries() {
        let code = entry.code;
        // 101 needs an upgrade request (the WebSocket tests cover it); 1xx are interim.
        if !(200..=599).contains(&code) {
            continue;
        }
        let request =
            format!("GET /status/{code} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        let reply = server.exchange(request.as_bytes());
        assert_eq!(status_of(&reply), code);
        let text = String::from_utf8_lossy(&reply).into_owned();
        let status_line = text.lines().next().unwrap_or("");
        assert_eq!(
            status_line.trim_end(),
            format!("HTTP/1.1 {code} {}", httpstatus_catalog::phrase(code)).trim_end(),
            "{code}"
        );
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        for field in entry.required_headers() {
            assert!(
                head.contains(&format!("\r\n{}: ", field.to_ascii_lowercase())),
                "/status/{code} lacks {field}: {head}"
            );
        }
    }
}
