//! `check-content FILE...`: runs the catalog's build-time checks on single content files.

use std::collections::BTreeSet;
use std::process::ExitCode;

use httpstatus_content::{Registry, parse_code_page, parse_guide};

fn main() -> ExitCode {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data");
    let read = |name: &str| std::fs::read_to_string(format!("{data}/{name}"));
    let registry = match (
        read("iana-status-codes.csv"),
        read("unofficial-status-codes.csv"),
    ) {
        (Ok(iana), Ok(unofficial)) => match Registry::parse(&iana, &unofficial) {
            Ok(registry) => registry,
            Err(e) => {
                eprintln!("check-content: {e}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("check-content: cannot read the registry files in {data}");
            return ExitCode::from(2);
        }
    };
    let known: BTreeSet<u16> = registry.all_codes().into_iter().collect();
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: check-content FILE...");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        let result = if file.contains("classes/") {
            parse_guide(file, &text, true).map(|g| format!("class page `{}`", g.title))
        } else if file.contains("guides/") {
            parse_guide(file, &text, false).map(|g| format!("guide `{}`", g.title))
        } else {
            parse_code_page(file, &text, &registry, &known).map(|p| {
                format!(
                    "{} {} with {} examples",
                    p.front.code,
                    p.front.name,
                    p.examples.len()
                )
            })
        };
        match result {
            Ok(what) => println!("ok {file}: {what}"),
            Err(e) => {
                eprintln!("error {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
