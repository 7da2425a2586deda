//! `httpstatus probe URL`: send a request over HTTP/1.1 or HTTP/2, clear or TLS, and show every interim and
//! final response with the TLS session, the certificate chain, a timing waterfall, the redirects followed, an
//! explanation of each code, and warnings that link their pages.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use httpstatus_probe::{
    ProbeRequest, Protocol, Scheme, Timings, TlsOptions, TlsRecord, Transcript, check_ca_file,
    parse_target, probe,
};

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An http:// or https:// URL
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
    /// Seconds allowed for each exchange
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    timeout: f64,
    /// Trust the CA certificates in this PEM file instead of the platform's store
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Go on when the certificate does not verify (the failure is still reported)
    #[arg(short = 'k', long)]
    insecure: bool,
    /// Speak HTTP/1.1 only
    #[arg(long = "http1.1", conflicts_with_all = ["http2", "http2_prior_knowledge"])]
    http1: bool,
    /// Speak HTTP/2 only (https:// URLs, chosen by ALPN)
    #[arg(long)]
    http2: bool,
    /// Speak HTTP/2 without asking first (h2c, for http:// URLs)
    #[arg(long)]
    http2_prior_knowledge: bool,
    /// Follow redirects, showing each hop
    #[arg(short = 'L', long)]
    location: bool,
    /// The most redirects to follow with -L
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_redirs: usize,
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
        for (i, hop) in transcript.hops.iter().enumerate() {
            print(context, hop, Some(i + 1), out)?;
        }
        let number = (!transcript.hops.is_empty()).then_some(transcript.hops.len() + 1);
        print(context, &transcript, number, out)?;
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
    let protocol = if args.http1 {
        Protocol::Http1
    } else if args.http2_prior_knowledge {
        Protocol::Http2
    } else if args.http2 {
        if target.scheme == Scheme::Http {
            return Err("--http2 chooses HTTP/2 by ALPN, which needs https://; for cleartext HTTP/2 (h2c) use --http2-prior-knowledge".into());
        }
        Protocol::Http2
    } else {
        Protocol::Auto
    };
    if let Some(path) = &args.cacert {
        check_ca_file(path).map_err(|e| e.to_string())?;
    }
    Ok(ProbeRequest {
        target,
        method,
        headers,
        body: args.data.as_ref().map(|d| d.clone().into_bytes()),
        timeout: Duration::from_secs_f64(args.timeout),
        protocol,
        tls: TlsOptions {
            ca_file: args.cacert.clone(),
            insecure: args.insecure,
        },
        follow: args.location.then_some(args.max_redirs),
    })
}

fn print(
    context: &Context,
    t: &Transcript,
    hop: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let style = &context.style;
    if let Some(n) = hop {
        writeln!(
            out,
            "{}",
            style.bold(&format!("hop {n}: {} {}", t.method, t.url))
        )?;
    }
    if let Some(tls) = &t.tls {
        print_tls(context, tls, out)?;
    }
    let protocol = if t.protocol.is_empty() {
        "HTTP/1.1"
    } else {
        &t.protocol
    };
    let path = t
        .url
        .splitn(4, '/')
        .nth(3)
        .map_or("/".to_owned(), |p| format!("/{p}"));
    writeln!(
        out,
        "{}",
        style.dim(&format!("> {} {path} {protocol}", t.method))
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
        let line = if r.reason.is_empty() {
            format!("< {protocol} {}", r.status)
        } else {
            format!("< {protocol} {} {}", r.status, r.reason)
        };
        writeln!(
            out,
            "{}  {}",
            style.code(r.status, &line),
            style.dim(&format!("({kind}, +{:.1} ms)", r.at_ms))
        )?;
        for (name, value) in &r.headers {
            writeln!(out, "< {name}: {value}")?;
        }
        writeln!(out, "{}", hang(&r.explanation, style.width, "  = "))?;
    }
    if let Some(f) = &t.final_response {
        writeln!(out)?;
        let line = format!(
            "body {} bytes ({}) · first byte {:.1} ms · first final byte {:.1} ms · total {:.1} ms",
            f.body_bytes, f.framing, f.ttfb_ms, f.ttfb_final_ms, f.total_ms
        );
        writeln!(out, "{}", style.bold(&hang(&line, style.width, "")))?;
    }
    if let Some(timings) = &t.timings {
        waterfall(timings, style.width.min(100), out)?;
    }
    if let Some(redirect) = &t.redirect {
        writeln!(out)?;
        let line = format!(
            "{} -> {} {}",
            redirect.status, redirect.method, redirect.location
        );
        writeln!(
            out,
            "{}",
            style.bold(&hang(&line, style.width, "redirect: "))
        )?;
        writeln!(out, "{}", hang(&redirect.note, style.width, "          "))?;
    }
    if let Some(error) = &t.error {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.code(500, &hang(error, style.width, "error: "))
        )?;
    }
    if !t.warnings.is_empty() {
        writeln!(out)?;
        for w in &t.warnings {
            let see = match w.page.strip_prefix('/') {
                Some(code) if code.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("httpstatus {code}")
                }
                _ => w.page.clone(),
            };
            let text = format!("{} (see {see})", w.message);
            writeln!(
                out,
                "{}",
                style.code(400, &hang(&text, style.width, "warning: "))
            )?;
        }
    }
    if hop.is_some() {
        writeln!(out)?;
    }
    Ok(())
}

fn print_tls(context: &Context, tls: &TlsRecord, out: &mut dyn Write) -> io::Result<()> {
    let style = &context.style;
    let width = style.width;
    if !tls.version.is_empty() {
        let line = format!(
            "{} · {} · ALPN {} · SNI {}",
            tls.version,
            tls.cipher_suite,
            tls.alpn.as_deref().unwrap_or("none"),
            tls.sni.as_deref().unwrap_or("none (an IP address)")
        );
        writeln!(out, "{}", hang(&line, width, "* TLS "))?;
    }
    let verdict = format!("{} (trusting {})", tls.verdict, tls.trust);
    let shown = hang(&verdict, width, "* certificate: ");
    writeln!(
        out,
        "{}",
        if tls.verified {
            style.bold(&shown)
        } else {
            style.code(500, &shown)
        }
    )?;
    for (i, cert) in tls.chain.iter().enumerate() {
        writeln!(out, "{}", hang(&cert.subject, width, &format!("*   {i} ")))?;
        writeln!(out, "{}", hang(&cert.issuer, width, "*     issuer "))?;
        if !cert.sans.is_empty() {
            writeln!(
                out,
                "{}",
                hang(&cert.sans.join(", "), width, "*     names ")
            )?;
        }
        let left = if cert.days_left < 0 {
            format!("expired {} days ago", -cert.days_left - 1)
        } else {
            format!("{} days left", cert.days_left)
        };
        let validity = format!(
            "{} to {} ({left}), {}",
            cert.not_before, cert.not_after, cert.key
        );
        writeln!(out, "{}", hang(&validity, width, "*     valid "))?;
    }
    if !tls.verified && !tls.chain.is_empty() {
        let hint = "a proxy or CDN in front of such a server answers 526 Invalid SSL Certificate, or 525 SSL Handshake Failed (see httpstatus 526, httpstatus 525); nginx uses 495 and 496 for client certificates";
        writeln!(out, "{}", hang(hint, width, "*   "))?;
    }
    Ok(())
}

/// The phases as one proportional bar, then the figures: `|D|CC|TTTTT|S|WWW|II|B|`.
fn waterfall(t: &Timings, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let phases = [
        ('D', "dns", t.dns_ms),
        ('C', "connect", t.connect_ms),
        ('T', "tls", t.tls_ms),
        ('S', "send", t.send_ms),
        ('W', "wait", t.wait_ms),
        ('I', "interim", t.interim_ms),
        ('B', "body", t.body_ms),
    ];
    let bar_width = width.saturating_sub(30).max(20) as f64;
    let mut bar = String::from("|");
    for (letter, _, ms) in phases {
        if ms <= 0.0 {
            continue;
        }
        let n = ((ms / t.total_ms.max(0.001)) * bar_width).round().max(1.0) as usize;
        bar.extend(std::iter::repeat_n(letter, n));
        bar.push('|');
    }
    writeln!(out, "timing {bar} {:.1} ms", t.total_ms)?;
    let legend: Vec<String> = phases
        .iter()
        .map(|(letter, name, ms)| format!("{letter} {name} {ms:.1}"))
        .collect();
    writeln!(out, "{}", hang(&legend.join("  "), width, "       "))
}

/// Word-wraps `text` to `width` columns: the first line starts with `first`, the others are indented to line
/// up under the text after it, keeping the `*` and `=` of the margin; URLs are never split.
fn hang(text: &str, width: usize, first: &str) -> String {
    let rest: String = first
        .chars()
        .map(|c| if c == '*' || c == '=' { c } else { ' ' })
        .collect();
    let options = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(&rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}
