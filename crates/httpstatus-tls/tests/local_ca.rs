//! The local CA on disk: creation with private modes, loading the same CA again, and clear errors for a CA
//! directory that is incomplete or damaged.

mod common;

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{TempDir, verify};
use httpstatus_tls::{CA_CERT_FILE, CA_KEY_FILE, LeafSpec, LocalCa, TlsError, issue_self_signed};

#[test]
fn a_new_ca_is_written_with_a_private_key_file_and_directory() {
    let temp = TempDir::new("create");
    let dir = temp.path().join("data/ca");
    let ca = LocalCa::load_or_create(&dir).unwrap();
    assert!(ca.was_created());
    assert_eq!(ca.dir(), dir);
    assert_eq!(ca.cert_path(), dir.join("ca.pem"));
    assert_eq!(fs::read_to_string(ca.cert_path()).unwrap(), ca.cert_pem());
    assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    let key = fs::read_to_string(dir.join("ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    let names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary files are left behind: {names:?}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |path: &std::path::Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join(CA_KEY_FILE)), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
}

#[test]
fn loading_again_gives_the_same_ca_and_its_leaves_verify_against_the_first() {
    let temp = TempDir::new("reload");
    let first = LocalCa::load_or_create(temp.path()).unwrap();
    let second = LocalCa::load_or_create(temp.path()).unwrap();
    assert!(!second.was_created());
    assert_eq!(first.cert_der(), second.cert_der());
    assert_eq!(first.cert_pem(), second.cert_pem());

    let leaf = second.issue(&LeafSpec::localhost()).unwrap();
    verify(first.cert_der(), &leaf, "localhost").unwrap();
}

#[test]
fn the_ca_is_constrained_named_and_valid_for_about_ten_years() {
    let temp = TempDir::new("params");
    let ca = LocalCa::load_or_create(temp.path()).unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(ca.cert_der()).unwrap();

    let constraints = cert
        .basic_constraints()
        .unwrap()
        .expect("basic constraints");
    assert!(constraints.critical);
    assert!(constraints.value.ca);
    let usage = cert.key_usage().unwrap().expect("key usage");
    assert!(usage.critical);
    assert!(usage.value.key_cert_sign() && usage.value.crl_sign());
    assert!(!usage.value.digital_signature());

    let common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap();
    assert!(
        common_name.starts_with("httpstatus local CA"),
        "{common_name}"
    );
    assert_eq!(cert.subject(), cert.issuer(), "the CA signs itself");

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let year = 365 * 24 * 60 * 60;
    let lifetime = cert.validity().not_after.timestamp() - now;
    assert!(
        lifetime > 9 * year && lifetime < 11 * year,
        "{lifetime} seconds"
    );
    assert!(cert.validity().not_before.timestamp() < now);
}

#[test]
fn a_certificate_without_its_key_says_to_delete_the_directory() {
    let temp = TempDir::new("no-key");
    LocalCa::load_or_create(temp.path()).unwrap();
    fs::remove_file(temp.path().join(CA_KEY_FILE)).unwrap();
    let error = LocalCa::load_or_create(temp.path()).unwrap_err();
    assert!(matches!(error, TlsError::CaIncomplete { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("ca.pem exists but"), "{message}");
    assert!(message.contains("ca-key.pem does not"), "{message}");
    assert!(
        message.contains(&format!("delete {}", temp.path().display())),
        "{message}"
    );
}

#[test]
fn a_key_without_its_certificate_is_an_error_after_a_short_wait() {
    let temp = TempDir::new("no-cert");
    LocalCa::load_or_create(temp.path()).unwrap();
    fs::remove_file(temp.path().join(CA_CERT_FILE)).unwrap();
    let error = LocalCa::load_or_create(temp.path()).unwrap_err();
    assert!(
        error.to_string().contains("ca-key.pem exists but"),
        "{error}"
    );
    assert!(
        !temp.path().join(CA_CERT_FILE).exists(),
        "nothing is created over half a CA"
    );
}

#[test]
fn a_damaged_certificate_file_is_named() {
    let temp = TempDir::new("bad-cert");
    LocalCa::load_or_create(temp.path()).unwrap();
    fs::write(temp.path().join(CA_CERT_FILE), "not a certificate\n").unwrap();
    let error = LocalCa::load_or_create(temp.path()).unwrap_err();
    match &error {
        TlsError::CaCorrupt { path, .. } => assert_eq!(path, &temp.path().join(CA_CERT_FILE)),
        other => panic!("expected CaCorrupt, got {other:?}"),
    }
    assert!(error.to_string().contains("to make a new CA"), "{error}");
}

#[test]
fn a_key_from_another_ca_is_refused() {
    let first = TempDir::new("key-a");
    let second = TempDir::new("key-b");
    LocalCa::load_or_create(first.path()).unwrap();
    LocalCa::load_or_create(second.path()).unwrap();
    fs::copy(
        second.path().join(CA_KEY_FILE),
        first.path().join(CA_KEY_FILE),
    )
    .unwrap();
    let error = LocalCa::load_or_create(first.path()).unwrap_err();
    match &error {
        TlsError::CaCorrupt { path, reason, .. } => {
            assert_eq!(path, &first.path().join(CA_KEY_FILE));
            assert!(reason.contains("not the key of ca.pem"), "{reason}");
        }
        other => panic!("expected CaCorrupt, got {other:?}"),
    }
}

#[test]
fn a_leaf_certificate_in_place_of_the_ca_is_refused() {
    let temp = TempDir::new("leaf-as-ca");
    let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
    leaf.write_pem_files(
        &temp.path().join(CA_CERT_FILE),
        &temp.path().join(CA_KEY_FILE),
    )
    .unwrap();
    let error = LocalCa::load_or_create(temp.path()).unwrap_err();
    assert!(
        error.to_string().contains("not a CA certificate"),
        "{error}"
    );
}

#[test]
fn a_ca_made_elsewhere_is_not_trusted_for_this_one() {
    let one = TempDir::new("ca-one");
    let two = TempDir::new("ca-two");
    let ca_one = LocalCa::load_or_create(one.path()).unwrap();
    let ca_two = LocalCa::load_or_create(two.path()).unwrap();
    let subject = |ca: &LocalCa| {
        let (_, cert) = x509_parser::parse_x509_certificate(ca.cert_der()).unwrap();
        cert.subject().to_string()
    };
    assert_ne!(
        subject(&ca_one),
        subject(&ca_two),
        "each CA has a name of its own"
    );
    assert!(
        subject(&ca_one).contains("OU=created "),
        "{}",
        subject(&ca_one)
    );
    let leaf = ca_two.issue(&LeafSpec::localhost()).unwrap();
    let outcome = common::certificate_error(verify(ca_one.cert_der(), &leaf, "localhost"));
    assert_eq!(
        outcome,
        httpstatus_tls::rustls::CertificateError::UnknownIssuer
    );
}

#[test]
fn processes_starting_together_end_up_with_one_ca() {
    let temp = TempDir::new("race");
    let dir = temp.path().join("ca");
    let cas: Vec<LocalCa> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| LocalCa::load_or_create(&dir).unwrap()))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(cas.iter().filter(|ca| ca.was_created()).count(), 1);
    for ca in &cas {
        assert_eq!(ca.cert_der(), cas[0].cert_der());
        assert_eq!(fs::read_to_string(ca.cert_path()).unwrap(), ca.cert_pem());
    }
    let leaf = cas[3].issue(&LeafSpec::localhost()).unwrap();
    verify(
        LocalCa::load_or_create(&dir).unwrap().cert_der(),
        &leaf,
        "localhost",
    )
    .unwrap();
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary files are left behind"
    );
}
