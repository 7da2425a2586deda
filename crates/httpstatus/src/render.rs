//! Lays Markdown and catalog entries out for a terminal: headings, wrapped paragraphs, lists, code blocks.
//!
//! Colour is decided once, by [`Style::detect`]: only on a terminal, never with `NO_COLOR`, and as the
//! `--color` flag says. Without colour the output is plain text that reads well in a pager or a file.

use std::io::{self, IsTerminal, Write};

use httpstatus_catalog::{Entry, Example, Lookup};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How output looks: colours on or off, and the width to wrap at.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    pub fn detect(choice: ColorChoice) -> Style {
        let tty = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                tty && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok());
        let width = columns
            .or_else(|| {
                if tty {
                    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
                } else {
                    None
                }
            })
            .unwrap_or(80)
            .clamp(40, 100);
        Style { color, width }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn heading(&self, text: &str) -> String {
        self.paint("1;36", text)
    }

    /// Colours a code by class, the way people read them: green success, yellow client error, red server error.
    pub fn code(&self, code: u16, text: &str) -> String {
        let colour = match code / 100 {
            1 => "1;34",
            2 => "1;32",
            3 => "1;36",
            4 => "1;33",
            5 => "1;31",
            _ => "1;35",
        };
        self.paint(colour, text)
    }

    pub(crate) fn inline_code(&self, text: &str) -> String {
        self.paint("33", text)
    }
}

/// Writes an entry's whole page, with the given examples (all of `entry.examples`, or those the reader
/// asked for); `no_examples` is said in their place when none are left.
pub fn page(
    out: &mut dyn Write,
    style: &Style,
    entry: &Entry,
    examples: &[&Example],
    no_examples: Option<&str>,
) -> io::Result<()> {
    let title = format!("{} {}", entry.code_text(), entry.name);
    writeln!(out, "{}", style.code(entry.code, &title))?;
    let mut facts = vec![format!(
        "{} ({})",
        entry.class().label(),
        entry.class().meaning()
    )];
    facts.push(entry.status_text());
    if let Some(reference) = entry.reference {
        facts.push(reference.to_owned());
    }
    if !entry.required_headers().is_empty() {
        facts.push(format!(
            "must carry {}",
            entry.required_headers().join(", ")
        ));
    }
    writeln!(out, "{}", style.dim(&facts.join(" · ")))?;
    if !entry.aliases.is_empty() || !entry.former_names.is_empty() {
        let names: Vec<&str> = entry
            .former_names
            .iter()
            .chain(entry.aliases)
            .copied()
            .collect();
        writeln!(
            out,
            "{}",
            style.dim(&wrap(
                &format!("Also known as: {}", names.join(", ")),
                style.width,
                ""
            ))
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", wrap(entry.summary, style.width, ""))?;
    let flags = entry.flags;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.dim(&wrap(
            &format!(
                "{} · {} · {} · retry: {}{}",
                flags.describe_kind(),
                flags.describe_body(),
                flags.describe_cache(),
                flags.retry.describe(),
                if entry.client_sees {
                    ""
                } else {
                    " · never reaches a client"
                },
            ),
            style.width,
            ""
        ))
    )?;

    for section in entry.sections.iter().filter(|s| s.title != "Related codes") {
        section_heading(out, style, section.title)?;
        markdown(out, style, section.markdown)?;
    }
    if !entry.vendors.is_empty() {
        section_heading(out, style, "Vendor meanings")?;
        for v in entry.vendors {
            let mut line = format!("{}: {}", v.vendor, v.name);
            if !v.client_sees {
                line.push_str(" (never reaches a client)");
            }
            if v.low_confidence {
                line.push_str(" (low confidence)");
            }
            writeln!(out, "{}", style.bold(&line))?;
            writeln!(out, "{}", wrap(v.description, style.width, "  "))?;
            writeln!(
                out,
                "{}",
                style.dim(&wrap(&format!("Source: {}", v.source), style.width, "  "))
            )?;
        }
    }
    section_heading(out, style, "Examples")?;
    if let Some(text) = no_examples {
        writeln!(out, "{}", wrap(text, style.width, ""))?;
    }
    for example in examples {
        let label = example.framework_label();
        if !example.intro.is_empty() {
            markdown(out, style, example.intro)?;
            writeln!(out)?;
        }
        // A title that already starts or ends with its label ("... (Flask)") is shown as it is.
        let title = example.title.to_lowercase();
        let named = label.to_lowercase();
        let heading = if title.starts_with(&named) || title.ends_with(&format!("({named})")) {
            example.title.to_owned()
        } else {
            format!("{label}: {}", example.title)
        };
        writeln!(out, "{}", style.bold(&heading))?;
        for line in example.code.lines() {
            if line.trim().is_empty() {
                writeln!(out)?;
            } else {
                writeln!(out, "    {}", style.inline_code(line))?;
            }
        }
        writeln!(out)?;
    }
    if let Some(related) = entry.section("Related codes") {
        section_heading(out, style, "Related codes")?;
        markdown(out, style, related.markdown)?;
    }
    crate::reproduce::section(out, style, entry)?;
    crate::constants::table(out, style, entry)?;
    if !entry.sources.is_empty() {
        section_heading(out, style, "Sources")?;
        for url in entry.sources {
            writeln!(out, "- {url}")?;
        }
    }
    Ok(())
}

pub(crate) fn section_heading(out: &mut dyn Write, style: &Style, title: &str) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", style.heading(&title.to_uppercase()))
}

/// One line: `404 Not Found: summary`.
pub fn short(out: &mut dyn Write, style: &Style, lookup: &Lookup) -> io::Result<()> {
    let code = format!("{:03}", lookup.code());
    writeln!(
        out,
        "{} {}: {}",
        style.code(lookup.code(), &code),
        lookup.name(),
        lookup.explanation()
    )
}

/// Word-wraps `text` to `width` columns, each line starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    fill(text, width.max(20), indent, indent)
}

/// Word-wraps `text`, the first line starting with `first` and the others with `rest`; URLs and hyphenated
/// words are never split.
fn fill(text: &str, width: usize, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}

/// Renders a Markdown fragment: paragraphs, lists, headings, code blocks; links print as `text (url)`.
/// The output ends with exactly one newline.
pub fn markdown(out: &mut dyn Write, style: &Style, text: &str) -> io::Result<()> {
    let mut buffer = Vec::new();
    markdown_raw(&mut buffer, style, text)?;
    let end = buffer
        .iter()
        .rposition(|b| *b != b'\n')
        .map_or(0, |i| i + 1);
    out.write_all(&buffer[..end])?;
    writeln!(out)
}

fn markdown_raw(out: &mut dyn Write, style: &Style, text: &str) -> io::Result<()> {
    let mut paragraph = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_prefix: Option<String> = None;
    let mut in_code: Option<String> = None;
    let mut link: Option<String> = None;

    let flush = |out: &mut dyn Write,
                 paragraph: &mut String,
                 prefix: &mut Option<String>,
                 depth: usize|
     -> io::Result<()> {
        let text = paragraph.trim();
        if text.is_empty() && prefix.is_none() {
            return Ok(());
        }
        let indent = "  ".repeat(depth);
        let (first, rest) = match prefix.take() {
            Some(p) => (
                format!("{indent}{p}"),
                format!("{indent}{}", " ".repeat(p.chars().count())),
            ),
            None => (indent.clone(), indent),
        };
        writeln!(out, "{}", fill(text, style.width, &first, &rest))?;
        paragraph.clear();
        Ok(())
    };

    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        if let Some(code) = in_code.as_mut() {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let depth = lists.len();
                    for line in code.lines() {
                        writeln!(out, "{}    {}", "  ".repeat(depth), style.inline_code(line))?;
                    }
                    in_code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(out, &mut paragraph, &mut item_prefix, lists.len())?;
                if level <= HeadingLevel::H3 {
                    writeln!(out)?;
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = std::mem::take(&mut paragraph);
                writeln!(out, "{}", style.bold(text.trim()))?;
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                let in_item = item_prefix.is_some();
                flush(
                    out,
                    &mut paragraph,
                    &mut item_prefix,
                    lists.len().saturating_sub(1),
                )?;
                if lists.is_empty() && !in_item {
                    writeln!(out)?;
                }
            }
            Event::Start(Tag::List(start)) => {
                if !paragraph.trim().is_empty() || item_prefix.is_some() {
                    flush(
                        out,
                        &mut paragraph,
                        &mut item_prefix,
                        lists.len().saturating_sub(1),
                    )?;
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    writeln!(out)?;
                }
            }
            Event::Start(Tag::Item) => {
                flush(
                    out,
                    &mut paragraph,
                    &mut item_prefix,
                    lists.len().saturating_sub(1),
                )?;
                let prefix = match lists.last_mut() {
                    Some(Some(n)) => {
                        let p = format!("{n}. ");
                        *n += 1;
                        p
                    }
                    _ => "• ".to_owned(),
                };
                item_prefix = Some(prefix);
            }
            Event::End(TagEnd::Item) => flush(
                out,
                &mut paragraph,
                &mut item_prefix,
                lists.len().saturating_sub(1),
            )?,
            Event::Start(Tag::CodeBlock(_)) => {
                flush(
                    out,
                    &mut paragraph,
                    &mut item_prefix,
                    lists.len().saturating_sub(1),
                )?;
                in_code = Some(String::new());
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    if !paragraph.ends_with(&url) {
                        paragraph.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => {}
            Event::Text(t) => paragraph.push_str(&t),
            Event::Code(c) => paragraph.push_str(&style.inline_code(&c)),
            Event::SoftBreak => paragraph.push(' '),
            Event::HardBreak => paragraph.push(' '),
            Event::Start(Tag::TableCell) => paragraph.push_str("| "),
            Event::End(TagEnd::TableCell) => paragraph.push(' '),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                writeln!(out, "{}", paragraph.trim_end())?;
                paragraph.clear();
            }
            Event::End(TagEnd::Table) => writeln!(out)?,
            _ => {}
        }
    }
    flush(out, &mut paragraph, &mut item_prefix, 0)
}
