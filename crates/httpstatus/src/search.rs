//! `httpstatus search WORDS...`: ranked results, best first.

use std::io::{self, Write};

use httpstatus_catalog::Brief;

use crate::{Context, Outcome, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for: "too many requests", "gatway timeout", "cloudflare origin unreachable", "error 404"
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// At most this many results
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let query = args.words.join(" ");
    let hits = httpstatus_catalog::search(&query, args.limit);
    if context.json {
        let briefs: Vec<Brief> = hits.iter().map(|h| Brief::from(h.entry)).collect();
        serde_json::to_writer_pretty(&mut *out, &briefs)?;
        writeln!(out)?;
    } else if hits.is_empty() {
        writeln!(
            io::stderr(),
            "httpstatus: nothing matches `{query}`; try other words, or `httpstatus list`"
        )?;
    } else {
        let style = &context.style;
        for hit in &hits {
            let e = hit.entry;
            let head = format!(
                "{} {}",
                style.code(e.code, &e.code_text()),
                style.bold(e.name)
            );
            let tag = if e.is_official() {
                String::new()
            } else {
                style.dim(" (unofficial)")
            };
            writeln!(out, "{head}{tag}")?;
            writeln!(
                out,
                "{}",
                style.dim(&render::wrap(e.summary, style.width, "    "))
            )?;
        }
    }
    Ok(if hits.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
