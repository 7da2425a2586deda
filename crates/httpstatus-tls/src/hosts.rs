//! Hosts whose TLS is broken on purpose, one mistake each, for testing how a client reports it: made at
//! start-up from the local CA, so they never go stale. A server chooses among them by the name the client
//! sends in SNI (every name under `.localhost` resolves to the loopback address, RFC 6761 section 6.3).

use std::sync::Arc;
use std::time::SystemTime;

use rustls::ServerConfig;

use crate::authority::Authority;
use crate::config::crypto_provider;
use crate::{ChainAndKey, DAY, LeafSpec, LocalCa, TlsError, issue_self_signed};

/// Every broken host: its name and the one thing wrong with it.
pub const BROKEN_HOSTS: &[(&str, &str)] = &[
    (
        "expired.localhost",
        "the certificate expired yesterday (issued by the local CA, valid for 30 days until then)",
    ),
    (
        "not-yet-valid.localhost",
        "the certificate becomes valid in 30 days (a client clock behind the server's sees the same)",
    ),
    (
        "wrong-host.localhost",
        "the certificate is valid and trusted, but for another name (not-this-host.localhost) only",
    ),
    (
        "self-signed.localhost",
        "the certificate signs itself: no CA vouches for it",
    ),
    (
        "untrusted-root.localhost",
        "the chain ends at a root CA made in memory at start-up, which no client trusts",
    ),
    (
        "incomplete-chain.localhost",
        "the leaf comes from an intermediate CA that the server does not send",
    ),
    (
        "tls12-only.localhost",
        "a valid certificate, but the server speaks TLS 1.2 only (clients that require TLS 1.3 fail)",
    ),
];

/// A broken host: the name clients ask for in SNI and the server configuration that answers it.
#[derive(Debug)]
pub struct BrokenHost {
    pub name: &'static str,
    pub what: &'static str,
    pub config: Arc<ServerConfig>,
}

/// Makes every host of [`BROKEN_HOSTS`] from `ca`, each configuration offering the ALPN protocols `alpn`.
pub fn broken_hosts(ca: &LocalCa, alpn: &[&[u8]]) -> Result<Vec<BrokenHost>, TlsError> {
    let now = SystemTime::now();
    let spec = |name: &str| LeafSpec::for_names(vec![name.to_owned()], vec![]);
    BROKEN_HOSTS
        .iter()
        .map(|&(name, what)| {
            let (certified, tls12_only) = match name {
                "expired.localhost" => (
                    ca.issue(&LeafSpec {
                        not_before: now - 31 * DAY,
                        not_after: now - DAY,
                        ..spec(name)
                    })?,
                    false,
                ),
                "not-yet-valid.localhost" => (
                    ca.issue(&LeafSpec {
                        not_before: now + 30 * DAY,
                        not_after: now + 395 * DAY,
                        ..spec(name)
                    })?,
                    false,
                ),
                "wrong-host.localhost" => (ca.issue(&spec("not-this-host.localhost"))?, false),
                "self-signed.localhost" => (issue_self_signed(&spec(name))?, false),
                "untrusted-root.localhost" => {
                    let root = Authority::ephemeral_root("httpstatus untrusted root")?;
                    let issued = root.issue(&LeafSpec {
                        include_ca: true,
                        ..spec(name)
                    })?;
                    (issued, false)
                }
                "incomplete-chain.localhost" => {
                    let intermediate =
                        ca.issue_intermediate("httpstatus intermediate (not sent)")?;
                    (intermediate.issue(&spec(name))?, false)
                }
                _ => (ca.issue(&spec(name))?, true),
            };
            Ok(BrokenHost {
                name,
                what,
                config: config_for(certified, tls12_only, alpn)?,
            })
        })
        .collect()
}

fn config_for(
    certified: ChainAndKey,
    tls12_only: bool,
    alpn: &[&[u8]],
) -> Result<Arc<ServerConfig>, TlsError> {
    let builder = ServerConfig::builder_with_provider(crypto_provider());
    let builder = if tls12_only {
        builder.with_protocol_versions(&[&rustls::version::TLS12])?
    } else {
        builder.with_safe_default_protocol_versions()?
    };
    let mut config = builder
        .with_no_client_auth()
        .with_single_cert(certified.chain, certified.key)?;
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(Arc::new(config))
}
