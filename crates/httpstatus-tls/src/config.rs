//! rustls configurations for both ends, always with the `ring` provider: the server's (a chain, a key, ALPN)
//! and a client's that trusts one CA.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::TlsError;

/// The ALPN protocol identifier of HTTP/2 over TLS (RFC 9113 section 3.2).
pub const ALPN_H2: &[u8] = b"h2";
/// The ALPN protocol identifier of HTTP/1.1 (RFC 7301 section 6).
pub const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// The one crypto provider of the project: `ring`, chosen explicitly so that no process-wide default and no
/// C toolchain for aws-lc is needed.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    // rustls 0.23.48 deprecates the ring provider because ring has no post-quantum key exchange. The project
    // keeps ring on purpose (see ARCHITECTURE.md), so the deprecation is acknowledged here, in one place.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    Arc::new(provider)
}

/// A server configuration that presents `chain` (leaf first) with `key` and offers the ALPN protocols in
/// `alpn`, most preferred first (`[ALPN_H2, ALPN_HTTP_1_1]` for a server that speaks both). TLS 1.2 and 1.3;
/// no client certificates. Fails when the chain is empty or the key is not the leaf's.
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    alpn: &[&[u8]],
) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config = ServerConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(Arc::new(config))
}

/// A client configuration that trusts `ca` and nothing else (not the system's roots) and offers the ALPN
/// protocols in `alpn`: for tests and for probing a server whose CA is known.
pub fn client_config_trusting(
    ca: &CertificateDer<'_>,
    alpn: &[&[u8]],
) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone().into_owned())?;
    let mut config = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(Arc::new(config))
}

/// Checks that rustls can use `key` and that it is the key of the first certificate of `chain`.
pub(crate) fn check_key_fits(
    chain: &[CertificateDer<'static>],
    key: &PrivateKeyDer<'static>,
) -> Result<(), rustls::Error> {
    CertifiedKey::from_der(chain.to_vec(), key.clone_key(), &crypto_provider()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LeafSpec, issue_self_signed};

    #[test]
    fn the_server_offers_alpn_in_the_order_given() {
        let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
        let config = server_config(leaf.chain, leaf.key, &[ALPN_H2, ALPN_HTTP_1_1]).unwrap();
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn a_key_from_another_certificate_is_refused() {
        let first = issue_self_signed(&LeafSpec::localhost()).unwrap();
        let second = issue_self_signed(&LeafSpec::localhost()).unwrap();
        assert!(check_key_fits(&first.chain, &first.key).is_ok());
        assert!(check_key_fits(&first.chain, &second.key).is_err());
        assert!(server_config(first.chain, second.key, &[]).is_err());
    }

    #[test]
    fn an_empty_chain_is_refused() {
        let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
        assert!(matches!(
            server_config(vec![], leaf.key, &[]),
            Err(TlsError::Rustls(_))
        ));
    }

    #[test]
    fn a_client_trusts_only_the_given_ca() {
        let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
        let config = client_config_trusting(&leaf.chain[0], &[ALPN_HTTP_1_1]).unwrap();
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
        assert!(client_config_trusting(&CertificateDer::from(vec![1, 2, 3]), &[]).is_err());
    }
}
