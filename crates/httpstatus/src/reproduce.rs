//! `httpstatus CODE`'s "Reproduce it": the curl commands that make `httpstatus serve` produce the code from its
//! real cause, and the status each gets (`--json` has them as `reproduce`).

use std::io::{self, Write};

use httpstatus_catalog::Entry;
use httpstatus_catalog::reproduce::{self, Target};

use crate::render::{Style, section_heading, wrap};

/// Writes the section when a scenario produces the code.
pub fn section(out: &mut dyn Write, style: &Style, entry: &Entry) -> io::Result<()> {
    let Some(case) = reproduce::for_code(entry.code) else {
        return Ok(());
    };
    section_heading(out, style, "Reproduce it")?;
    let server = if case.needs_tls() {
        "With `httpstatus serve --tls` running:"
    } else {
        "With `httpstatus serve` running:"
    };
    writeln!(out, "{}", style.bold(&format!("{}. {server}", case.title)))?;
    for command in case.commands(&Target::LOCAL) {
        writeln!(out, "    {}", style.inline_code(&command))?;
    }
    let text = format!("Expected: {}. {}", case.expect_text(), case.explain);
    writeln!(out, "{}", wrap(&text, style.width, ""))
}
