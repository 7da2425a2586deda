//! The probe over HTTPS against rustls servers made in the test, with good and deliberately broken certificates
//! (expired, not yet valid, wrong name, self-signed, unknown issuer, missing intermediate): the verdict in
//! words, the chain shown even when the handshake fails, and `--insecure` completing the exchange.

mod common;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// Keeps validity dates away from whole-day boundaries, which certificates round to the second.
const HOUR: Duration = Duration::from_secs(3600);

use common::{request, statuses, tls_server};
use httpstatus_probe::{Protocol, Transcript, probe};
use httpstatus_tls::{DAY, LeafSpec, LocalCa, issue_self_signed};

/// A fresh local CA in a directory of its own.
fn new_ca(name: &str) -> LocalCa {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "httpstatus-probe-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    LocalCa::load_or_create(&dir).unwrap()
}

fn probe_with(ca: &LocalCa, port: u16, insecure: bool, protocol: Protocol) -> Transcript {
    let mut request = request(&format!("https://localhost:{port}/"));
    request.tls.ca_file = Some(ca.cert_path().to_owned());
    request.tls.insecure = insecure;
    request.protocol = protocol;
    probe(&request)
}

#[test]
fn a_good_certificate_over_h2_and_http1() {
    let ca = new_ca("good");
    let port = tls_server(&ca.issue(&LeafSpec::localhost()).unwrap());

    let t = probe_with(&ca, port, false, Protocol::Auto);
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/2");
    assert_eq!(statuses(&t), [103, 102, 200]);
    let tls = t.tls.as_ref().unwrap();
    assert!(tls.verified, "{tls:?}");
    assert_eq!(tls.verdict, "valid");
    assert_eq!(
        (tls.alpn.as_deref(), tls.sni.as_deref()),
        (Some("h2"), Some("localhost"))
    );
    assert!(tls.version.starts_with("TLSv1."), "{}", tls.version);
    assert!(!tls.cipher_suite.is_empty());
    let leaf = &tls.chain[0];
    assert!(
        leaf.sans.contains(&"localhost".to_owned()) && leaf.sans.contains(&"127.0.0.1".to_owned())
    );
    assert!((360..=366).contains(&leaf.days_left), "{leaf:?}");
    assert!(!leaf.key.is_empty() && leaf.subject.contains("localhost"));
    assert!(t.timings.as_ref().unwrap().tls_ms > 0.0);
    common::assert_timings_add_up(&t);
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);

    let t = probe_with(&ca, port, false, Protocol::Http1);
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/1.1");
    assert_eq!(t.tls.as_ref().unwrap().alpn.as_deref(), Some("http/1.1"));
    assert_eq!(statuses(&t), [103, 200]);

    // The platform store does not know the local CA.
    let mut request = request(&format!("https://localhost:{port}/"));
    request.protocol = Protocol::Http2;
    let t = probe(&request);
    assert!(t.final_response.is_none());
    assert!(t.tls.as_ref().unwrap().trust.starts_with("platform store"));
}

#[test]
fn broken_certificates_are_explained() {
    let ca = new_ca("broken");
    let now = SystemTime::now();
    let expired = LeafSpec {
        not_before: now - 30 * DAY,
        not_after: now - 3 * DAY - HOUR,
        ..LeafSpec::localhost()
    };
    let not_yet = LeafSpec {
        not_before: now + 2 * DAY,
        not_after: now + 30 * DAY,
        ..LeafSpec::localhost()
    };
    let wrong_name = LeafSpec::for_names(vec!["other.example".into()], Vec::new());
    let stranger = new_ca("stranger");
    let intermediate = ca
        .issue_intermediate("httpstatus test intermediate")
        .unwrap();
    let cases = [
        ("expired", ca.issue(&expired).unwrap(), "expired 3 days ago"),
        (
            "not yet valid",
            ca.issue(&not_yet).unwrap(),
            "not valid yet: valid from ",
        ),
        (
            "wrong name",
            ca.issue(&wrong_name).unwrap(),
            "name mismatch: certificate is for other.example, not localhost",
        ),
        (
            "self-signed",
            issue_self_signed(&LeafSpec::localhost()).unwrap(),
            "self-signed",
        ),
        (
            "unknown issuer",
            stranger
                .issue(&LeafSpec {
                    include_ca: true,
                    ..LeafSpec::localhost()
                })
                .unwrap(),
            "unknown issuer: the chain ends at ",
        ),
        (
            "missing intermediate",
            intermediate.issue(&LeafSpec::localhost()).unwrap(),
            "chain incomplete",
        ),
    ];
    for (name, chain, verdict) in cases {
        let port = tls_server(&chain);
        let t = probe_with(&ca, port, false, Protocol::Auto);
        assert!(t.final_response.is_none(), "{name}: a response arrived");
        let tls = t
            .tls
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no TLS section"));
        assert!(!tls.verified, "{name}");
        assert!(tls.verdict.starts_with(verdict), "{name}: {}", tls.verdict);
        assert!(!tls.chain.is_empty(), "{name}: the chain is shown");
        let error = t.error.as_deref().unwrap();
        assert!(error.contains(verdict), "{name}: {error}");

        let t = probe_with(&ca, port, true, Protocol::Auto);
        assert_eq!(t.error, None, "{name} with --insecure");
        assert_eq!(statuses(&t), [103, 102, 200], "{name} with --insecure");
        assert!(!t.tls.as_ref().unwrap().verified);
        common::assert_warned(&t, "does not verify");
        assert!(t.warnings.iter().any(|w| w.page == "/526"), "{name}");
    }

    // The same intermediate, sent by the server: the chain verifies.
    let port = tls_server(
        &intermediate
            .issue(&LeafSpec {
                include_ca: true,
                ..LeafSpec::localhost()
            })
            .unwrap(),
    );
    let t = probe_with(&ca, port, false, Protocol::Auto);
    assert_eq!(t.error, None);
    assert_eq!(t.tls.as_ref().unwrap().chain.len(), 2);
}

#[test]
fn a_certificate_about_to_expire_is_a_warning() {
    let ca = new_ca("soon");
    let soon = LeafSpec {
        not_after: SystemTime::now() + 5 * DAY - HOUR,
        ..LeafSpec::localhost()
    };
    let port = tls_server(&ca.issue(&soon).unwrap());
    let t = probe_with(&ca, port, false, Protocol::Auto);
    assert_eq!(t.error, None);
    common::assert_warned(&t, "expires in 4 days");
}

#[test]
fn a_redirect_from_https_to_http_is_a_warning() {
    let ca = new_ca("downgrade");
    let port = tls_server(&ca.issue(&LeafSpec::localhost()).unwrap());
    let mut request = request(&format!("https://localhost:{port}/to-http"));
    request.tls.ca_file = Some(ca.cert_path().to_owned());
    request.follow = Some(3);
    let t = probe(&request);
    assert_eq!(t.hops.len(), 1);
    assert_eq!(t.hops[0].responses[0].status, 301);
    assert_eq!(t.url, "http://127.0.0.1:9/");
    common::assert_warned(&t, "goes from https to http");
}
