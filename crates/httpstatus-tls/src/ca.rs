//! `LocalCa`: the certificate authority of this machine, made once and kept as `ca.pem` and `ca-key.pem` in a
//! directory, so that a user trusts it once and every later leaf is trusted too.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use rcgen::{BasicConstraints, DnType, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::authority::{Authority, ca_params};
use crate::config::check_key_fits;
use crate::leaf::DAY;
use crate::pem::{FileMode, read_file, write_file};
use crate::{ChainAndKey, IntermediateCa, LeafSpec, TlsError};

/// The CA certificate's file name in the CA directory: the file users trust.
pub const CA_CERT_FILE: &str = "ca.pem";
/// The CA private key's file name in the CA directory (mode 0600).
pub const CA_KEY_FILE: &str = "ca-key.pem";

/// The start of every CA common name; the host name follows so that a trust store with several can tell them apart.
pub const CA_NAME: &str = "httpstatus local CA";

/// How long a CA is valid: about ten years, so that users rarely trust a new one.
const CA_LIFETIME: Duration = Duration::from_secs(3650 * 24 * 60 * 60);

/// How long to wait for `ca.pem` when `ca-key.pem` is there without it: another process may be creating the CA
/// this very moment (it links the key in first, then renames the certificate into place).
const CREATION_GRACE: Duration = Duration::from_secs(2);

/// The local certificate authority.
pub struct LocalCa {
    /// The directory that holds `ca.pem` and `ca-key.pem`.
    dir: PathBuf,
    /// `<dir>/ca.pem`, kept for messages and trust instructions.
    cert_path: PathBuf,
    /// The certificate as it is in `ca.pem`.
    cert_pem: String,
    /// The certificate and the key that signs leaves.
    authority: Authority,
    /// Whether this call made the CA (so the caller can tell the user to trust it) or found it.
    created: bool,
}

impl LocalCa {
    /// Loads the CA from `dir`, or makes one there if `dir` holds neither file. A new directory gets mode 0700
    /// and the key mode 0600 from the moment they exist. One file without the other, or a file that is not what
    /// it should be, is an error that says to delete the directory.
    pub fn load_or_create(dir: &Path) -> Result<LocalCa, TlsError> {
        create_private_dir(dir)?;
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => LocalCa::load(dir),
            (false, false) => LocalCa::create(dir),
            (true, false) => Err(incomplete(dir, &cert_path, &key_path)),
            (false, true) => {
                if wait_for(&cert_path, CREATION_GRACE) {
                    LocalCa::load(dir)
                } else {
                    Err(incomplete(dir, &key_path, &cert_path))
                }
            }
        }
    }

    fn create(dir: &Path) -> Result<LocalCa, TlsError> {
        let now = SystemTime::now();
        let name = ca_common_name(host_name().as_deref());
        let mut params = ca_params(
            &name,
            now - DAY,
            now + CA_LIFETIME,
            BasicConstraints::Unconstrained,
        );
        let key = KeyPair::generate()?;
        // Two CAs made on one host must not share a name: a client that trusts the old one would take it for
        // the issuer of the new one's leaves and report a bad signature instead of an unknown issuer.
        let created = time::OffsetDateTime::from(now).date();
        let key_id: String = params
            .key_identifier(&key)
            .iter()
            .take(4)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        params.distinguished_name.push(
            DnType::OrganizationalUnitName,
            format!("created {created}, key {key_id}"),
        );
        let cert = params.self_signed(&key)?;

        // Both files are written under names of their own first. Linking the key into place fails if another
        // process got there first, which makes that process the creator; renaming the certificate into place
        // then publishes a complete pair, never half a file.
        let suffix = format!(".{}.{}.tmp", std::process::id(), unique_number());
        let key_path = dir.join(CA_KEY_FILE);
        let cert_path = dir.join(CA_CERT_FILE);
        let key_tmp = dir.join(format!("{CA_KEY_FILE}{suffix}"));
        let cert_tmp = dir.join(format!("{CA_CERT_FILE}{suffix}"));
        write_file(&key_tmp, key.serialize_pem().as_bytes(), FileMode::Private)?;
        write_file(&cert_tmp, cert.pem().as_bytes(), FileMode::Public)?;
        let linked = fs::hard_link(&key_tmp, &key_path);
        let _ = fs::remove_file(&key_tmp);
        match linked {
            Ok(()) => fs::rename(&cert_tmp, &cert_path).map_err(|source| TlsError::Write {
                path: cert_path.clone(),
                source,
            })?,
            Err(error) => {
                let _ = fs::remove_file(&cert_tmp);
                return match error.kind() {
                    io::ErrorKind::AlreadyExists => LocalCa::load_or_create(dir),
                    _ => Err(TlsError::Write {
                        path: key_path,
                        source: error,
                    }),
                };
            }
        }
        Ok(LocalCa {
            dir: dir.to_owned(),
            cert_pem: cert.pem(),
            authority: Authority {
                cert: cert.der().clone(),
                issuer: Issuer::new(params, key),
            },
            cert_path,
            created: true,
        })
    }

    fn load(dir: &Path) -> Result<LocalCa, TlsError> {
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        let corrupt = |path: &Path, reason: String| TlsError::CaCorrupt {
            dir: dir.to_owned(),
            path: path.to_owned(),
            reason,
        };

        let cert_pem = String::from_utf8(read_file(&cert_path)?)
            .map_err(|_| corrupt(&cert_path, "not text".to_owned()))?;
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|error| corrupt(&cert_path, format!("no PEM certificate: {error}")))?;
        let key_pem = String::from_utf8(read_file(&key_path)?)
            .map_err(|_| corrupt(&key_path, "not text".to_owned()))?;
        let key = KeyPair::from_pem(&key_pem)
            .map_err(|error| corrupt(&key_path, format!("no usable PEM private key: {error}")))?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        check_key_fits(std::slice::from_ref(&cert), &key_der).map_err(|error| {
            corrupt(&key_path, format!("not the key of {CA_CERT_FILE}: {error}"))
        })?;

        let issuer = Issuer::from_ca_cert_der(&cert, key)
            .map_err(|error| corrupt(&cert_path, format!("not an X.509 certificate: {error}")))?;
        if !issuer.key_usages().contains(&KeyUsagePurpose::KeyCertSign) {
            return Err(corrupt(
                &cert_path,
                "not a CA certificate: it may not sign certificates".to_owned(),
            ));
        }
        Ok(LocalCa {
            dir: dir.to_owned(),
            cert_path,
            cert_pem,
            authority: Authority { cert, issuer },
            created: false,
        })
    }

    /// The directory that holds the CA.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/ca.pem`: the file to trust (see [`crate::trust_instructions`]).
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The CA certificate (DER), for a client configuration that trusts it.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.authority.cert
    }

    /// The CA certificate as PEM, exactly as in `ca.pem`.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Whether [`LocalCa::load_or_create`] made this CA just now rather than loading it: the moment to tell the
    /// user how to trust it.
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// A fresh key and a leaf certificate for `spec`, signed by this CA. Leaves are not stored.
    pub fn issue(&self, spec: &LeafSpec) -> Result<ChainAndKey, TlsError> {
        self.authority.issue(spec)
    }

    /// An intermediate CA signed by this one, kept in memory, for chains with an intermediate (or without it).
    pub fn issue_intermediate(&self, common_name: &str) -> Result<IntermediateCa, TlsError> {
        self.authority.issue_intermediate(common_name)
    }
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa")
            .field("cert_path", &self.cert_path)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// Creates `dir` and any missing parents, new ones with mode 0700: the key inside is a secret.
fn create_private_dir(dir: &Path) -> Result<(), TlsError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| TlsError::Write {
        path: dir.to_owned(),
        source,
    })
}

fn incomplete(dir: &Path, present: &Path, missing: &Path) -> TlsError {
    TlsError::CaIncomplete {
        dir: dir.to_owned(),
        present: present.to_owned(),
        missing: missing.to_owned(),
    }
}

/// Whether `path` exists now or appears within `grace`.
fn wait_for(path: &Path, grace: Duration) -> bool {
    let deadline = Instant::now() + grace;
    while !path.exists() {
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
    true
}

/// A number no other call in this process gets, for temporary file names.
fn unique_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// "httpstatus local CA (host)", within the 64 characters X.509 allows a common name (RFC 5280 appendix A.1).
fn ca_common_name(host: Option<&str>) -> String {
    let host: String = host
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64 - CA_NAME.len() - " ()".len())
        .collect();
    if host.is_empty() {
        CA_NAME.to_owned()
    } else {
        format!("{CA_NAME} ({host})")
    }
}

/// This machine's host name, from the kernel, `/etc/hostname` or the environment, if any says.
fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| fs::read_to_string(path).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_name_carries_the_host_and_fits_in_64_characters() {
        assert_eq!(
            ca_common_name(Some("build-7")),
            "httpstatus local CA (build-7)"
        );
        assert_eq!(ca_common_name(None), "httpstatus local CA");
        assert_eq!(ca_common_name(Some(" \n")), "httpstatus local CA");
        let long = ca_common_name(Some(&"h".repeat(200)));
        assert_eq!(long.len(), 64);
        assert!(long.ends_with("h)"));
    }

    #[test]
    fn waiting_for_a_missing_file_gives_up_after_the_grace_period() {
        let start = Instant::now();
        assert!(!wait_for(
            Path::new("/nonexistent/httpstatus/ca.pem"),
            Duration::from_millis(60)
        ));
        assert!(start.elapsed() >= Duration::from_millis(60));
        assert!(wait_for(Path::new("/"), Duration::ZERO));
    }
}
