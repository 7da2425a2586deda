//! One exchange, from name to final byte: resolve, connect, TLS (with the chain recorded even when it fails),
//! pick the protocol (ALPN, or prior knowledge for h2c), then hand the stream to HTTP/1.1 or HTTP/2. Every
//! moment is put on the [`Clock`] as it happens.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::record::{Clock, Transcript};
use crate::request::{ProbeRequest, Protocol, Scheme};
use crate::tls::{self, Seen, Trust};
use crate::{h1, h2};

/// Whether `host` is `localhost` or a name under it, which RFC 6761 section 6.3 reserves for the loopback
/// address whatever the resolver says (curl and browsers do the same): `expired.localhost` reaches this machine.
fn loopback_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// Runs one exchange, filling `transcript` and `clock` as it goes (so that what was seen survives a timeout).
pub(crate) async fn run(
    request: &ProbeRequest,
    trust: Option<&Trust>,
    transcript: &mut Transcript,
    clock: &mut Clock,
) -> Result<(), String> {
    let target = &request.target;
    let addrs: Vec<_> = match loopback_name(&target.host) {
        true => vec![
            std::net::SocketAddr::from(([127, 0, 0, 1], target.port)),
            std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, target.port)),
        ],
        false => tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|e| format!("cannot resolve {}: {e}", target.host))?
            .collect(),
    };
    clock.resolved = Some(Instant::now());
    let mut last = format!("{} has no address", target.host);
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(e) => last = format!("cannot connect to {addr}: {e}"),
        }
    }
    let tcp = tcp.ok_or(last)?;
    clock.connected = Some(Instant::now());
    let _ = tcp.set_nodelay(true);

    if target.scheme == Scheme::Http {
        return if request.protocol == Protocol::Http2 {
            transcript.protocol = "HTTP/2".into();
            h2::exchange(tcp, request, transcript, clock).await
        } else {
            transcript.protocol = "HTTP/1.1".into();
            h1::exchange(tcp, request, transcript, clock).await
        };
    }

    let trust = trust.ok_or("no trust store was loaded for an https:// URL")?;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let config = tls::client_config(
        Trust {
            roots: trust.roots.clone(),
            description: trust.description.clone(),
        },
        &request.tls,
        request.protocol,
        seen.clone(),
    )?;
    let server_name = ServerName::try_from(target.host.clone())
        .map_err(|e| format!("`{}` cannot be a TLS server name: {e}", target.host))?;
    let sni = matches!(server_name, ServerName::DnsName(_)).then_some(target.host.as_str());
    let connector = TlsConnector::from(Arc::new(config));
    let handshake = connector.connect(server_name, tcp).await;
    let seen = seen.lock().map(|s| Seen {
        chain: s.chain.clone(),
        error: s.error.clone(),
    });
    let seen = seen.unwrap_or_default();
    let stream = match handshake {
        Ok(stream) => stream,
        Err(error) => {
            let record = tls::record(None, &target.host, sni, &seen, trust.description.clone());
            let reason = if seen.error.is_some() {
                format!("the certificate did not verify: {}", record.verdict)
            } else {
                format!("the TLS handshake failed: {error}")
            };
            transcript.tls = Some(record);
            return Err(reason);
        }
    };
    clock.secured = Some(Instant::now());
    let session = stream.get_ref().1;
    let record = tls::record(
        Some(session),
        &target.host,
        sni,
        &seen,
        trust.description.clone(),
    );
    let h2 = record.alpn.as_deref() == Some("h2");
    transcript.tls = Some(record);
    if request.protocol == Protocol::Http2 && !h2 {
        return Err(
            "the server did not choose HTTP/2 by ALPN; leave out --http2 to let it choose".into(),
        );
    }
    if h2 {
        transcript.protocol = "HTTP/2".into();
        h2::exchange(stream, request, transcript, clock).await
    } else {
        transcript.protocol = "HTTP/1.1".into();
        h1::exchange(stream, request, transcript, clock).await
    }
}

#[cfg(test)]
mod tests {
    use super::loopback_name;

    #[test]
    fn localhost_names_are_loopback() {
        for name in [
            "localhost",
            "LOCALHOST.",
            "expired.localhost",
            "a.b.localhost",
        ] {
            assert!(loopback_name(name), "{name}");
        }
        for name in [
            "localhost.example",
            "notlocalhost",
            "example.com",
            "127.0.0.1",
        ] {
            assert!(!loopback_name(name), "{name}");
        }
    }
}
