//! `load_pem_chain`: PEM files written from a leaf read back the same, and files without what is needed give
//! the documented errors.

mod common;

use std::fs;

use common::TempDir;
use httpstatus_tls::{LeafSpec, LocalCa, TlsError, issue_self_signed, load_pem_chain};

#[test]
fn files_written_from_a_leaf_load_back_unchanged() {
    let temp = TempDir::new("round-trip");
    let ca = LocalCa::load_or_create(&temp.path().join("ca")).unwrap();
    let leaf = ca
        .issue(&LeafSpec {
            include_ca: true,
            ..LeafSpec::localhost()
        })
        .unwrap();
    let (cert_file, key_file) = (temp.path().join("cert.pem"), temp.path().join("key.pem"));
    leaf.write_pem_files(&cert_file, &key_file).unwrap();

    let loaded = load_pem_chain(&cert_file, &key_file).unwrap();
    assert_eq!(loaded.chain, leaf.chain);
    assert_eq!(loaded.key.secret_der(), leaf.key.secret_der());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn one_file_may_hold_both_the_chain_and_the_key() {
    let temp = TempDir::new("combined");
    let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
    let both = temp.path().join("both.pem");
    fs::write(&both, format!("{}{}", leaf.key_pem(), leaf.chain_pem())).unwrap();
    let loaded = load_pem_chain(&both, &both).unwrap();
    assert_eq!(loaded.chain, leaf.chain);
}

#[test]
fn a_file_without_a_key_names_the_file_and_the_forms_expected() {
    let temp = TempDir::new("no-key");
    let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
    let cert_file = temp.path().join("cert.pem");
    fs::write(&cert_file, leaf.chain_pem()).unwrap();
    let error = load_pem_chain(&cert_file, &cert_file).unwrap_err();
    assert!(matches!(error, TlsError::NoPrivateKey { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "no private key found in {} (expected PKCS#8, PKCS#1 or SEC1 PEM)",
            cert_file.display()
        )
    );
}

#[test]
fn a_file_without_a_certificate_names_the_file() {
    let temp = TempDir::new("no-cert");
    let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
    let key_file = temp.path().join("key.pem");
    fs::write(&key_file, leaf.key_pem()).unwrap();
    let error = load_pem_chain(&key_file, &key_file).unwrap_err();
    assert!(matches!(error, TlsError::NoCertificate { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("no certificate found in {}", key_file.display())),
        "{error}"
    );
}

#[test]
fn a_key_that_belongs_to_another_certificate_is_refused() {
    let temp = TempDir::new("mismatch");
    let first = issue_self_signed(&LeafSpec::localhost()).unwrap();
    let second = issue_self_signed(&LeafSpec::localhost()).unwrap();
    let (cert_file, key_file) = (temp.path().join("cert.pem"), temp.path().join("key.pem"));
    fs::write(&cert_file, first.chain_pem()).unwrap();
    fs::write(&key_file, second.key_pem()).unwrap();
    let error = load_pem_chain(&cert_file, &key_file).unwrap_err();
    assert!(matches!(error, TlsError::KeyMismatch { .. }), "{error:?}");
    assert!(
        error.to_string().contains("does not fit the certificate"),
        "{error}"
    );
}

#[test]
fn a_missing_file_and_broken_pem_are_named() {
    let temp = TempDir::new("broken");
    let missing = temp.path().join("missing.pem");
    let error = load_pem_chain(&missing, &missing).unwrap_err();
    assert!(matches!(error, TlsError::Read { .. }), "{error:?}");
    assert!(error.to_string().contains("missing.pem"), "{error}");

    let truncated = temp.path().join("truncated.pem");
    fs::write(&truncated, "-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
    let error = load_pem_chain(&truncated, &truncated).unwrap_err();
    assert!(matches!(error, TlsError::BadPem { .. }), "{error:?}");
}
