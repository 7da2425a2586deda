//! The broken-TLS hosts on one HTTPS port, chosen by SNI: a rustls client that trusts the local CA fails on
//! each with the error its one mistake causes, and succeeds on `localhost` and on `tls12-only.localhost`
//! (where it gets TLS 1.2, and a TLS 1.3-only client fails).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use httpstatus_live::Live;
use httpstatus_server::{Config, Listener};
use httpstatus_tls::rustls::pki_types::{CertificateDer, ServerName};
use httpstatus_tls::rustls::{self, CertificateError, ClientConfig, RootCertStore};
use httpstatus_tls::{ALPN_H2, ALPN_HTTP_1_1, BROKEN_HOSTS, LeafSpec, LocalCa};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

/// Starts the engine with the main certificate and every broken host; returns the port's address and the CA.
async fn start(dir: &std::path::Path) -> (SocketAddr, CertificateDer<'static>) {
    let ca = LocalCa::load_or_create(dir).unwrap();
    let alpn = [ALPN_H2, ALPN_HTTP_1_1];
    let leaf = ca.issue(&LeafSpec::localhost()).unwrap();
    let main = httpstatus_tls::server_config(leaf.chain, leaf.key, &alpn).unwrap();
    let by_name: HashMap<_, _> = httpstatus_tls::broken_hosts(&ca, &alpn)
        .unwrap()
        .into_iter()
        .map(|host| (host.name.to_owned(), host.config))
        .collect();
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let listeners = vec![Listener::tls_with_names(tcp, main, by_name)];
    tokio::spawn(async move {
        let config = Config {
            access_log: false,
            ..Config::default()
        };
        let _ = httpstatus_server::serve(
            listeners,
            config,
            Arc::new(Live::default()),
            std::future::pending::<()>(),
        )
        .await;
    });
    (addr, ca.cert_der().clone())
}

fn client(ca: &CertificateDer<'static>, tls13_only: bool) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let builder = ClientConfig::builder_with_provider(httpstatus_tls::crypto_provider());
    let builder = if tls13_only {
        builder.with_protocol_versions(&[&rustls::version::TLS13])
    } else {
        builder.with_safe_default_protocol_versions()
    };
    let mut config = builder
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Arc::new(config)
}

/// Connects with SNI `name` and asks for `/status/200`; returns the TLS version and the response's first
/// line, or the handshake error.
async fn get(
    addr: SocketAddr,
    name: &str,
    config: Arc<ClientConfig>,
) -> Result<(rustls::ProtocolVersion, String), std::io::Error> {
    let tcp = TcpStream::connect(addr).await?;
    let server_name = ServerName::try_from(name.to_owned()).unwrap();
    let mut tls = TlsConnector::from(config).connect(server_name, tcp).await?;
    let version = tls.get_ref().1.protocol_version().unwrap();
    let request = format!("GET /status/200 HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    Ok((version, text.lines().next().unwrap_or("").to_owned()))
}

/// The certificate error inside a failed handshake.
fn certificate_error(error: &std::io::Error) -> Option<CertificateError> {
    match error.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(inner) => Some(inner.clone()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_broken_host_fails_with_its_own_mistake() {
    let dir = std::env::temp_dir().join(format!("httpstatus-tls-hosts-{}", std::process::id()));
    let (addr, ca) = start(&dir).await;
    let trusting = client(&ca, false);

    let (version, line) = get(addr, "localhost", trusting.clone()).await.unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK");
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_3);

    assert_eq!(BROKEN_HOSTS.len(), 7);
    for (name, expected) in [
        ("expired.localhost", "Expired"),
        ("not-yet-valid.localhost", "NotValidYet"),
        ("wrong-host.localhost", "NotValidForName"),
        ("self-signed.localhost", "UnknownIssuer"),
        ("untrusted-root.localhost", "UnknownIssuer"),
        ("incomplete-chain.localhost", "UnknownIssuer"),
        // The SNI match ignores case, as DNS names do.
        ("EXPIRED.localhost", "Expired"),
    ] {
        let error = get(addr, name, trusting.clone())
            .await
            .expect_err(&format!("{name} must not verify"));
        let found = certificate_error(&error).unwrap_or_else(|| panic!("{name}: {error}"));
        let found = format!("{found:?}");
        assert!(found.starts_with(expected), "{name}: {found}");
    }

    // tls12-only: a valid certificate over TLS 1.2; a client that insists on TLS 1.3 cannot connect.
    let (version, line) = get(addr, "tls12-only.localhost", trusting.clone())
        .await
        .unwrap();
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_2);
    assert_eq!(line, "HTTP/1.1 200 OK");
    let error = get(addr, "tls12-only.localhost", client(&ca, true))
        .await
        .expect_err("TLS 1.3 only");
    assert!(
        certificate_error(&error).is_none(),
        "a version failure, not a certificate one: {error}"
    );

    // An unknown name gets the main certificate, which is for localhost.
    let error = get(addr, "unknown.localhost", trusting).await.unwrap_err();
    assert!(format!("{:?}", certificate_error(&error).unwrap()).starts_with("NotValidForName"));
    let _ = std::fs::remove_dir_all(&dir);
}
