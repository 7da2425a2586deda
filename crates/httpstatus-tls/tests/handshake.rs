//! A real TLS handshake in memory between `server_config` and `client_config_trusting`: ALPN, data both ways,
//! and a client that does not trust the server's CA.

mod common;

use std::io::{Read, Write};

use common::TempDir;
use httpstatus_tls::rustls::pki_types::ServerName;
use httpstatus_tls::rustls::{self, ClientConnection, Connection, ServerConnection};
use httpstatus_tls::{
    ALPN_H2, ALPN_HTTP_1_1, LeafSpec, LocalCa, client_config_trusting, server_config,
};

/// Moves every TLS record `from` has to send into `to`, and lets `to` process them.
fn pump(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut bytes = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut bytes).unwrap();
    }
    let mut unread = bytes.as_slice();
    while !unread.is_empty() {
        to.read_tls(&mut unread).unwrap();
        to.process_new_packets()?;
    }
    Ok(())
}

/// Runs the handshake to its end, or to the first error either side reports.
fn handshake(client: &mut Connection, server: &mut Connection) -> Result<(), rustls::Error> {
    for _ in 0..10 {
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(());
        }
        pump(client, server)?;
        pump(server, client)?;
    }
    panic!("the handshake did not finish in 10 round trips");
}

fn connect(
    ca_for_server: &LocalCa,
    ca_for_client: &LocalCa,
    server_alpn: &[&[u8]],
    client_alpn: &[&[u8]],
) -> (Connection, Connection, Result<(), rustls::Error>) {
    let leaf = ca_for_server.issue(&LeafSpec::localhost()).unwrap();
    let server_config = server_config(leaf.chain, leaf.key, server_alpn).unwrap();
    let client_config = client_config_trusting(ca_for_client.cert_der(), client_alpn).unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut client = Connection::from(ClientConnection::new(client_config, name).unwrap());
    let mut server = Connection::from(ServerConnection::new(server_config).unwrap());
    let outcome = handshake(&mut client, &mut server);
    (client, server, outcome)
}

#[test]
fn client_and_server_agree_on_h2_and_exchange_data() {
    let temp = TempDir::new("handshake-h2");
    let ca = LocalCa::load_or_create(temp.path()).unwrap();
    let (mut client, mut server, outcome) = connect(
        &ca,
        &ca,
        &[ALPN_H2, ALPN_HTTP_1_1],
        &[ALPN_H2, ALPN_HTTP_1_1],
    );
    outcome.unwrap();
    assert_eq!(client.alpn_protocol(), Some(ALPN_H2));
    assert_eq!(server.alpn_protocol(), Some(ALPN_H2));

    client
        .writer()
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .unwrap();
    pump(&mut client, &mut server).unwrap();
    let mut received = [0; 24];
    server.reader().read_exact(&mut received).unwrap();
    assert_eq!(&received, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    server.writer().write_all(b"hello").unwrap();
    pump(&mut server, &mut client).unwrap();
    let mut received = [0; 5];
    client.reader().read_exact(&mut received).unwrap();
    assert_eq!(&received, b"hello");
}

#[test]
fn a_client_that_offers_only_http_1_1_gets_http_1_1() {
    let temp = TempDir::new("handshake-h1");
    let ca = LocalCa::load_or_create(temp.path()).unwrap();
    let (client, _server, outcome) = connect(&ca, &ca, &[ALPN_H2, ALPN_HTTP_1_1], &[ALPN_HTTP_1_1]);
    outcome.unwrap();
    assert_eq!(client.alpn_protocol(), Some(ALPN_HTTP_1_1));
}

#[test]
fn a_client_that_trusts_another_ca_refuses_the_server() {
    let one = TempDir::new("handshake-ca-one");
    let two = TempDir::new("handshake-ca-two");
    let server_ca = LocalCa::load_or_create(one.path()).unwrap();
    let client_ca = LocalCa::load_or_create(two.path()).unwrap();
    let (_client, _server, outcome) = connect(&server_ca, &client_ca, &[ALPN_H2], &[ALPN_H2]);
    assert_eq!(
        outcome.unwrap_err(),
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
    );
}
