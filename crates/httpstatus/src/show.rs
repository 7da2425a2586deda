//! `httpstatus show CODE` (and `httpstatus CODE`): one code's page, one line, or its JSON object.

use std::io::{self, Write};

use httpstatus_catalog::entry::{FRAMEWORKS, framework_label};
use httpstatus_catalog::{Class, Example, Lookup, LookupError};
use serde_json::json;

use crate::{Context, Outcome, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A status code: three digits, e.g. 404, 499 or 000
    code: String,
    /// One line: code, name and what it means
    #[arg(long)]
    short: bool,
    /// Only the examples in this language: node (or javascript, js), python (or py). Repeatable, or
    /// comma-separated
    #[arg(long = "lang", value_name = "LANG", value_delimiter = ',', value_parser = parse_language)]
    languages: Vec<&'static str>,
    /// Only the examples written with this framework: express, fastify, axios, fastapi, flask, django,
    /// requests, httpx. Repeatable, or comma-separated; with --lang, an example that matches either is shown
    #[arg(long = "framework", value_name = "NAME", value_delimiter = ',', value_parser = parse_framework)]
    frameworks: Vec<&'static str>,
}

const LANGUAGES: [(&str, &str); 5] = [
    ("node", "javascript"),
    ("javascript", "javascript"),
    ("js", "javascript"),
    ("python", "python"),
    ("py", "python"),
];

/// `--lang`: a language's name or alias, any case, to the catalog's language name.
fn parse_language(text: &str) -> Result<&'static str, String> {
    let wanted = text.trim().to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(alias, _)| *alias == wanted)
        .map(|(_, language)| *language)
        .ok_or_else(|| {
            let valid: Vec<&str> = LANGUAGES.iter().map(|(alias, _)| *alias).collect();
            format!(
                "`{text}` is not a language of the examples; valid: {}",
                valid.join(", ")
            )
        })
}

/// `--framework`: a framework's name, any case (`Flask`, `FASTAPI`).
fn parse_framework(text: &str) -> Result<&'static str, String> {
    let wanted = text.trim().to_ascii_lowercase();
    FRAMEWORKS
        .iter()
        .find(|(_, name)| *name == wanted)
        .map(|(_, name)| *name)
        .ok_or_else(|| {
            let valid: Vec<&str> = FRAMEWORKS.iter().map(|(_, name)| *name).collect();
            format!(
                "`{text}` is not a framework of the examples; valid: {}",
                valid.join(", ")
            )
        })
}

impl Args {
    /// Whether `--lang`/`--framework` keep this example (everything when neither was given).
    fn keeps(&self, example: &Example) -> bool {
        if self.languages.is_empty() && self.frameworks.is_empty() {
            return true;
        }
        self.languages.contains(&example.language)
            || example
                .framework
                .is_some_and(|name| self.frameworks.contains(&name))
    }

    /// What was asked for, in words: "Python, Flask".
    fn wanted(&self) -> String {
        let languages = self.languages.iter().map(|l| framework_label(l, None));
        let frameworks = self.frameworks.iter().map(|name| {
            let (language, _) = FRAMEWORKS
                .iter()
                .find(|(_, n)| n == name)
                .copied()
                .unwrap_or_default();
            framework_label(language, Some(name))
        });
        languages.chain(frameworks).collect::<Vec<_>>().join(", ")
    }
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    match httpstatus_catalog::parse(&args.code) {
        Ok(Lookup::Known(entry)) => {
            if context.json {
                let mut value = serde_json::to_value(entry).map_err(io::Error::other)?;
                if let Some(examples) = value.get_mut("examples").and_then(|v| v.as_array_mut()) {
                    let mut kept = entry.examples.iter().map(|x| args.keeps(x));
                    examples.retain(|_| kept.next().unwrap_or(true));
                }
                serde_json::to_writer_pretty(&mut *out, &value)?;
                writeln!(out)?;
            } else if args.short {
                render::short(out, &context.style, &Lookup::Known(entry))?;
            } else {
                let examples: Vec<&Example> =
                    entry.examples.iter().filter(|x| args.keeps(x)).collect();
                let missing = examples.is_empty().then(|| {
                    let mut have: Vec<&str> = Vec::new();
                    for x in entry.examples {
                        let label = x.framework_label();
                        if matches!(x.language, "javascript" | "python") && !have.contains(&label) {
                            have.push(label);
                        }
                    }
                    format!(
                        "No {} example for {}; this page has {}.",
                        args.wanted(),
                        entry.code_text(),
                        if have.is_empty() {
                            "none in Node.js or Python".to_owned()
                        } else {
                            have.join(", ")
                        }
                    )
                });
                render::page(out, &context.style, entry, &examples, missing.as_deref())?;
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
