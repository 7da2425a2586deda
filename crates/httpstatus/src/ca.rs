//! `httpstatus ca`: the local certificate authority that `httpstatus serve --tls` issues its certificate from:
//! where it is, and how to make curl, Node, Python and browsers trust it.

use std::io::{self, Write};

use httpstatus_tls::LocalCa;

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print the path of the CA certificate (PEM), creating the CA if there is none yet
    Path,
    /// Print how to trust the CA in curl, Node, Python, the system store and browsers
    Trust,
}

pub fn run(context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let dir = httpstatus_tls::default_ca_dir();
    let ca = LocalCa::load_or_create(&dir)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let path = ca.cert_path();
    match args.action {
        Action::Path if context.json => writeln!(
            out,
            "{}",
            serde_json::json!({"certificate": path, "directory": ca.dir(), "created": ca.was_created()})
        )?,
        Action::Path => writeln!(out, "{}", path.display())?,
        Action::Trust => writeln!(out, "{}", httpstatus_tls::trust_instructions(path))?,
    }
    Ok(Outcome::Found)
}
