//! `httpstatus list [--class 4xx] [--official|--unofficial]`: one line per code.

use std::io::{self, Write};

use httpstatus_catalog::{Brief, Class};

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this class: 1xx, 2xx, 3xx, 4xx or 5xx
    #[arg(long, value_parser = parse_class)]
    class: Option<Class>,
    /// Only codes in the IANA registry
    #[arg(long, conflicts_with = "unofficial")]
    official: bool,
    /// Only vendor codes that are not in the registry
    #[arg(long)]
    unofficial: bool,
}

fn parse_class(text: &str) -> Result<Class, String> {
    Class::parse(text)
        .ok_or_else(|| format!("`{text}` is not a class: use 1xx, 2xx, 3xx, 4xx or 5xx"))
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let chosen: Vec<_> = httpstatus_catalog::entries()
        .iter()
        .filter(|e| args.class.is_none_or(|c| e.class() == c))
        .filter(|e| !args.official || e.is_official())
        .filter(|e| !args.unofficial || !e.is_official())
        .collect();
    if context.json {
        let briefs: Vec<Brief> = chosen.iter().map(|e| Brief::from(*e)).collect();
        serde_json::to_writer_pretty(&mut *out, &briefs)?;
        writeln!(out)?;
        return Ok(Outcome::Found);
    }
    let style = &context.style;
    for e in chosen {
        let vendor = match e.vendors.first() {
            Some(v) if !e.is_official() => style.dim(&format!("  [{}]", v.vendor)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{} {}{vendor}",
            style.code(e.code, &e.code_text()),
            e.name
        )?;
    }
    Ok(Outcome::Found)
}
