//! Helpers shared by the integration tests: a temporary directory and certificate verification as a client does it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use httpstatus_tls::rustls::client::WebPkiServerVerifier;
use httpstatus_tls::rustls::client::danger::ServerCertVerifier;
use httpstatus_tls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use httpstatus_tls::rustls::{CertificateError, Error, RootCertStore};
use httpstatus_tls::{ChainAndKey, crypto_provider};

/// A directory under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let unique = format!(
            "httpstatus-tls-{label}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a client that trusts `ca` concludes about `leaf` presented for `name`, now.
pub fn verify(ca: &CertificateDer<'static>, leaf: &ChainAndKey, name: &str) -> Result<(), Error> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let verifier = WebPkiServerVerifier::builder_with_provider(roots.into(), crypto_provider())
        .build()
        .unwrap();
    let name = ServerName::try_from(name.to_owned()).unwrap();
    verifier
        .verify_server_cert(
            &leaf.chain[0],
            &leaf.chain[1..],
            &name,
            &[],
            UnixTime::now(),
        )
        .map(|_| ())
}

/// The certificate error inside a rustls error, for matching.
pub fn certificate_error(result: Result<(), Error>) -> CertificateError {
    match result {
        Err(Error::InvalidCertificate(error)) => error,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}
