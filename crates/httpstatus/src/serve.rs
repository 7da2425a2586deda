//! `httpstatus serve`: run the live server (every status code on demand, real interim responses) until SIGINT
//! or SIGTERM, then shut down gracefully. Cleartext HTTP/1.1 and h2c on `--addr`; with `--tls`, HTTPS (HTTP/2
//! or HTTP/1.1 by ALPN) on `--tls-addr`, with a certificate from the local CA unless `--cert`/`--key` give one.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use httpstatus_live::scenario::redis_store::RedisStore;
use httpstatus_live::{Everything, Live};
use httpstatus_server::{Config, Listener};
use httpstatus_tls::{ALPN_H2, ALPN_HTTP_1_1, LeafSpec, LocalCa};

use crate::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port (the first line printed says which)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: SocketAddr,

    /// Also serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on --tls-addr
    #[arg(long)]
    tls: bool,

    /// Address for HTTPS with --tls
    #[arg(long, default_value = "127.0.0.1:8443", value_name = "HOST:PORT")]
    tls_addr: SocketAddr,

    /// PEM certificate chain for HTTPS (default: a certificate for localhost from the local CA, see `httpstatus ca`)
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,

    /// PEM private key for --cert
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,

    /// Largest request body in bytes (413 past it)
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    max_body: u64,

    /// Connections served at once; a client past the limit gets an immediate 503 and is closed
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,

    /// Seconds allowed for a request head (408 past it)
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = positive_seconds)]
    header_timeout: f64,

    /// Seconds a request body may pause before the request gets a 408
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = positive_seconds)]
    body_timeout: f64,

    /// Seconds one write may wait for a client that does not read (or, over HTTP/2, does not open its
    /// flow-control window) before the connection or stream is closed
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = positive_seconds)]
    write_timeout: f64,

    /// Seconds a kept-alive connection may stay idle
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = positive_seconds)]
    idle_timeout: f64,

    /// Threads that serve connections, each given connections in turn (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,

    /// Seconds in-flight requests get to finish after SIGINT or SIGTERM
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = positive_seconds)]
    shutdown_grace: f64,

    /// The address the site is published at, for canonical links, the sitemap and curl examples
    /// (default: the address it listens on)
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,

    /// Where the scenarios keep their state: `memory` (this process, bounded) or `redis://HOST:PORT[/DB]`, so
    /// that several servers behind one load balancer give the same answers to the same key
    #[arg(long, default_value = "memory", value_name = "memory|redis://HOST:PORT", value_parser = state_url)]
    state: String,

    /// No access log
    #[arg(long, conflicts_with = "log")]
    quiet: bool,

    /// An access log line per response on stderr (the default)
    #[arg(long)]
    log: bool,
}

fn state_url(text: &str) -> Result<String, String> {
    if text == "memory" || text.starts_with("redis://") {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a state store: use memory, or redis://HOST:PORT[/DB]"
        ))
    }
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

/// The rustls configuration for --tls: the given certificate, or one for localhost from the local CA (made on
/// first use, with a note on stderr on how to trust it; stdout keeps the `listening on` lines first, for
/// scripts).
fn tls_config(args: &Args) -> io::Result<TlsSetup> {
    let mut out = io::stderr().lock();
    let invalid =
        |e: httpstatus_tls::TlsError| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
    let mut by_name = HashMap::new();
    let certified = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => httpstatus_tls::load_pem_chain(cert, key).map_err(invalid)?,
        _ => {
            let ca = LocalCa::load_or_create(&httpstatus_tls::default_ca_dir()).map_err(invalid)?;
            if ca.was_created() {
                writeln!(
                    out,
                    "created a local certificate authority in {}",
                    ca.dir().display()
                )?;
                writeln!(
                    out,
                    "{}",
                    httpstatus_tls::trust_instructions(ca.cert_path())
                )?;
            } else {
                writeln!(
                    out,
                    "HTTPS certificate from the local CA {}",
                    ca.cert_path().display()
                )?;
            }
            // The broken-TLS hosts come from the same CA, made afresh at every start so they never go stale.
            for host in
                httpstatus_tls::broken_hosts(&ca, &[ALPN_H2, ALPN_HTTP_1_1]).map_err(invalid)?
            {
                by_name.insert(host.name.to_owned(), host.config);
            }
            ca.issue(&LeafSpec::localhost()).map_err(invalid)?
        }
    };
    let config =
        httpstatus_tls::server_config(certified.chain, certified.key, &[ALPN_H2, ALPN_HTTP_1_1])
            .map_err(invalid)?;
    Ok(TlsSetup { config, by_name })
}

/// The HTTPS port's configurations: the main one, and the broken-TLS hosts by SNI name.
struct TlsSetup {
    config: Arc<httpstatus_tls::rustls::ServerConfig>,
    by_name: HashMap<String, Arc<httpstatus_tls::rustls::ServerConfig>>,
}

pub fn run(_context: &Context, args: &Args, out: &mut dyn Write) -> io::Result<Outcome> {
    let mut config = Config {
        max_connections: args.max_connections as usize,
        header_read_timeout: Duration::from_secs_f64(args.header_timeout),
        idle_timeout: Duration::from_secs_f64(args.idle_timeout),
        body_read_timeout: Duration::from_secs_f64(args.body_timeout),
        write_timeout: Duration::from_secs_f64(args.write_timeout),
        shutdown_grace: Duration::from_secs_f64(args.shutdown_grace),
        access_log: !args.quiet,
        worker_threads: match args.threads {
            Some(threads) => usize::from(threads),
            None => std::thread::available_parallelism().map_or(1, usize::from),
        },
        ..Config::default()
    };
    config.limits.max_body = args.max_body;

    // This thread accepts connections, waits for signals and keeps the Redis client; the connections
    // themselves are served on the worker threads (`--threads`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tls = if args.tls {
        Some(tls_config(args)?)
    } else {
        None
    };
    runtime.block_on(async {
        // The state store first: a server that cannot reach it must not announce an address.
        let live = if args.state == "memory" {
            Live::new()
        } else {
            let store = RedisStore::connect(&args.state)
                .await
                .map_err(|e| io::Error::new(io::ErrorKind::ConnectionRefused, e))?;
            Live::with_store(Arc::new(store))
        };
        let listener = bind(args.addr).await?;
        let local = format!("http://{}", listener.local_addr()?);
        writeln!(out, "listening on {local}")?;
        let mut listeners = vec![Listener::plain(listener)];
        if let Some(tls) = tls {
            let listener = bind(args.tls_addr).await?;
            let addr = listener.local_addr()?;
            let host = if addr.ip().is_loopback() {
                "localhost".to_owned()
            } else {
                addr.ip().to_string()
            };
            writeln!(out, "listening on https://{host}:{}", addr.port())?;
            if !tls.by_name.is_empty() {
                eprintln!(
                    "broken-TLS hosts on the same port: https://{{expired,not-yet-valid,wrong-host,self-signed,\
                     untrusted-root,incomplete-chain,tls12-only}}.localhost:{}",
                    addr.port()
                );
            }
            listeners.push(Listener::tls_with_names(listener, tls.config, tls.by_name));
        }
        out.flush()?;
        let site = Everything::with_live(args.public_url.as_deref().unwrap_or(&local), live);
        httpstatus_server::serve(listeners, config, Arc::new(site), shutdown_signal()).await
    })?;
    Ok(Outcome::Found)
}

async fn bind(addr: SocketAddr) -> io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
