//! PEM files: reading a certificate chain and its key (`load_pem_chain`), writing PEM, and writing key files
//! that only their owner can read.

use std::fs;
use std::io::Write;
use std::path::Path;

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::check_key_fits;
use crate::{ChainAndKey, TlsError};

/// Reads a certificate chain (leaf first, as servers expect) and its private key from PEM files, and checks that
/// the key is the leaf's. The two paths may name the same file when it holds both.
pub fn load_pem_chain(cert_file: &Path, key_file: &Path) -> Result<ChainAndKey, TlsError> {
    let cert_bytes = read_file(cert_file)?;
    let chain = CertificateDer::pem_slice_iter(&cert_bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| bad_pem(cert_file, error))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: cert_file.to_owned(),
        });
    }
    let key_bytes = read_file(key_file)?;
    let key = PrivateKeyDer::from_pem_slice(&key_bytes).map_err(|error| match error {
        pem::Error::NoItemsFound => TlsError::NoPrivateKey {
            path: key_file.to_owned(),
        },
        other => bad_pem(key_file, other),
    })?;
    check_key_fits(&chain, &key).map_err(|error| TlsError::KeyMismatch {
        cert: cert_file.to_owned(),
        key: key_file.to_owned(),
        reason: error.to_string(),
    })?;
    Ok(ChainAndKey { chain, key })
}

fn bad_pem(path: &Path, error: pem::Error) -> TlsError {
    TlsError::BadPem {
        path: path.to_owned(),
        reason: error.to_string(),
    }
}

/// The whole of a file, or an error naming it.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, TlsError> {
    fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Who may read a file this crate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileMode {
    /// Certificates: anyone (mode 0644 on Unix, less whatever the umask removes).
    Public,
    /// Private keys: the owner only (mode 0600 on Unix, set when the file is created, so that there is no moment
    /// when others can read it).
    Private,
}

/// Writes `contents` to `path`, creating or replacing it. A private file keeps mode 0600 even when it existed
/// before with a wider one.
pub(crate) fn write_file(path: &Path, contents: &[u8], mode: FileMode) -> Result<(), TlsError> {
    let write_error = |source| TlsError::Write {
        path: path.to_owned(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if mode == FileMode::Private {
            options.mode(0o600);
            if path.exists() {
                fs::set_permissions(path, fs::Permissions::from_mode(0o600))
                    .map_err(write_error)?;
            }
        }
    }
    let mut file = options.open(path).map_err(write_error)?;
    file.write_all(contents).map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

/// A PEM block: `-----BEGIN label-----`, the base64 of `der` in lines of 64, `-----END label-----`.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A private key as PEM, with the label of its form.
pub(crate) fn key_pem(key: &PrivateKeyDer<'_>) -> String {
    let label = match key {
        PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
        PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
        _ => "PRIVATE KEY",
    };
    pem_encode(label, key.secret_der())
}

/// Standard base64 with padding (RFC 4648 section 4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= group.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn pem_blocks_wrap_at_64_columns_and_parse_back() {
        let der: Vec<u8> = (0..=255).collect();
        let text = pem_encode("CERTIFICATE", &der);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN CERTIFICATE-----"));
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        assert!(
            lines[1..lines.len() - 1]
                .iter()
                .all(|line| line.len() <= 64)
        );
        assert_eq!(lines[1].len(), 64);
        let parsed = CertificateDer::from_pem_slice(text.as_bytes()).unwrap();
        assert_eq!(parsed.as_ref(), der.as_slice());
    }

    #[test]
    fn key_labels_follow_the_key_form() {
        let sec1 = PrivateKeyDer::Sec1(vec![1, 2, 3].into());
        let text = key_pem(&sec1);
        assert!(
            text.starts_with("-----BEGIN EC PRIVATE KEY-----\n"),
            "{text}"
        );
        let parsed = PrivateKeyDer::from_pem_slice(text.as_bytes()).unwrap();
        assert!(matches!(parsed, PrivateKeyDer::Sec1(_)));
        let pkcs1 = PrivateKeyDer::Pkcs1(vec![4].into());
        assert!(key_pem(&pkcs1).starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    }
}
