//! `httpstatus export DIR`: the whole site as static files, for any static host or CDN.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to write into (created when missing)
    dir: PathBuf,
    /// The address the export will be published at, for canonical links, the sitemap and curl examples
    #[arg(long, default_value = "http://127.0.0.1:8080", value_name = "URL")]
    public_url: String,
    /// A live httpstatus server (`httpstatus serve`) for the pages' "Try it" blocks; without it they are
    /// left out, since a static host has no `/status/...` endpoints
    #[arg(long, value_name = "URL")]
    live_url: Option<String>,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    for (flag, url) in [
        ("--public-url", Some(&args.public_url)),
        ("--live-url", args.live_url.as_ref()),
    ] {
        let Some(url) = url else { continue };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            writeln!(
                io::stderr(),
                "httpstatus: {flag} must start with http:// or https://, not `{url}`"
            )?;
            return Ok(Outcome::Usage);
        }
    }
    std::fs::create_dir_all(&args.dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", args.dir.display()),
        )
    })?;
    let site = httpstatus_site::Site::with_live_url(&args.public_url, args.live_url.as_deref());
    let files = site.export(&args.dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write into {}: {e}", args.dir.display()),
        )
    })?;
    if context.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({"dir": args.dir.display().to_string(), "files": files})
        )?;
    } else {
        writeln!(out, "wrote {files} files to {}", args.dir.display())?;
    }
    Ok(Outcome::Found)
}
