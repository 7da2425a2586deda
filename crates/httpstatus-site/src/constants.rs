//! "Constants in libraries" on a code's page: what Python, Node.js, Go, Rust, Java, Spring, .NET, Symfony and
//! Rack call the code, with the library's phrase where it differs from ours and the version our tests checked;
//! and the JSON Schema of an entry's `constants` for the OpenAPI description.

use std::fmt::Write as _;

use httpstatus_catalog::Entry;
use httpstatus_catalog::constants::{self, Named};
use serde_json::{Value, json};

use crate::html::escape;

/// Appends the section to a code page: a table of the libraries that name the code, then the ones that do not.
pub fn section(out: &mut String, e: &Entry) {
    let named = constants::for_code(e.code);
    let without = constants::without(e.code);
    if constants::ecosystems().is_empty() {
        return;
    }
    out.push_str(
        "<section aria-labelledby=\"constants-in-libraries\"><h2 id=\"constants-in-libraries\">Constants in libraries</h2>\n",
    );
    if named.is_empty() {
        out.push_str(
            "<p>None of the libraries below has a constant or a phrase for this code.</p>\n",
        );
    } else {
        out.push_str(
            "<table class=\"constants\"><tr><th>Ecosystem</th><th>Name</th><th>Phrase, where it differs</th>\
             <th>Version checked</th></tr>\n",
        );
        for n in &named {
            row(out, e, n);
        }
        out.push_str("</table>\n");
    }
    if !without.is_empty() {
        let names: Vec<String> = without.iter().map(|eco| escape(eco.ecosystem)).collect();
        let _ = writeln!(out, "<p>Not defined in: {}.</p>", names.join(", "));
    }
    out.push_str(
        "<p class=\"small\">Versions: what our tests ran, comparing both ways; \u{201c}from source\u{201d}: read from \
         the linked source.</p>\n</section>\n",
    );
}

fn row(out: &mut String, e: &Entry, n: &Named) {
    let (eco, c) = (n.ecosystem, n.constant);
    let mut names: Vec<String> = c
        .names
        .iter()
        .map(|name| format!("<code>{}</code>", escape(name)))
        .collect();
    names.extend(
        c.deprecated
            .iter()
            .map(|name| format!("<code>{}</code> (deprecated)", escape(name))),
    );
    let mut name_cell = if names.is_empty() {
        "phrase only".to_owned()
    } else {
        names.join(", ")
    };
    if let Some(note) = c.note {
        let _ = write!(name_cell, "<p class=\"small\">{}</p>", escape(note));
    }
    let phrase = match (n.phrase_if_different(e.name), c.phrase) {
        (Some(p), _) => format!("\u{201c}{}\u{201d}", escape(p)),
        (None, Some(_)) => "same".to_owned(),
        (None, None) => "no phrase".to_owned(),
    };
    let _ = writeln!(
        out,
        "<tr><th title=\"{}\">{}</th><td>{name_cell}</td><td>{phrase}</td><td><a href=\"{}\">{}</a></td></tr>",
        escape(eco.library),
        escape(eco.ecosystem),
        escape(eco.source),
        escape(&n.checked_text())
    );
}

/// The JSON Schema of an entry's `constants` array.
pub fn schema() -> Value {
    json!({
        "type": "array",
        "description": "what libraries call this code, in a fixed ecosystem order; libraries without it are left out",
        "items": {"type": "object", "required": ["ecosystem", "library", "names", "deprecated", "phrase", "version_checked", "source", "note"], "properties": {
            "ecosystem": {"type": "string"},
            "library": {"type": "string"},
            "names": {"type": "array", "items": {"type": "string"}, "description": "current names, the preferred one first; empty for a library with phrases only"},
            "deprecated": {"type": "array", "items": {"type": "string"}, "description": "names the library keeps but deprecates"},
            "phrase": {"type": ["string", "null"], "description": "the library's reason phrase"},
            "version_checked": {"type": ["string", "null"], "description": "the library version our tests compared the entry with; null when it was read from `source`"},
            "source": {"type": "string", "format": "uri"},
            "note": {"type": ["string", "null"], "description": "what other versions of the library call the code"}
        }}
    })
}
