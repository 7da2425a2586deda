//! `TlsError`: everything that can go wrong with certificates, keys and TLS configuration.

use std::io;
use std::path::PathBuf;

/// What went wrong, with the file concerned and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file or directory could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// A file or directory could not be written.
    #[error(
        "could not write {path}: {source}; check that the directory is writable, or set HTTPSTATUS_DATA_DIR to another one"
    )]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// One of the two files of the local CA exists and the other does not.
    #[error(
        "the local CA in {dir} is incomplete: {present} exists but {missing} does not; delete {dir} to make a new CA, then trust the new ca.pem"
    )]
    CaIncomplete {
        /// The CA directory.
        dir: PathBuf,
        /// The file that is there.
        present: PathBuf,
        /// The file that is not.
        missing: PathBuf,
    },

    /// A file of the local CA is there but cannot be used.
    #[error(
        "the local CA file {path} is unusable ({reason}); delete {dir} to make a new CA, then trust the new ca.pem"
    )]
    CaCorrupt {
        /// The CA directory.
        dir: PathBuf,
        /// The file that is wrong.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },

    /// A PEM file holds no certificate.
    #[error("no certificate found in {path} (expected a PEM block \"BEGIN CERTIFICATE\")")]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },

    /// A PEM file holds no private key.
    #[error("no private key found in {path} (expected PKCS#8, PKCS#1 or SEC1 PEM)")]
    NoPrivateKey {
        /// The file.
        path: PathBuf,
    },

    /// A file is not well-formed PEM.
    #[error(
        "{path} is not valid PEM ({reason}); check that it is the PEM file and not DER or another format"
    )]
    BadPem {
        /// The file.
        path: PathBuf,
        /// What the PEM parser said.
        reason: String,
    },

    /// The private key is not the one of the certificate, or rustls cannot use it.
    #[error(
        "the private key in {key} does not fit the certificate in {cert} ({reason}); check that the two files belong together"
    )]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls said.
        reason: String,
    },

    /// A name asked for in a certificate cannot go into one.
    #[error(
        "{name:?} cannot be a DNS name in a certificate; use ASCII letters, digits, '-', '.' and '*' (punycode for other scripts)"
    )]
    InvalidDnsName {
        /// The name as given.
        name: String,
    },

    /// rcgen could not make a key or a certificate.
    #[error("could not make a certificate: {0}")]
    Generate(#[from] rcgen::Error),

    /// rustls refused the configuration (an empty chain, a key it cannot use, a bad trust anchor).
    #[error("could not set up TLS: {0}")]
    Rustls(#[from] rustls::Error),
}
