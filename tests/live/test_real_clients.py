"""The live server against real clients: curl, Node's http module and Python httpx, on the real binary."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import binary  # noqa: E402


def curl_verbose(url: str, *args: str) -> tuple[list[str], str]:
    """Runs `curl -sv`; returns the response status lines in order and the body."""
    result = subprocess.run(
        ["curl", "-sv", "--max-time", "20", *args, url], capture_output=True, text=True, timeout=30, check=True
    )
    status_lines = [line[2:].strip() for line in result.stderr.splitlines() if line.startswith("< HTTP/")]
    return status_lines, result.stdout


def codes(status_lines: list[str]) -> list[int]:
    return [int(line.split()[1]) for line in status_lines]


def test_curl_shows_each_interim_response_then_the_final(server_url):
    lines, body = curl_verbose(f"{server_url}/status/200?interim=103,102")
    assert codes(lines) == [103, 102, 200], lines
    assert "Sent: interim 103, 102, then final 200" in body


def test_curl_shows_the_link_headers_of_103(server_url):
    result = subprocess.run(
        ["curl", "-sv", f"{server_url}/status/103"], capture_output=True, text=True, timeout=30, check=True
    )
    first_head = result.stderr.split("< HTTP/1.1 200")[0]
    assert "< HTTP/1.1 103" in first_head
    assert "< Link: </style.css>; rel=preload; as=style" in first_head


def test_curl_long_operation_sends_heartbeats_about_a_beat_apart(server_url):
    started = time.monotonic()
    lines, body = curl_verbose(f"{server_url}/long?seconds=1.2&heartbeat=0.4")
    elapsed = time.monotonic() - started
    assert codes(lines) == [102, 102, 200], lines
    assert 1.1 < elapsed < 5, elapsed
    assert "Operation complete" in body


def test_curl_never_gets_an_unasked_100(server_url):
    lines, _ = curl_verbose(f"{server_url}/status/201", "-X", "POST", "--data", "x=1")
    assert codes(lines) == [201], lines
    # With Expect: 100-continue the endpoint answers without reading the body, so no 100 either.
    lines, _ = curl_verbose(f"{server_url}/status/200", "-H", "Expect: 100-continue", "--data", "x=1")
    assert codes(lines) == [200], lines


NODE_CLIENT = r"""
const http = require('node:http');
const url = new URL(process.argv[1]);
const events = [];
const req = http.request(url, { method: 'GET', headers: { accept: 'application/json' } }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => { body += chunk; });
  res.on('end', () => {
    console.log(JSON.stringify({ information: events, status: res.statusCode, headers: res.headers, body }));
  });
});
req.on('information', (info) => {
  events.push({ status: info.statusCode, headers: info.headers, at: Date.now() });
});
req.on('error', (err) => { console.error(err.message); process.exit(1); });
req.end();
"""


def node_request(url: str) -> dict:
    result = subprocess.run(
        ["node", "-e", NODE_CLIENT, url], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(result.stdout)


def test_node_gets_an_information_event_per_interim_response(server_url):
    result = node_request(f"{server_url}/status/200?interim=103,102")
    assert [e["status"] for e in result["information"]] == [103, 102]
    assert result["information"][0]["headers"]["link"].startswith("</style.css>; rel=preload")
    assert result["status"] == 200
    assert json.loads(result["body"])["sent"]["interim"] == [103, 102]


def test_node_sees_102_heartbeats_during_a_long_operation(server_url):
    result = node_request(f"{server_url}/long?seconds=0.9&heartbeat=0.3")
    assert [e["status"] for e in result["information"]] == [102, 102]
    gap = result["information"][1]["at"] - result["information"][0]["at"]
    assert 200 <= gap <= 1000, gap
    assert json.loads(result["body"])["heartbeats_sent"] == 2


def test_node_sees_retry_after_on_503(server_url):
    result = node_request(f"{server_url}/status/503?retry_after=7")
    assert result["status"] == 503
    assert result["headers"]["retry-after"] == "7"
    assert result["information"] == []


def test_httpx_reads_the_final_response_after_interim_ones(server_url):
    response = httpx.get(f"{server_url}/status/102?sleep=300&heartbeat=100", headers={"Accept": "application/json"})
    assert response.status_code == 200
    sent = response.json()["sent"]
    assert sent["interim"][0] == 102 and len(sent["interim"]) >= 2
    assert response.json()["reference"] == "/102"


@pytest.mark.parametrize(
    ("path", "status", "header", "value"),
    [
        ("/status/429", 429, "retry-after", "5"),
        ("/status/401", 401, "www-authenticate", 'Basic realm="httpstatus", charset="UTF-8"'),
        ("/status/405", 405, "allow", "GET, HEAD"),
        ("/status/308?location=/status/204", 308, "location", "/status/204"),
        ("/status/418?header=X-Teapot:short%20and%20stout", 418, "x-teapot", "short and stout"),
    ],
)
def test_httpx_sees_the_fields_each_code_calls_for(server_url, path, status, header, value):
    response = httpx.get(f"{server_url}{path}")
    assert response.status_code == status
    assert response.headers[header] == value
    assert response.headers["access-control-allow-origin"] == "*"


def test_httpx_follows_a_redirect_to_its_target(server_url):
    response = httpx.get(f"{server_url}/status/302", follow_redirects=True)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [302]


def test_httpx_no_body_for_204_and_head(server_url):
    assert httpx.get(f"{server_url}/status/204").content == b""
    head = httpx.head(f"{server_url}/status/404")
    assert head.status_code == 404 and head.content == b"" and int(head.headers["content-length"]) > 0


def test_httpx_bad_requests_explain_what_is_valid(server_url):
    for path, needle in [
        ("/status/abc", "100 to 599"),
        ("/status/600", "100 to 599"),
        ("/status/200?sleep=999999", "from 0 to 60000"),
    ]:
        response = httpx.get(f"{server_url}{path}", headers={"Accept": "application/json"})
        assert response.status_code == 400, path
        assert needle in response.json()["error"], response.text


def test_httpx_streams_server_sent_events(server_url):
    events = []
    with httpx.stream("GET", f"{server_url}/long/events?seconds=1", headers={"Accept": "text/event-stream"}) as r:
        assert r.headers["content-type"] == "text/event-stream"
        started = time.monotonic()
        for line in r.iter_lines():
            if line.startswith("event: "):
                events.append((line.removeprefix("event: "), time.monotonic() - started))
    assert [name for name, _ in events] == ["progress", "done"]


def test_random_and_weighted_choice(server_url):
    seen = {httpx.get(f"{server_url}/status/200,503").status_code for _ in range(30)}
    assert seen == {200, 503}
    assert {httpx.get(f"{server_url}/status/200:0,202:1").status_code for _ in range(5)} == {202}


def test_sigterm_lets_an_in_flight_request_finish():
    process = subprocess.Popen(
        [binary(), "serve", "--addr", "127.0.0.1:0", "--quiet", "--shutdown-grace", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert re.fullmatch(r"listening on http://127\.0\.0\.1:\d+", line), line
        url = line.removeprefix("listening on ")
        results = {}
        # A warm client: the slow request goes out at once on an open connection.
        client = httpx.Client(timeout=10)
        assert client.get(f"{url}/status/204").status_code == 204

        def slow_request():
            results["response"] = client.get(f"{url}/status/200?sleep=700")

        thread = threading.Thread(target=slow_request)
        thread.start()
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        thread.join(timeout=10)
        assert results["response"].status_code == 200
        assert results["response"].headers["connection"] == "close"
        assert process.wait(timeout=10) == 0
        client.close()
        host, port = url.removeprefix("http://").split(":")
        with pytest.raises(OSError):
            socket.create_connection((host, int(port)), timeout=1)
    finally:
        if process.poll() is None:
            process.kill()
