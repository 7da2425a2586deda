//! Leaf certificates as a client sees them: valid for the names asked for and no others, expired, not yet
//! valid, self-signed, and with or without the intermediate that issued them.

mod common;

use std::net::IpAddr;
use std::time::SystemTime;

use common::{TempDir, certificate_error, verify};
use httpstatus_tls::rustls::CertificateError;
use httpstatus_tls::{DAY, LeafSpec, LocalCa, issue_self_signed};

fn ca(temp: &TempDir) -> LocalCa {
    LocalCa::load_or_create(temp.path()).unwrap()
}

#[test]
fn a_localhost_leaf_is_valid_for_localhost_and_both_loopback_addresses() {
    let temp = TempDir::new("localhost");
    let ca = ca(&temp);
    let leaf = ca.issue(&LeafSpec::localhost()).unwrap();
    assert_eq!(leaf.chain.len(), 1, "the CA is left out by default");
    for name in ["localhost", "127.0.0.1", "::1"] {
        verify(ca.cert_der(), &leaf, name).unwrap_or_else(|error| panic!("{name}: {error}"));
    }
}

#[test]
fn a_localhost_leaf_is_not_valid_for_another_name() {
    let temp = TempDir::new("other-name");
    let ca = ca(&temp);
    let leaf = ca.issue(&LeafSpec::localhost()).unwrap();
    for name in ["example.org", "127.0.0.2"] {
        let error = certificate_error(verify(ca.cert_der(), &leaf, name));
        assert!(
            matches!(
                error,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn names_and_addresses_given_are_the_ones_that_verify() {
    let temp = TempDir::new("names");
    let ca = ca(&temp);
    let spec = LeafSpec::for_names(
        vec!["*.status.test".to_owned()],
        vec![IpAddr::from([192, 0, 2, 7])],
    );
    let leaf = ca.issue(&spec).unwrap();
    verify(ca.cert_der(), &leaf, "expired.status.test").unwrap();
    verify(ca.cert_der(), &leaf, "192.0.2.7").unwrap();
    assert!(verify(ca.cert_der(), &leaf, "localhost").is_err());
}

/// What a client that trusts the CA says of a localhost leaf valid from `not_before` to `not_after`.
fn validity_error(not_before: SystemTime, not_after: SystemTime) -> CertificateError {
    let temp = TempDir::new("validity");
    let ca = ca(&temp);
    let spec = LeafSpec {
        not_before,
        not_after,
        ..LeafSpec::localhost()
    };
    certificate_error(verify(
        ca.cert_der(),
        &ca.issue(&spec).unwrap(),
        "localhost",
    ))
}

#[test]
fn an_expired_leaf_fails_as_expired() {
    let now = SystemTime::now();
    let error = validity_error(now - 30 * DAY, now - DAY);
    assert!(
        matches!(
            error,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        ),
        "{error:?}"
    );
}

#[test]
fn a_leaf_from_the_future_fails_as_not_yet_valid() {
    let now = SystemTime::now();
    let error = validity_error(now + DAY, now + 30 * DAY);
    let not_yet = matches!(
        error,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
    );
    assert!(not_yet, "{error:?}");
}

#[test]
fn a_self_signed_leaf_fails_with_an_unknown_issuer() {
    let temp = TempDir::new("self-signed");
    let ca = ca(&temp);
    let leaf = issue_self_signed(&LeafSpec::localhost()).unwrap();
    assert_eq!(
        certificate_error(verify(ca.cert_der(), &leaf, "localhost")),
        CertificateError::UnknownIssuer
    );
    // Trusted as its own anchor, the same certificate is fine: only its issuer was unknown.
    verify(&leaf.chain[0], &leaf, "localhost").unwrap();
}

#[test]
fn the_ca_follows_the_leaf_when_asked_for() {
    let temp = TempDir::new("with-ca");
    let ca = ca(&temp);
    let leaf = ca
        .issue(&LeafSpec {
            include_ca: true,
            ..LeafSpec::localhost()
        })
        .unwrap();
    assert_eq!(leaf.chain.len(), 2);
    assert_eq!(&leaf.chain[1], ca.cert_der());
    verify(ca.cert_der(), &leaf, "localhost").unwrap();
}

#[test]
fn a_leaf_from_an_intermediate_verifies_only_with_the_intermediate_in_the_chain() {
    let temp = TempDir::new("intermediate");
    let ca = ca(&temp);
    let intermediate = ca
        .issue_intermediate("httpstatus test intermediate")
        .unwrap();

    let complete = intermediate
        .issue(&LeafSpec {
            include_ca: true,
            ..LeafSpec::localhost()
        })
        .unwrap();
    assert_eq!(&complete.chain[1], intermediate.cert_der());
    verify(ca.cert_der(), &complete, "localhost").unwrap();

    let incomplete = intermediate.issue(&LeafSpec::localhost()).unwrap();
    assert_eq!(incomplete.chain.len(), 1);
    assert_eq!(
        certificate_error(verify(ca.cert_der(), &incomplete, "localhost")),
        CertificateError::UnknownIssuer
    );
}

#[test]
fn every_leaf_has_a_key_of_its_own() {
    let temp = TempDir::new("fresh");
    let ca = ca(&temp);
    let first = ca.issue(&LeafSpec::localhost()).unwrap();
    let second = ca.issue(&LeafSpec::localhost()).unwrap();
    assert_ne!(first.key.secret_der(), second.key.secret_der());
    assert_ne!(first.chain[0], second.chain[0]);
}

#[test]
fn a_leaf_is_a_server_certificate_that_cannot_sign_others() {
    let temp = TempDir::new("leaf-fields");
    let ca = ca(&temp);
    let leaf = ca.issue(&LeafSpec::localhost()).unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf.chain[0]).unwrap();
    let (_, ca_cert) = x509_parser::parse_x509_certificate(ca.cert_der()).unwrap();
    assert_eq!(cert.issuer(), ca_cert.subject());
    assert!(
        !cert
            .basic_constraints()
            .unwrap()
            .expect("basic constraints")
            .value
            .ca
    );
    let usage = cert.key_usage().unwrap().expect("key usage").value;
    assert!(usage.digital_signature() && !usage.key_cert_sign());
    let extended = cert
        .extended_key_usage()
        .unwrap()
        .expect("extended key usage")
        .value;
    assert!(extended.server_auth && !extended.client_auth);
    let names = cert
        .subject_alternative_name()
        .unwrap()
        .expect("subject alternative names");
    let names: Vec<String> = names
        .value
        .general_names
        .iter()
        .map(|name| name.to_string())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names[0].contains("localhost"), "{names:?}");
    assert_eq!(
        cert.subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap(),
        "localhost"
    );
}
