//! `httpstatus CODE` prints what libraries call the code, as a table that fits the terminal; `--json` has it as
//! `constants`.

use std::process::{Command, Output};

use httpstatus_catalog::constants::{for_code, without};

fn httpstatus(args: &[&str], columns: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_httpstatus"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("COLUMNS", columns)
        .output()
        .expect("run httpstatus")
}

fn section(text: &str) -> &str {
    let start = text
        .find("CONSTANTS IN LIBRARIES\n")
        .expect("the section is printed");
    let end = text[start..]
        .find("\nSOURCES\n")
        .unwrap_or(text.len() - start);
    &text[start..start + end]
}

#[test]
fn the_table_names_each_library_and_fits_the_width() {
    for columns in ["80", "100"] {
        let o = httpstatus(&["413"], columns);
        assert!(o.status.success());
        let text = String::from_utf8(o.stdout).unwrap();
        let part = section(&text);
        for line in part.lines() {
            assert!(
                line.chars().count() <= columns.parse::<usize>().unwrap(),
                "{columns} columns: {line:?}"
            );
        }
        for n in for_code(413) {
            assert!(part.contains(n.ecosystem.ecosystem));
            assert!(part.contains(&n.checked_text()));
            for name in n.constant.names {
                assert!(part.contains(name), "{name}");
            }
            for name in n.constant.deprecated {
                assert!(
                    part.contains(&format!("{name}*")),
                    "{name} marked deprecated"
                );
            }
        }
        assert!(part.contains("* deprecated"));
        assert!(part.contains("Python: Python 3.13 renamed it"), "{part}");
    }
}

#[test]
fn libraries_without_the_code_are_named() {
    let text = String::from_utf8(httpstatus(&["418"], "80").stdout).unwrap();
    let part = section(&text);
    let missing: Vec<&str> = without(418).iter().map(|e| e.ecosystem).collect();
    assert!(!missing.is_empty());
    let flat = part.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("Not defined in: {}.", missing.join(", "))),
        "{part}"
    );
    let text = String::from_utf8(httpstatus(&["499"], "80").stdout).unwrap();
    assert!(section(&text).contains("None of the libraries"));
}

#[test]
fn json_has_the_constants_with_versions() {
    let o = httpstatus(&["413", "--json"], "80");
    assert!(o.status.success());
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = value["constants"].as_array().unwrap();
    assert_eq!(list.len(), for_code(413).len());
    for item in list {
        let checked = item["version_checked"].as_str();
        let source = item["source"].as_str().unwrap();
        assert!(source.starts_with("https://"));
        assert!(
            checked.is_some() || item["ecosystem"] == ".NET",
            "only .NET is read from source: {item}"
        );
        assert!(item["names"].is_array() && item["deprecated"].is_array());
    }
    let go = list.iter().find(|c| c["ecosystem"] == "Go").unwrap();
    assert_eq!(go["names"][0], "StatusRequestEntityTooLarge");
    assert_eq!(go["phrase"], "Request Entity Too Large");
    assert_eq!(go["version_checked"], "1.19.8");
}
