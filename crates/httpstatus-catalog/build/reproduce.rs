//! The build script's part for `content/reproduce.toml`: validated, then written as `REPRODUCE`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use httpstatus_content::{Case, parse_reproduce};

pub fn read(file: &Path, with_pages: &BTreeSet<u16>) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("content/reproduce.toml: cannot read: {e}"))?;
    parse_reproduce("content/reproduce.toml", &text, with_pages).map_err(|e| e.to_string())
}

pub fn write(out: &mut String, cases: &[Case]) {
    let mut sorted: Vec<&Case> = cases.iter().collect();
    sorted.sort_by_key(|c| c.code);
    writeln!(out, "pub(crate) static REPRODUCE: &[Reproduction] = &[").unwrap();
    for case in sorted {
        writeln!(
            out,
            "    Reproduction {{ code: {}, title: {:?}, steps: &{:?}, expect: &{:?}, explain: {:?}, host: {:?} }},",
            case.code,
            case.title,
            case.steps,
            case.expect,
            case.explain,
            case.host
        )
        .unwrap();
    }
    writeln!(out, "];\n").unwrap();
}
