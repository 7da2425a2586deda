"""Real clients over TLS and HTTP/2 against the real binary: curl, Node's http2 module, httpx, the `h2` package
and h2load, on the TLS port (h2 and HTTP/1.1 by ALPN) and as h2c with prior knowledge on the cleartext port."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import ssl
import subprocess
import time
from collections import Counter
from pathlib import Path

import brotli
import h2.config
import h2.connection
import h2.events
import httpx
import pytest

from servers import data_dir, h2_server  # noqa: F401  (fixtures)

HERE = Path(__file__).resolve().parent


# ---- curl ----

def curl(url: str, *args: str, ca: str | None = None) -> subprocess.CompletedProcess:
    extra = ["--cacert", ca] if ca else []
    return subprocess.run(
        ["curl", "-sv", "--max-time", "20", *extra, *args, url], capture_output=True, text=True, timeout=30
    )


def response_heads(verbose: str) -> list[tuple[str, list[str]]]:
    """Each response head curl -v printed: its status line and its field lines, in order."""
    heads: list[tuple[str, list[str]]] = []
    for line in verbose.splitlines():
        if not line.startswith("< "):
            continue
        text = line[2:].strip()
        if text.startswith("HTTP/"):
            heads.append((text, []))
        elif text and heads:
            heads[-1][1].append(text)
    return heads


def test_curl_over_tls_h2_shows_each_interim_response_then_the_final(h2_server):
    result = curl(f"{h2_server.https_url}/status/200?interim=103,102", "--http2", ca=h2_server.ca)
    assert result.returncode == 0, result.stderr
    assert "ALPN: server accepted h2" in result.stderr
    heads = response_heads(result.stderr)
    assert [status for status, _ in heads] == ["HTTP/2 103", "HTTP/2 102", "HTTP/2 200"], heads
    assert heads[0][1] == ["link: </style.css>; rel=preload; as=style", "link: </app.js>; rel=preload; as=script"]
    assert heads[1][1] == []
    assert "Sent: interim 103, 102, then final 200" in result.stdout


def test_curl_h2c_prior_knowledge_on_the_cleartext_port(h2_server):
    result = curl(f"{h2_server.http_url}/status/102", "--http2-prior-knowledge")
    assert result.returncode == 0, result.stderr
    statuses = [status for status, _ in response_heads(result.stderr)]
    assert statuses == ["HTTP/2 102", "HTTP/2 200"], statuses
    result = curl(f"{h2_server.http_url}/status/200?interim=103,102", "--http2-prior-knowledge")
    heads = response_heads(result.stderr)
    assert [status for status, _ in heads] == ["HTTP/2 103", "HTTP/2 102", "HTTP/2 200"], heads
    assert "link: </style.css>; rel=preload; as=style" in heads[0][1]


def test_curl_http11_over_tls_still_works(h2_server):
    result = curl(f"{h2_server.https_url}/status/200?interim=103,102", "--http1.1", ca=h2_server.ca)
    assert result.returncode == 0, result.stderr
    assert "ALPN: server accepted http/1.1" in result.stderr
    heads = response_heads(result.stderr)
    assert [status.split()[:2] for status, _ in heads] == [["HTTP/1.1", "103"], ["HTTP/1.1", "102"], ["HTTP/1.1", "200"]]
    assert "Link: </style.css>; rel=preload; as=style" in heads[0][1]


def test_plain_http_to_the_tls_port_gets_a_prompt_400_that_says_so(h2_server):
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", h2_server.tls_port), timeout=5) as sock:
        sock.sendall(b"GET /status/200 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        while chunk := sock.recv(4096):  # the server closes after its answer
            received += chunk
    elapsed = time.monotonic() - started
    assert received.startswith(b"HTTP/1.1 400 "), received
    assert b"plain HTTP request was sent to the HTTPS port" in received
    assert elapsed < 1.0, elapsed


# ---- Node's http2 client ----

def node_request(url: str, ca: str) -> dict:
    result = subprocess.run(
        ["node", str(HERE / "node_client.mjs"), url],
        capture_output=True, text=True, timeout=30, env=dict(os.environ, NODE_EXTRA_CA_CERTS=ca),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_node_http2_gets_a_headers_event_per_interim_response(h2_server):
    got = node_request(f"{h2_server.https_url}/status/200?interim=103,102", h2_server.ca)
    assert got["alpn"] == "h2"
    assert [(h["kind"], h["status"]) for h in got["heads"]] == [("interim", 103), ("interim", 102), ("final", 200)]
    assert got["heads"][0]["headers"]["link"] == "</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script"
    assert "Sent: interim 103, 102, then final 200" in got["body"]


def test_node_http2_sees_heartbeats_arrive_while_the_operation_runs(h2_server):
    got = node_request(f"{h2_server.https_url}/long?seconds=1.2&heartbeat=0.4", h2_server.ca)
    heads = got["heads"]
    assert [(h["kind"], h["status"]) for h in heads] == [("interim", 102), ("interim", 102), ("final", 200)]
    gaps = [(b["at"] - a["at"]) / 1000 for a, b in zip(heads, heads[1:])]
    assert all(0.25 < gap < 1.0 for gap in gaps), gaps


# ---- httpx with http2=True ----

@pytest.fixture(scope="module")
def client(h2_server):
    context = ssl.create_default_context(cafile=h2_server.ca)
    with httpx.Client(base_url=h2_server.https_url, http2=True, verify=context, timeout=20) as c:
        yield c


@pytest.fixture(scope="module")
def h2c_client(h2_server):
    with httpx.Client(base_url=h2_server.http_url, http1=False, http2=True, timeout=20) as c:
        yield c


def test_httpx_http2_interim_responses_then_final(client, h2c_client):
    for c in (client, h2c_client):
        response = c.get("/status/200?interim=103,102", headers={"Accept": "text/plain"})
        assert response.http_version == "HTTP/2"
        assert response.status_code == 200
        assert "Sent: interim 103, 102, then final 200" in response.text


def test_httpx_http2_429_with_retry_after(client):
    response = client.get("/status/429?retry_after=30")
    assert response.http_version == "HTTP/2"
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "connection" not in response.headers and "keep-alive" not in response.headers


def test_httpx_http2_weighted_choice(client):
    got = Counter(client.get("/status/200:0.9,503:0.1").status_code for _ in range(200))
    assert set(got) == {200, 503}, got
    # Binomial(200, 0.1): mean 20, standard deviation 4.2; this range is more than 3.5 deviations wide.
    assert 5 <= got[503] <= 36, got


def test_httpx_http2_api_code_404(client):
    response = client.get("/api/v1/codes/404")
    assert response.http_version == "HTTP/2"
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    entry = response.json()
    assert entry["code"] == 404 and entry["name"] == "Not Found" and entry["class"] == "4xx"


@pytest.mark.parametrize("path", ["/", "/404", "/api/v1/codes"])
def test_httpx_http2_site_compression_and_etag(client, path):
    identity = client.get(path, headers={"Accept-Encoding": "identity"})
    assert identity.http_version == "HTTP/2" and identity.status_code == 200
    assert "content-encoding" not in identity.headers
    etag = identity.headers["etag"]
    for coding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        with client.stream("GET", path, headers={"Accept-Encoding": coding}) as response:
            raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == coding
        assert "accept-encoding" in response.headers["vary"].lower()
        assert int(response.headers["content-length"]) == len(raw) < len(identity.content)
        assert decode(raw) == identity.content
    not_modified = client.get(path, headers={"If-None-Match": etag, "Accept-Encoding": "identity"})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag


def test_httpx_http2_status_101_answers_426_with_an_explanation(client):
    # HTTP/2 has no 101 and no Upgrade or Connection fields: the stream must end with an answer, not a reset.
    response = client.get("/status/101", headers={"Accept": "text/plain"})
    assert response.http_version == "HTTP/2"
    assert response.status_code == 426
    assert "HTTP/2 has no 101 Switching Protocols" in response.text
    assert "upgrade" not in response.headers and "connection" not in response.headers
    # The connection is still good for the next request.
    assert client.get("/status/204").status_code == 204


def test_httpx_http2_long_events_stream_as_server_sent_events(client):
    started = time.monotonic()
    arrivals: list[tuple[float, str]] = []
    with client.stream("GET", "/long/events?seconds=2") as response:
        assert response.http_version == "HTTP/2"
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                arrivals.append((time.monotonic() - started, line.removeprefix("event: ")))
    names = [name for _, name in arrivals]
    assert names[-1] == "done" and names.count("progress") >= 2, names
    # Events arrive as the operation runs, not all at its end.
    assert arrivals[0][0] < 1.5 and arrivals[-1][0] >= 1.8, arrivals


# ---- the h2 package, frame by frame over TLS ----

class H2Client:
    def __init__(self, port: int, ca: str):
        context = ssl.create_default_context(cafile=ca)
        context.set_alpn_protocols(["h2"])
        self.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                                        server_hostname="localhost")
        assert self.sock.selected_alpn_protocol() == "h2"
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.flush()

    def flush(self) -> None:
        self.sock.sendall(self.conn.data_to_send())

    def events(self) -> list:
        data = self.sock.recv(65536)
        assert data, "the server closed the connection"
        events = self.conn.receive_data(data)
        for event in events:
            if isinstance(event, h2.events.DataReceived):
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        self.flush()
        return events

    def close(self) -> None:
        self.sock.close()


def request_headers(port: int, path: str, method: str = "GET", extra=()) -> list[tuple[str, str]]:
    return [(":method", method), (":scheme", "https"), (":authority", f"localhost:{port}"), (":path", path), *extra]


def test_h2_expect_100_continue_gets_a_real_100_before_the_body_is_sent(h2_server):
    # No live endpoint reads a request body, so the 100 is asked for with interim=100; the final response waits
    # a second, in which the client sends its body as a careful client does once the 100 arrived.
    client = H2Client(h2_server.tls_port, h2_server.ca)
    stream = client.conn.get_next_available_stream_id()
    client.conn.send_headers(stream, request_headers(
        h2_server.tls_port, "/status/201?interim=100&sleep=1000", "POST",
        [("expect", "100-continue"), ("content-type", "text/plain"), ("content-length", "5"),
         ("accept", "text/plain")]))
    client.flush()
    heads: list[str] = []
    while not heads:
        heads += [dict(e.headers)[":status"] for e in client.events()
                  if isinstance(e, (h2.events.InformationalResponseReceived, h2.events.ResponseReceived))]
    assert heads == ["100"]
    client.conn.send_data(stream, b"x=1&y", end_stream=True)
    client.flush()
    body, ended = b"", False
    while not ended:
        for event in client.events():
            if isinstance(event, (h2.events.InformationalResponseReceived, h2.events.ResponseReceived)):
                heads.append(dict(event.headers)[":status"])
            elif isinstance(event, h2.events.DataReceived):
                body += event.data
            elif isinstance(event, h2.events.StreamEnded):
                ended = True
            elif isinstance(event, h2.events.StreamReset):
                pytest.fail(f"the server reset the stream: {event}")
    assert heads == ["100", "201"]
    assert "Sent: interim 100, then final 201" in body.decode(), body
    client.close()


def test_h2_expect_100_continue_answered_without_reading_the_body_ends_cleanly(h2_server):
    # /status/200 does not read the body: it answers at once, without a 100 (RFC 9110 section 10.1.1 allows it),
    # and the stream ends with that answer; the same connection serves the next request.
    client = H2Client(h2_server.tls_port, h2_server.ca)
    stream = client.conn.get_next_available_stream_id()
    client.conn.send_headers(stream, request_headers(
        h2_server.tls_port, "/status/200", "POST", [("expect", "100-continue"), ("content-length", "5")]))
    client.flush()
    statuses, ended = [], False
    while not ended:
        for event in client.events():
            if isinstance(event, (h2.events.InformationalResponseReceived, h2.events.ResponseReceived)):
                statuses.append(dict(event.headers)[":status"])
            elif isinstance(event, h2.events.StreamEnded):
                ended = True
    assert statuses == ["200"]
    second = client.conn.get_next_available_stream_id()
    client.conn.send_headers(second, request_headers(h2_server.tls_port, "/status/204"), end_stream=True)
    client.flush()
    statuses = []
    while not statuses:
        statuses += [dict(e.headers)[":status"] for e in client.events() if isinstance(e, h2.events.ResponseReceived)]
    assert statuses == ["204"]
    client.close()


def test_h2_long_operation_sends_102_heartbeats_half_a_second_apart(h2_server):
    client = H2Client(h2_server.tls_port, h2_server.ca)
    stream = client.conn.get_next_available_stream_id()
    started = time.monotonic()
    client.conn.send_headers(stream, request_headers(h2_server.tls_port, "/long?seconds=2&heartbeat=0.5"),
                             end_stream=True)
    client.flush()
    heads: list[tuple[float, str]] = []
    body, ended = b"", False
    while not ended:
        for event in client.events():
            if isinstance(event, (h2.events.InformationalResponseReceived, h2.events.ResponseReceived)):
                heads.append((time.monotonic() - started, dict(event.headers)[":status"]))
            elif isinstance(event, h2.events.DataReceived):
                body += event.data
            elif isinstance(event, h2.events.StreamEnded):
                ended = True
    assert [status for _, status in heads] == ["102", "102", "102", "200"], heads
    times = [at for at, _ in heads]
    assert all(0.35 < b - a < 0.9 for a, b in zip(times, times[1:])), times
    assert 1.9 < times[-1] < 4, times
    assert "Operation complete after 2.0 s (3 × 102 Processing sent)" in body.decode(), body
    client.close()


# ---- h2load ----

@pytest.mark.parametrize("port_kind", ["tls", "h2c"])
def test_h2load_short_run_all_2xx(h2_server, port_kind):
    url = (f"{h2_server.https_url}/status/200" if port_kind == "tls" else f"{h2_server.http_url}/status/200")
    result = subprocess.run(["h2load", "-n", "2000", "-c", "10", "-m", "10", url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    expected_protocol = "h2" if port_kind == "tls" else "h2c"
    assert re.search(rf"Application protocol: {expected_protocol}\b", out), out
    assert re.search(r"requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout", out), out
    assert "status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx" in out, out
