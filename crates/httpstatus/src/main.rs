//! `httpstatus`: the command line. Raw arguments become a validated command; each command lives in its own file.
//!
//! Exit codes: 0 found (an unassigned code such as 299 counts: it prints the class fallback), 1 not found,
//! 2 usage error. A closed pipe (`httpstatus list | head -1`) ends quietly with 0.

mod ca;
mod choose;
mod constants;
mod export;
mod list;
mod logs;
mod probe;
mod render;
mod reproduce;
mod search;
mod serve;
mod show;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::render::{ColorChoice, Style};

/// Every HTTP status code explained: meaning, origin, what to do, how to fix, and examples that run.
#[derive(Debug, Parser)]
#[command(name = "httpstatus", version, about, after_help = AFTER_HELP, args_conflicts_with_subcommands = false)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Print JSON instead of text (the same objects the web API serves)
    #[arg(long, global = true)]
    json: bool,

    /// When to use colours: auto (only on a terminal, never with NO_COLOR), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

const AFTER_HELP: &str = "Examples:
  httpstatus 429                 the whole page for 429 Too Many Requests
  httpstatus 502 --short         one line
  httpstatus 429 --lang python   only the Python examples (--framework flask,express: only those)
  httpstatus search upstream timed out
  httpstatus list --class 4xx --unofficial
  httpstatus choose              which code should I send? one question at a time
  httpstatus 102 --json          the catalog entry as JSON";

#[derive(Debug, Subcommand)]
enum Command {
    /// Show a status code's page (`httpstatus 404` is short for `httpstatus show 404`)
    Show(show::Args),
    /// Search by words: names, old names, synonyms, vendors, typos, "error 404"
    Search(search::Args),
    /// List status codes, by class and registration
    List(list::Args),
    /// Which status code should I send? One question at a time, or `--answers 1,2,1`
    Choose(choose::Args),
    /// Write the whole web site as static files into a directory
    Export(export::Args),
    /// Run the live server: every status code on demand, with real interim responses
    Serve(serve::Args),
    /// The local certificate authority behind `serve --tls`: `httpstatus ca path`, `httpstatus ca trust`
    Ca(ca::Args),
    /// Send one request and show every interim and final response, with timings and explanations
    Probe(probe::Args),
    /// Explain the status codes in access logs: meanings for the log's source, who produced them, when
    Logs(logs::Args),
    /// Print a shell completion script: `httpstatus completions bash > /etc/bash_completion.d/httpstatus`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What a command reports back.
pub enum Outcome {
    Found,
    NotFound,
    /// The arguments parsed but make no sense together; the command said why on stderr.
    Usage,
}

/// The global options every command sees.
pub struct Context {
    pub json: bool,
    pub style: Style,
}

const SUBCOMMANDS: [&str; 9] = [
    "show",
    "search",
    "choose",
    "list",
    "export",
    "serve",
    "probe",
    "completions",
    "help",
];

/// `httpstatus 404` and `httpstatus --json 404` mean `httpstatus show 404`.
fn with_default_command(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while i < args.len() {
        let word = args[i].to_string_lossy().into_owned();
        if word == "--color" {
            i += 2;
            continue;
        }
        // Options only `show` has: `httpstatus --lang python 429`.
        let option = word.split('=').next().unwrap_or_default();
        if matches!(option, "--lang" | "--framework" | "--short") {
            args.insert(i, "show".into());
            break;
        }
        if word.starts_with('-') && word != "-" {
            i += 1;
            continue;
        }
        if !SUBCOMMANDS.contains(&word.as_str()) && word.starts_with(|c: char| c.is_ascii_digit()) {
            args.insert(i, "show".into());
        }
        break;
    }
    args
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(with_default_command(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let context = Context {
        json: cli.json,
        style: Style::detect(cli.color),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Show(args) => show::run(&context, &args, &mut out),
        Command::Search(args) => search::run(&context, &args, &mut out),
        Command::List(args) => list::run(&context, &args, &mut out),
        Command::Choose(args) => choose::run(&context, &args, &mut out),
        Command::Export(args) => export::run(&context, &args, &mut out),
        Command::Serve(args) => serve::run(&context, &args, &mut out),
        Command::Ca(args) => ca::run(&context, &args, &mut out),
        Command::Probe(args) => probe::run(&context, &args, &mut out),
        Command::Logs(args) => logs::run(&context, &args, &mut out),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "httpstatus", &mut out);
            Ok(Outcome::Found)
        }
    };
    let result = result.and_then(|outcome| out.flush().map(|_| outcome));
    match result {
        Ok(Outcome::Found) => ExitCode::SUCCESS,
        Ok(Outcome::NotFound) => ExitCode::from(1),
        Ok(Outcome::Usage) => ExitCode::from(2),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "httpstatus: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<String> {
        with_default_command(args.iter().map(Into::into).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_bare_code_means_show() {
        assert_eq!(words(&["httpstatus", "404"]), ["httpstatus", "show", "404"]);
        assert_eq!(
            words(&["httpstatus", "--json", "404"]),
            ["httpstatus", "--json", "show", "404"]
        );
        assert_eq!(
            words(&["httpstatus", "search", "404"]),
            ["httpstatus", "search", "404"]
        );
        assert_eq!(words(&["httpstatus", "list"]), ["httpstatus", "list"]);
        assert_eq!(
            words(&["httpstatus", "--color", "never", "42"]),
            ["httpstatus", "--color", "never", "show", "42"]
        );
        assert_eq!(
            words(&["httpstatus", "--lang", "python", "429"]),
            ["httpstatus", "show", "--lang", "python", "429"]
        );
        assert_eq!(
            words(&["httpstatus", "--json", "--framework=flask", "429"]),
            ["httpstatus", "--json", "show", "--framework=flask", "429"]
        );
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
