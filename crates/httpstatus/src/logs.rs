//! `httpstatus logs [FILE...]`: explains the status codes in access logs: which codes, what each means for
//! the log's source, who produced it, what was behind it, and when it went wrong.

mod follow;
mod html;
mod read;
mod text;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use httpstatus_logs::filter::{self, Filter};
use httpstatus_logs::report::{Options, Report};
use httpstatus_logs::{Format, Stats};

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Formats: combined (nginx, Apache; with optional $request_time, $upstream_status), common, \
traefik, traefik-json, alb, elb, cloudfront, cloudflare, caddy, iis. Detected from the first lines unless --format names one.

Examples:
  httpstatus logs /var/log/nginx/access.log
  httpstatus logs access.log.1.gz --code 5xx --since 2024-05-01T10:00
  zcat alb/*.log.gz | httpstatus logs --format alb --json
  httpstatus logs access.log --html report.html
  httpstatus logs -f /var/log/nginx/access.log"
)]
pub struct Args {
    /// Log files; `.gz` files are read directly; standard input when none (or `-`)
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The log format, instead of detecting it
    #[arg(long, value_name = "NAME")]
    format: Option<String>,
    /// Only requests at or after this time (2024-05-01, 2024-05-01T10:30, ...; UTC unless an offset is given)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only requests before this time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only these codes: 502, 5xx, `-` for no status, or a comma-separated list
    #[arg(long, value_name = "CODES")]
    code: Option<String>,
    /// Only requests whose path starts with this
    #[arg(long, value_name = "PREFIX")]
    path: Option<String>,
    /// List the lines that did not parse, with their line numbers
    #[arg(long)]
    show_bad: bool,
    /// Also write the report as one self-contained HTML page
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Keep reading the file as it grows (like tail -f), refreshing the report; survives rotation
    #[arg(short = 'f', long)]
    follow: bool,
    /// Seconds between refreshes with --follow
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    interval: f64,
    /// Entries in each top list (paths, clients, user agents)
    #[arg(long, default_value_t = 5, value_name = "N")]
    top: usize,
    /// Where the code pages live, for the links in the report
    #[arg(long, default_value = "http://127.0.0.1:8080", value_name = "URL")]
    site_url: String,
    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// The validated settings of one run.
pub struct Settings {
    format: Option<Format>,
    filter: Filter,
    options: Options,
    threads: usize,
}

fn settings(args: &Args, context: &Context) -> Result<Settings, String> {
    let format = match &args.format {
        Some(name) => Some(Format::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown --format `{name}`: use one of {}", names.join(", "))
        })?),
        None => None,
    };
    let filter = Filter {
        since: args
            .since
            .as_deref()
            .map(filter::parse_time)
            .transpose()
            .map_err(|e| e.to_string())?,
        until: args
            .until
            .as_deref()
            .map(filter::parse_time)
            .transpose()
            .map_err(|e| e.to_string())?,
        codes: args
            .code
            .as_deref()
            .map(filter::parse_codes)
            .transpose()
            .map_err(|e| e.to_string())?
            .unwrap_or_default(),
        path_prefix: args.path.clone(),
    };
    if args.follow && (args.files.len() != 1 || args.files[0].as_os_str() == "-") {
        return Err("--follow needs exactly one file (not standard input)".to_owned());
    }
    if !(args.interval.is_finite() && (0.05..=3600.0).contains(&args.interval)) {
        return Err(format!(
            "--interval must be between 0.05 and 3600 seconds, not {}",
            args.interval
        ));
    }
    if args.top == 0 || args.top > 1000 {
        return Err(format!(
            "--top must be between 1 and 1000, not {}",
            args.top
        ));
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = args.threads.unwrap_or(cores).clamp(1, 64);
    let max_buckets = context.style.width.saturating_sub(4).clamp(20, 120);
    Ok(Settings {
        format,
        filter,
        options: Options {
            top: args.top,
            site_url: args.site_url.clone(),
            max_buckets,
        },
        threads,
    })
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let settings = match settings(args, context) {
        Ok(s) => s,
        Err(message) => {
            writeln!(io::stderr(), "httpstatus logs: {message}")?;
            return Ok(Outcome::Usage);
        }
    };
    if args.follow {
        return follow::run(context, args, &settings, out);
    }
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let mut format = settings.format;
    let mut total = Stats::default();
    for path in &files {
        let analysed = read::open(path)
            .map_err(|e| e.to_string())
            .and_then(|mut input| {
                read::analyse(&mut *input, format, &settings.filter, settings.threads)
            });
        match analysed {
            Ok((f, stats)) => {
                if format.is_some_and(|known| known != f) {
                    writeln!(
                        io::stderr(),
                        "httpstatus logs: {} is a {f} log, unlike the files before it: analyse them separately",
                        path.display()
                    )?;
                    return Ok(Outcome::Usage);
                }
                format = Some(f);
                total.merge(stats);
            }
            Err(message) => return fail(path, &message),
        }
    }
    let format = format.unwrap_or(Format::Combined);
    let report = Report::build(format, &total, &settings.options);
    emit(context, args, &report, out)?;
    Ok(if report.requests > 0 {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

/// Says on stderr why a file could not be read.
fn fail(path: &Path, message: &str) -> io::Result<Outcome> {
    writeln!(
        io::stderr(),
        "httpstatus logs: {}: {message}",
        path.display()
    )?;
    Ok(Outcome::NotFound)
}

/// Writes the report as JSON or text, and the HTML page when asked.
fn emit(context: &Context, args: &Args, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if let Some(path) = &args.html {
        let title = match args.files.as_slice() {
            [one] if one.as_os_str() != "-" => format!("Status codes in {}", one.display()),
            _ => "Status codes in the access log".to_owned(),
        };
        std::fs::write(path, html::page(report, &title)).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
        })?;
    }
    if context.json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    } else {
        text::print(out, &context.style, report, args.show_bad)
    }
}
