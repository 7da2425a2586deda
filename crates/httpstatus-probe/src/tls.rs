//! TLS with rustls (ring): the trust store (the platform's, or a CA file), a verifier that records what went
//! wrong instead of only failing (so that a failed handshake can still show the chain, and `--insecure` can
//! complete the exchange and report the failure), and the TLS section of the transcript.

use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::certs;
use crate::record::TlsRecord;
use crate::request::{ProbeError, Protocol, TlsOptions};

/// What the verifier saw: the chain and its verdict.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The verification failure, if any.
    pub error: Option<rustls::Error>,
}

/// Verifies like the standard WebPKI verifier, records the result, and accepts anyway when insecure.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    seen: Arc<Mutex<Seen>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.error = result.as_ref().err().cloned();
        }
        match result {
            Err(_) if self.insecure => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The trust anchors: every certificate in the CA file, or the platform's store.
pub(crate) struct Trust {
    pub roots: RootCertStore,
    /// For the report: where the roots came from.
    pub description: String,
}

/// Loads the trust anchors the options ask for.
pub(crate) fn load_trust(options: &TlsOptions) -> Result<Trust, ProbeError> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &options.ca_file {
        let shown = path.display().to_string();
        let bytes =
            std::fs::read(path).map_err(|e| ProbeError::CaFile(shown.clone(), e.to_string()))?;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert = cert.map_err(|e| ProbeError::CaFile(shown.clone(), e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| ProbeError::CaFile(shown.clone(), e.to_string()))?;
        }
        if roots.is_empty() {
            return Err(ProbeError::CaFileEmpty(shown));
        }
        return Ok(Trust {
            description: format!("{shown} ({})", count(roots.len())),
            roots,
        });
    }
    let found = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    Ok(Trust {
        description: format!("platform store ({})", count(added)),
        roots,
    })
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 certificate".into()
    } else {
        format!("{n} certificates")
    }
}

/// A client configuration that offers the ALPN protocols for `protocol` and records verification in `seen`.
pub(crate) fn client_config(
    trust: Trust,
    options: &TlsOptions,
    protocol: Protocol,
    seen: Arc<Mutex<Seen>>,
) -> Result<ClientConfig, String> {
    // rustls 0.23.48 deprecates ring's provider for lacking post-quantum key exchange; the project keeps ring
    // (no C toolchain), as the server does.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = Arc::new(trust.roots);
    let inner = if roots.is_empty() {
        // An empty store cannot build a verifier; an impossible root makes every chain fail as unknown issuer.
        WebPkiServerVerifier::builder_with_provider(
            Arc::new(empty_store_stand_in()),
            provider.clone(),
        )
        .build()
    } else {
        WebPkiServerVerifier::builder_with_provider(roots, provider.clone()).build()
    }
    .map_err(|e| format!("cannot set up certificate verification: {e}"))?;
    let verifier = Arc::new(RecordingVerifier {
        inner,
        insecure: options.insecure,
        seen,
    });
    let mut config = ClientConfig::builder_with_provider(provider as Arc<CryptoProvider>)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = match protocol {
        Protocol::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        Protocol::Http1 => vec![b"http/1.1".to_vec()],
        Protocol::Http2 => vec![b"h2".to_vec()],
    };
    Ok(config)
}

/// A store with one self-made root that no server chains to.
fn empty_store_stand_in() -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.roots.push(rustls::pki_types::TrustAnchor {
        subject: b"\x30\x00".as_slice().into(),
        subject_public_key_info: b"\x30\x00".as_slice().into(),
        name_constraints: None,
    });
    store
}

/// The TLS section from a finished (or failed) handshake.
pub(crate) fn record(
    session: Option<&rustls::ClientConnection>,
    host: &str,
    sni: Option<&str>,
    seen: &Seen,
    trust: String,
) -> TlsRecord {
    let mut record = TlsRecord {
        sni: sni.map(str::to_owned),
        trust,
        ..TlsRecord::default()
    };
    if let Some(session) = session {
        record.version = match session.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".into(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".into(),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        };
        record.cipher_suite = session
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default();
        record.alpn = session
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned());
    }
    record.chain = seen.chain.iter().map(|c| certs::describe(c)).collect();
    record.verified = !seen.chain.is_empty() && seen.error.is_none();
    record.verdict = certs::verdict(seen.error.as_ref(), &record.chain, host);
    record
}
