//! `httpstatus show CODE` (and `httpstatus CODE`): one code's page, one line, or its JSON object.

use std::io::{self, Write};

use httpstatus_catalog::{Class, Lookup, LookupError};
use serde_json::json;

use crate::{Context, Outcome, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A status code: three digits, e.g. 404, 499 or 000
    code: String,
    /// One line: code, name and what it means
    #[arg(long)]
    short: bool,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    match httpstatus_catalog::parse(&args.code) {
        Ok(Lookup::Known(entry)) => {
            if context.json {
                serde_json::to_writer_pretty(&mut *out, entry)?;
                writeln!(out)?;
            } else if args.short {
                render::short(out, &context.style, &Lookup::Known(entry))?;
            } else {
                render::page(out, &context.style, entry)?;
            }
            Ok(Outcome::Found)
        }
        Ok(lookup @ Lookup::Unassigned { code, fallback }) => {
            if context.json {
                serde_json::to_writer_pretty(&mut *out, &lookup)?;
                writeln!(out)?;
            } else if args.short {
                render::short(out, &context.style, &lookup)?;
            } else {
                let style = &context.style;
                writeln!(
                    out,
                    "{}",
                    style.code(code, &format!("{code} {}", lookup.name()))
                )?;
                writeln!(
                    out,
                    "{}",
                    style.dim(&format!(
                        "{} ({}) · not in the IANA registry",
                        Class::of(code).label(),
                        Class::of(code).meaning()
                    ))
                )?;
                writeln!(out)?;
                writeln!(
                    out,
                    "{}",
                    render::wrap(&lookup.explanation(), style.width, "")
                )?;
                writeln!(out)?;
                writeln!(
                    out,
                    "{}",
                    render::wrap(
                        &format!(
                            "A server should not send it: clients and proxies that meet it fall back to {}. What {} means:",
                            fallback.code, fallback.code
                        ),
                        style.width,
                        ""
                    )
                )?;
                writeln!(out)?;
                render::short(out, style, &Lookup::Known(fallback))?;
            }
            Ok(Outcome::Found)
        }
        Err(error) => {
            not_found(context, &args.code, &error, out)?;
            Ok(Outcome::NotFound)
        }
    }
}

fn not_found(
    context: &Context,
    input: &str,
    error: &LookupError,
    out: &mut dyn Write,
) -> io::Result<()> {
    let suggestions: Vec<(u16, &str)> = if input.trim().bytes().all(|b| b.is_ascii_digit()) {
        httpstatus_catalog::suggest_codes(input)
            .into_iter()
            .filter_map(|c| httpstatus_catalog::get(c).map(|e| (c, e.name)))
            .collect()
    } else {
        httpstatus_catalog::search(input, 5)
            .into_iter()
            .map(|h| (h.entry.code, h.entry.name))
            .collect()
    };
    if context.json {
        let list: Vec<_> = suggestions
            .iter()
            .map(|(code, name)| json!({"code": code, "name": name}))
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({"error": error.to_string(), "suggestions": list}),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    let mut err = io::stderr().lock();
    writeln!(err, "httpstatus: {error}")?;
    if !suggestions.is_empty() {
        let names: Vec<String> = suggestions
            .iter()
            .map(|(code, name)| format!("{code:03} {name}"))
            .collect();
        writeln!(err, "did you mean: {}", names.join(", "))?;
    }
    Ok(())
}
