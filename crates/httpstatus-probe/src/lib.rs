//! httpstatus-probe: sends a request over HTTP/1.1 or HTTP/2, in clear or over TLS, and records everything the
//! server sends back: every interim (1xx) response and the final one, the TLS session and certificate chain,
//! a measured timing breakdown, the redirects it followed, a one-line explanation of each code from the
//! catalog, and the warnings a careful reviewer would give.
//!
//! # Layout
//! - [`request`]: what to send ([`ProbeRequest`], [`parse_target`]), the protocol choice and TLS options.
//! - `exchange`: one exchange from name to final byte: DNS, TCP, TLS, protocol choice by ALPN.
//! - `h1`: HTTP/1.1, parsed by `httpstatus-wire`'s client state machine; `h2`: HTTP/2 with the `h2` crate.
//! - `tls` and `certs`: rustls with a verifier that records its verdict; certificates described in words.
//! - `redirect`: `-L`, hop by hop; [`review`]: the warnings, a pure function of request and transcript.
//! - [`record`]: the [`Transcript`], serialisable as the JSON that `httpstatus probe --json` prints.
//!
//! The I/O runs on a current-thread tokio runtime that [`probe`] makes and drops; call it from a thread that
//! is not already running tokio. A malformed response is a normal outcome: it ends up in
//! [`Transcript::error`], never in a panic, and the timeout bounds every exchange.

mod certs;
mod exchange;
mod h1;
mod h2;
pub mod record;
mod redirect;
pub mod request;
pub mod review;
mod tls;

use std::collections::HashSet;

pub use record::{
    CertificateRecord, FinalRecord, RedirectRecord, ResponseRecord, Timings, TlsRecord, Transcript,
    Warning,
};
pub use request::{
    ProbeError, ProbeRequest, Protocol, Scheme, Target, TlsOptions, parse_target, target_of,
};
pub use review::review;

use crate::record::Clock;
use crate::redirect::Next;

/// How long to wait for `100 Continue` before sending a request body anyway, as curl does.
pub(crate) const CONTINUE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The one-line explanation of any status code.
pub fn explain(status: u16) -> String {
    match httpstatus_catalog::lookup(status) {
        Ok(lookup) => format!("{} {}: {}", status, lookup.name(), lookup.explanation()),
        Err(error) => error.to_string(),
    }
}

/// Checks that a CA file can be read and holds certificates, so that a bad path is a usage error.
pub fn check_ca_file(path: &std::path::Path) -> Result<(), ProbeError> {
    tls::load_trust(&TlsOptions {
        ca_file: Some(path.to_owned()),
        insecure: false,
    })
    .map(|_| ())
}

/// Sends the request (and, with [`ProbeRequest::follow`], the requests its redirects lead to) and records
/// every response. The returned transcript is the last hop's; earlier hops are in [`Transcript::hops`].
/// Never panics on what a server sends.
pub fn probe(request: &ProbeRequest) -> Transcript {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let mut t = Transcript::new(&request.method, request.target.url());
            t.error = Some(format!("cannot start the I/O runtime: {e}"));
            return t;
        }
    };
    let transcript = runtime.block_on(probe_all(request));
    // A name lookup still running after a timeout must not hold the process: leave it behind.
    runtime.shutdown_background();
    transcript
}

async fn probe_all(first: &ProbeRequest) -> Transcript {
    let mut trust = None;
    let mut hops: Vec<Transcript> = Vec::new();
    let mut visited = HashSet::new();
    let mut request = first.clone();
    let mut extra = Vec::new();
    loop {
        visited.insert((request.method.clone(), request.target.url()));
        let mut transcript = probe_one(&request, &mut trust).await;
        let next = match (first.follow, redirect::next(&request, &transcript)) {
            (None, _) | (_, Next::Stop) => None,
            (_, Next::Refuse(warning)) => {
                extra.push(warning);
                None
            }
            (Some(max), Next::Follow(next, record)) => {
                let key = (next.method.clone(), next.target.url());
                if visited.contains(&key) {
                    extra.push(Warning {
                        message: format!(
                            "redirect loop: {} {} was already requested; stopped here",
                            key.0, key.1
                        ),
                        page: format!("/{}", record.status),
                    });
                    None
                } else if hops.len() >= max {
                    extra.push(Warning {
                        message: format!("stopped after {max} redirects (--max-redirs); the next would have gone to {}", record.location),
                        page: format!("/{}", record.status),
                    });
                    None
                } else {
                    if let Some(w) = redirect::downgrade(&request, &next, record.status) {
                        extra.push(w);
                    }
                    transcript.redirect = Some(record);
                    Some(*next)
                }
            }
        };
        match next {
            Some(next) => {
                hops.push(transcript);
                request = next;
            }
            None => {
                transcript.warnings.extend(extra);
                transcript.hops = hops;
                return transcript;
            }
        }
    }
}

async fn probe_one(request: &ProbeRequest, trust: &mut Option<tls::Trust>) -> Transcript {
    let mut transcript = Transcript::new(&request.method, request.target.url());
    transcript.request_headers = request.fields();
    transcript.request_body_bytes = request.body.as_ref().map_or(0, Vec::len);
    let mut clock = Clock::new();
    if request.target.scheme == Scheme::Https && trust.is_none() {
        match tls::load_trust(&request.tls) {
            Ok(loaded) => *trust = Some(loaded),
            Err(e) => {
                transcript.error = Some(e.to_string());
                return transcript;
            }
        }
    }
    let outcome = tokio::time::timeout(
        request.timeout,
        exchange::run(request, trust.as_ref(), &mut transcript, &mut clock),
    )
    .await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => transcript.error = Some(error),
        Err(_) => {
            transcript.error = Some(format!(
                "no complete response within {} s; raise --timeout to wait longer",
                request.timeout.as_secs_f64()
            ));
        }
    }
    if transcript.protocol == "HTTP/2" {
        transcript.request_headers = request.h2_fields();
    }
    if transcript.error.is_none() {
        transcript.timings = clock.timings();
    }
    transcript.warnings = review(request, &transcript);
    transcript
}
