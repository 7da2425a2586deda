//! `httpstatus CODE`'s "Constants in libraries": what each library calls the code, as a compact table that
//! fits the terminal (`--json` has the same data as `constants`).

use std::io::{self, Write};

use httpstatus_catalog::Entry;
use httpstatus_catalog::constants::{self, Named};

use crate::render::{Style, wrap};

/// One row: the cells, each a list of lines.
struct Row {
    ecosystem: String,
    names: Vec<String>,
    checked: String,
    phrase: String,
}

fn row(entry: &Entry, n: &Named) -> Row {
    let c = n.constant;
    let mut names: Vec<String> = c.names.iter().map(|s| (*s).to_owned()).collect();
    names.extend(c.deprecated.iter().map(|s| format!("{s}*")));
    if names.is_empty() {
        names.push("(phrase only)".to_owned());
    }
    let phrase = match (n.phrase_if_different(entry.name), c.phrase) {
        (Some(p), _) => p.to_owned(),
        (None, Some(_)) => "same".to_owned(),
        (None, None) => "(no phrase)".to_owned(),
    };
    Row {
        ecosystem: n.ecosystem.ecosystem.to_owned(),
        names,
        checked: n.checked_text(),
        phrase,
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn pad(text: &str, to: usize) -> String {
    format!("{text}{}", " ".repeat(to.saturating_sub(width(text))))
}

/// Writes the section: a heading, the table, the notes about other versions, the libraries without the code.
pub fn table(out: &mut dyn Write, style: &Style, entry: &Entry) -> io::Result<()> {
    if constants::ecosystems().is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", style.heading("CONSTANTS IN LIBRARIES"))?;
    let named = constants::for_code(entry.code);
    let rows: Vec<Row> = named.iter().map(|n| row(entry, n)).collect();
    if rows.is_empty() {
        writeln!(
            out,
            "{}",
            wrap(
                "None of the libraries below has a constant or a phrase for this code.",
                style.width,
                ""
            )
        )?;
    } else {
        let heads = ["Ecosystem", "Name", "Checked", "Phrase if different"];
        let w_eco = rows
            .iter()
            .map(|r| width(&r.ecosystem))
            .chain([width(heads[0])])
            .max()
            .unwrap_or(0);
        let w_names = rows
            .iter()
            .flat_map(|r| r.names.iter().map(|n| width(n)))
            .chain([width(heads[1])])
            .max()
            .unwrap_or(0);
        let w_checked = rows
            .iter()
            .map(|r| width(&r.checked))
            .chain([width(heads[2])])
            .max()
            .unwrap_or(0);
        let w_phrase = style
            .width
            .saturating_sub(w_eco + w_names + w_checked + 6)
            .max(12);
        let line = |eco: &str, name: &str, checked: &str, phrase: &str| {
            format!(
                "{}  {}  {}  {phrase}",
                pad(eco, w_eco),
                pad(name, w_names),
                pad(checked, w_checked)
            )
            .trim_end()
            .to_owned()
        };
        writeln!(
            out,
            "{}",
            style.bold(&line(heads[0], heads[1], heads[2], heads[3]))
        )?;
        for r in &rows {
            let phrase: Vec<String> = textwrap::wrap(&r.phrase, w_phrase)
                .into_iter()
                .map(|l| l.into_owned())
                .collect();
            let lines = r.names.len().max(phrase.len());
            for i in 0..lines {
                let first = i == 0;
                writeln!(
                    out,
                    "{}",
                    line(
                        if first { &r.ecosystem } else { "" },
                        r.names.get(i).map_or("", String::as_str),
                        if first { &r.checked } else { "" },
                        phrase.get(i).map_or("", String::as_str),
                    )
                )?;
            }
        }
        if rows
            .iter()
            .any(|r| r.names.iter().any(|n| n.ends_with('*')))
        {
            writeln!(out, "{}", style.dim("* deprecated"))?;
        }
    }
    for n in &named {
        if let Some(note) = n.constant.note {
            let text = format!("{}: {note}", n.ecosystem.ecosystem);
            writeln!(out, "{}", wrap(&text, style.width, ""))?;
        }
    }
    let without: Vec<&str> = constants::without(entry.code)
        .iter()
        .map(|e| e.ecosystem)
        .collect();
    if !without.is_empty() {
        let text = format!("Not defined in: {}.", without.join(", "));
        writeln!(out, "{}", wrap(&text, style.width, ""))?;
    }
    writeln!(
        out,
        "{}",
        style.dim(&wrap(
            "Checked: the version our tests compared the entries with; \"from source\": read from the library's source. `--json` has each library's source.",
            style.width,
            ""
        ))
    )?;
    Ok(())
}
