//! `httpstatus choose`: "Which status code should I send?", one question at a time. Interactive on a
//! terminal; for scripts, the answers as numbers with `--answers 1,2,1` or on stdin.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use httpstatus_catalog::choose::{self, Next, Step, Walk, WalkError};
use serde_json::json;

use crate::{Context, Outcome, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The answers, as the numbers shown beside them, e.g. `1,2,1`; without it, asks on a terminal and reads
    /// the numbers from stdin otherwise
    #[arg(long, value_name = "N,N,...")]
    answers: Option<String>,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let text = match &args.answers {
        Some(text) => text.clone(),
        None if io::stdin().is_terminal() && !context.json => return interactive(context, out),
        None => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text)?;
            text
        }
    };
    let answers = match parse_answers(&text) {
        Ok(answers) => answers,
        Err(word) => {
            writeln!(
                io::stderr(),
                "httpstatus: `{word}` is not an answer number: give the numbers shown beside the answers, e.g. --answers 1,2,1"
            )?;
            return Ok(Outcome::Usage);
        }
    };
    match choose::walk(&answers) {
        Ok(walk) => report(context, &walk, out),
        Err(error) => {
            if context.json {
                serde_json::to_writer_pretty(&mut *out, &json!({"error": error.to_string()}))?;
                writeln!(out)?;
            }
            writeln!(io::stderr(), "httpstatus: {error}")?;
            Ok(match error {
                WalkError::NoSuchAnswer { .. } | WalkError::TooManyAnswers { .. } => Outcome::Usage,
            })
        }
    }
}

/// `1,2,1`, `1 2 1` or one number a line.
fn parse_answers(text: &str) -> Result<Vec<usize>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse::<usize>().map_err(|_| w.to_owned()))
        .collect()
}

/// Prints where the walk went: every question and answer, then the code, or the question still open.
fn report(context: &Context, walk: &Walk, out: &mut dyn Write) -> io::Result<Outcome> {
    if context.json {
        let path: Vec<_> = walk
            .path
            .iter()
            .map(|(step, answer)| {
                json!({"step": step.id, "question": step.question, "answer": answer.label})
            })
            .collect();
        let mut value = json!({"path": path});
        if let Some((code, reason)) = walk.result() {
            value["code"] = json!(code);
            value["name"] = json!(httpstatus_catalog::get(code).map(|e| e.name));
            value["reason"] = json!(reason);
        } else if let Some(step) = walk.pending {
            let answers: Vec<&str> = step.answers.iter().map(|a| a.label).collect();
            value["code"] = serde_json::Value::Null;
            value["pending"] =
                json!({"step": step.id, "question": step.question, "answers": answers});
        }
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
    } else {
        let style = &context.style;
        for (step, answer) in &walk.path {
            writeln!(
                out,
                "{}",
                style.dim(&render::wrap(step.question, style.width, ""))
            )?;
            let text = render::wrap(answer.label, style.width, "    ");
            writeln!(out, "  > {}", text.trim_start())?;
        }
        if let Some((code, reason)) = walk.result() {
            result(context, code, reason, out)?;
        } else if let Some(step) = walk.pending {
            question(context, step, out)?;
        }
    }
    if walk.pending.is_some() {
        let count = walk.pending.map_or(0, |s| s.answers.len());
        writeln!(
            io::stderr(),
            "httpstatus: the answers stop at a question: add one more, 1 to {count}"
        )?;
        return Ok(Outcome::NotFound);
    }
    Ok(Outcome::Found)
}

fn question(context: &Context, step: &Step, out: &mut dyn Write) -> io::Result<()> {
    let style = &context.style;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.bold(&render::wrap(step.question, style.width, ""))
    )?;
    for (i, answer) in step.answers.iter().enumerate() {
        let number = format!("{:>3}. ", i + 1);
        let text = render::wrap(answer.label, style.width, "     ");
        writeln!(out, "{number}{}", text.trim_start())?;
    }
    Ok(())
}

fn result(context: &Context, code: u16, reason: &str, out: &mut dyn Write) -> io::Result<()> {
    let style = &context.style;
    let name = httpstatus_catalog::get(code).map_or("", |e| e.name);
    writeln!(out)?;
    writeln!(out, "{}", style.code(code, &format!("Send {code} {name}")))?;
    writeln!(out, "{}", render::wrap(reason, style.width, ""))?;
    writeln!(
        out,
        "{}",
        style.dim(&format!("The whole page: httpstatus {code}"))
    )
}

/// Asks on the terminal, one question at a time; `b` goes back a step, `q` stops.
fn interactive(context: &Context, out: &mut dyn Write) -> io::Result<Outcome> {
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    let mut trail: Vec<&'static Step> = Vec::new();
    let mut at = choose::start();
    writeln!(out, "{}", context.style.dim(choose::summary()))?;
    loop {
        question(context, at, out)?;
        write!(out, "Answer 1-{} (b: back, q: quit): ", at.answers.len())?;
        out.flush()?;
        let Some(line) = lines.next().transpose()? else {
            writeln!(out)?;
            return Ok(Outcome::NotFound);
        };
        let line = line.trim();
        match line {
            "q" | "quit" => return Ok(Outcome::NotFound),
            "b" | "back" => {
                if let Some(previous) = trail.pop() {
                    at = previous;
                }
                continue;
            }
            _ => {}
        }
        let Some(answer) = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| at.answers.get(n))
        else {
            writeln!(out, "Type a number from 1 to {}.", at.answers.len())?;
            continue;
        };
        match answer.next {
            Next::Step(id) => {
                trail.push(at);
                at = choose::step(id).expect("the build checks that every step exists");
            }
            Next::Code { code, reason } => {
                result(context, code, reason, out)?;
                return Ok(Outcome::Found);
            }
        }
    }
}
