//! `httpstatus probe URL`: send one request, show every interim and final response with timings, an
//! explanation of each code, and warnings.

use std::io::{self, Write};
use std::time::Duration;

use httpstatus_probe::{ProbeRequest, Transcript, parse_target, probe};

use crate::{Context, Outcome, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An http:// URL
    url: String,
    /// The request method
    #[arg(
        short = 'X',
        long = "request",
        default_value = "GET",
        value_name = "METHOD"
    )]
    method: String,
    /// An extra request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// A request body (sent with Content-Length)
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    data: Option<String>,
    /// Seconds allowed for the whole exchange
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    timeout: f64,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let request = match build(args) {
        Ok(request) => request,
        Err(message) => {
            writeln!(io::stderr(), "httpstatus probe: {message}")?;
            return Ok(Outcome::Usage);
        }
    };
    let transcript = probe(&request);
    if context.json {
        serde_json::to_writer_pretty(&mut *out, &transcript)?;
        writeln!(out)?;
    } else {
        print(context, &transcript, out)?;
    }
    Ok(if transcript.final_response.is_some() {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

fn build(args: &Args) -> Result<ProbeRequest, String> {
    let target = parse_target(&args.url).map_err(|e| e.to_string())?;
    let method = args.method.to_ascii_uppercase();
    ProbeRequest::check_method(&method).map_err(|e| e.to_string())?;
    let headers = args
        .headers
        .iter()
        .map(|h| ProbeRequest::parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(format!(
            "--timeout must be a number of seconds between 0 and 3600, not {}",
            args.timeout
        ));
    }
    Ok(ProbeRequest {
        target,
        method,
        headers,
        body: args.data.as_ref().map(|d| d.clone().into_bytes()),
        timeout: Duration::from_secs_f64(args.timeout),
    })
}

fn print(context: &Context, t: &Transcript, out: &mut dyn Write) -> io::Result<()> {
    let style = &context.style;
    let path = t
        .url
        .splitn(4, '/')
        .nth(3)
        .map_or("/".to_owned(), |p| format!("/{p}"));
    writeln!(
        out,
        "{}",
        style.dim(&format!("> {} {path} HTTP/1.1", t.method))
    )?;
    for (name, value) in &t.request_headers {
        writeln!(out, "{}", style.dim(&format!("> {name}: {value}")))?;
    }
    if t.request_body_bytes > 0 {
        writeln!(
            out,
            "{}",
            style.dim(&format!("> ({} bytes of body)", t.request_body_bytes))
        )?;
    }
    for r in &t.responses {
        writeln!(out)?;
        let kind = if r.interim { "interim" } else { "final" };
        let line = format!("< HTTP/1.1 {} {}", r.status, r.reason);
        writeln!(
            out,
            "{}  {}",
            style.code(r.status, &line),
            style.dim(&format!("({kind}, +{:.1} ms)", r.at_ms))
        )?;
        for (name, value) in &r.headers {
            writeln!(out, "< {name}: {value}")?;
        }
        writeln!(out, "{}", render::wrap(&r.explanation, style.width, "  = "))?;
    }
    if let Some(f) = &t.final_response {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "body {} bytes ({}) · first byte {:.1} ms · total {:.1} ms",
                f.body_bytes, f.framing, f.ttfb_ms, f.total_ms
            ))
        )?;
    }
    if let Some(error) = &t.error {
        writeln!(out)?;
        writeln!(out, "{}", style.code(500, &format!("error: {error}")))?;
    }
    if !t.warnings.is_empty() {
        writeln!(out)?;
        for w in &t.warnings {
            writeln!(
                out,
                "{}",
                style.code(400, &render::wrap(w, style.width, "warning: "))
            )?;
        }
    }
    Ok(())
}
