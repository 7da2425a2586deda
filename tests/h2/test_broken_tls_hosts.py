"""The broken-TLS hosts of `httpstatus serve --tls`, chosen by SNI on the TLS port, against real clients:
curl with `--cacert` (the local CA) fails on each with the error its one mistake causes, Python's ssl module
agrees, and `httpstatus probe` explains each failure in words."""

from __future__ import annotations

import socket
import ssl
import subprocess

import pytest

from servers import binary, data_dir, h2_server  # noqa: F401  (fixtures)

# Each host, curl's exit code and the words of its error (curl 7.88 on OpenSSL 3), and the probe's words.
HOSTS = [
    ("expired.localhost", 60, "certificate has expired", "expired"),
    ("not-yet-valid.localhost", 60, "certificate is not yet valid", "not valid yet"),
    ("wrong-host.localhost", 60, "no alternative certificate subject name matches", "name mismatch"),
    ("self-signed.localhost", 60, "self-signed certificate", "self-signed"),
    ("untrusted-root.localhost", 60, "self-signed certificate in certificate chain", "unknown issuer"),
    ("incomplete-chain.localhost", 60, "unable to get local issuer certificate", "chain incomplete"),
]


def curl(server, host: str, *args: str) -> subprocess.CompletedProcess:
    url = f"https://{host}:{server.tls_port}/status/200"
    return subprocess.run(
        ["curl", "-sS", "--max-time", "20", "--cacert", server.ca,
         "--resolve", f"{host}:{server.tls_port}:127.0.0.1", *args, "-o", "/dev/null",
         "-w", "%{http_code}", url],
        capture_output=True, text=True, timeout=30,
    )


def probe(server, host: str) -> subprocess.CompletedProcess:
    url = f"https://{host}:{server.tls_port}/status/200"
    return subprocess.run(
        [binary(), "probe", "--color", "never", "--cacert", server.ca, url],
        capture_output=True, text=True, timeout=30,
    )


@pytest.mark.parametrize("host,exit_code,curl_words,probe_words", HOSTS, ids=[h[0] for h in HOSTS])
def test_curl_fails_and_the_probe_explains(h2_server, host, exit_code, curl_words, probe_words):
    result = curl(h2_server, host)
    assert result.returncode == exit_code, result.stderr
    assert curl_words in result.stderr, result.stderr
    # With -k the same host answers: only the certificate is wrong.
    assert curl(h2_server, host, "-k").stdout == "200"
    explained = probe(h2_server, host)
    assert explained.returncode != 0
    text = " ".join((explained.stdout + explained.stderr).split())
    assert probe_words in text, text
    assert "httpstatus 526" in text, "the probe points at the page of the code a CDN would answer"


def test_python_ssl_agrees(h2_server):
    context = ssl.create_default_context(cafile=h2_server.ca)
    for host, _, _, _ in HOSTS:
        with socket.create_connection(("127.0.0.1", h2_server.tls_port), timeout=10) as raw:
            with pytest.raises(ssl.SSLCertVerificationError):
                context.wrap_socket(raw, server_hostname=host)
    with socket.create_connection(("127.0.0.1", h2_server.tls_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() == "TLSv1.3"


def test_tls12_only_host(h2_server):
    host = "tls12-only.localhost"
    assert curl(h2_server, host).stdout == "200"
    refused = curl(h2_server, host, "--tlsv1.3")
    assert refused.returncode == 35, refused.stderr
    assert "protocol version" in refused.stderr
    context = ssl.create_default_context(cafile=h2_server.ca)
    with socket.create_connection(("127.0.0.1", h2_server.tls_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            assert tls.version() == "TLSv1.2"
    explained = probe(h2_server, host)
    text = " ".join(explained.stdout.split())
    assert "TLSv1.2" in text and "TLS 1.2 only" in text, text
