//! The boundaries between the workspace's crates, checked from their manifests: knowledge flows content ->
//! catalog -> front ends, the pure crates (catalog, content, wire, TLS certificates, site, logs) do no network
//! I/O and take no async runtime, the engine knows no endpoint, and only the binary parses arguments.

use std::collections::BTreeSet;
use std::path::Path;

/// A crate's direct dependencies (normal and build; dev-dependencies may use anything).
fn dependencies(manifest: &toml::Table) -> BTreeSet<String> {
    ["dependencies", "build-dependencies"]
        .iter()
        .filter_map(|section| manifest.get(*section).and_then(|v| v.as_table()))
        .flat_map(|table| table.keys().cloned())
        .collect()
}

/// Crates that must stay free of sockets and async runtimes.
const PURE: &[&str] = &[
    "httpstatus-catalog",
    "httpstatus-content",
    "httpstatus-wire",
    "httpstatus-tls",
    "httpstatus-site",
    "httpstatus-logs",
];

/// Dependencies that mean network I/O or an async runtime.
const RUNTIME: &[&str] = &[
    "tokio",
    "tokio-rustls",
    "mio",
    "h2",
    "hyper",
    "async-std",
    "smol",
];

/// What each crate must not depend on directly, beyond the rules for pure crates.
const FORBIDDEN: &[(&str, &[&str])] = &[
    // The engine calls the application through the Handler trait it defines; it never imports it.
    (
        "httpstatus-server",
        &[
            "httpstatus-live",
            "httpstatus-site",
            "httpstatus-catalog",
            "httpstatus-probe",
        ],
    ),
    // The wire layer is the bottom of the HTTP stack.
    (
        "httpstatus-wire",
        &[
            "httpstatus-catalog",
            "httpstatus-site",
            "httpstatus-server",
            "httpstatus-tls",
        ],
    ),
    // The catalog knows codes, not how they are shown or served.
    (
        "httpstatus-catalog",
        &[
            "httpstatus-site",
            "httpstatus-server",
            "httpstatus-live",
            "httpstatus-wire",
        ],
    ),
    ("httpstatus-site", &["httpstatus-server", "httpstatus-live"]),
    (
        "httpstatus-probe",
        &["httpstatus-server", "httpstatus-live", "httpstatus-site"],
    ),
    (
        "httpstatus-logs",
        &["httpstatus-server", "httpstatus-live", "httpstatus-site"],
    ),
];

#[test]
fn every_crate_keeps_its_boundaries() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut seen = Vec::new();
    let mut broken = Vec::new();
    for entry in std::fs::read_dir(crates).unwrap() {
        let path = entry.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let manifest: toml::Table = text.parse().expect("manifests are TOML");
        let name = manifest["package"]["name"].as_str().unwrap().to_owned();
        let deps = dependencies(&manifest);
        if name != "httpstatus" {
            for dep in ["clap", "clap_complete", "anyhow", "httpstatus"] {
                if deps.contains(dep) {
                    broken.push(format!(
                        "{name} depends on {dep}: only the binary parses arguments"
                    ));
                }
            }
        }
        if PURE.contains(&name.as_str()) {
            for dep in RUNTIME {
                if deps.contains(*dep) {
                    broken.push(format!(
                        "{name} depends on {dep}: it must stay free of network I/O"
                    ));
                }
            }
        }
        if let Some((_, forbidden)) = FORBIDDEN.iter().find(|(crate_name, _)| *crate_name == name) {
            for dep in *forbidden {
                if deps.contains(*dep) {
                    broken.push(format!("{name} depends on {dep}"));
                }
            }
        }
        seen.push(name);
    }
    assert!(
        broken.is_empty(),
        "crate boundaries broken:\n{}",
        broken.join("\n")
    );
    // The rules name real crates: a renamed crate must not slip out of them.
    for name in PURE.iter().chain(FORBIDDEN.iter().map(|(name, _)| name)) {
        assert!(
            seen.iter().any(|s| s == name),
            "{name} is in the rules but not in crates/"
        );
    }
    for required in ["httpstatus-server", "httpstatus-live", "httpstatus"] {
        assert!(seen.iter().any(|s| s == required), "{required} is missing");
    }
}

#[test]
fn the_engine_sources_name_no_endpoint() {
    // Paths the application serves; the engine must not special-case any of them.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.clone()];
    let mut offenders = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for endpoint in ["\"/status", "\"/long", "\"/early-hints", "\"/api/"] {
                if text.contains(endpoint) {
                    offenders.push(format!("{} mentions {endpoint}", path.display()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
