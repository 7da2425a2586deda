"""/scenario/fault/... against real clients on the real binary: what curl, httpx, requests and Node's fetch
report for each broken response, over HTTP/1.1 and, where the fault exists there, h2c."""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import pytest
import requests


def curl(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "-sS", "--max-time", "20", *args, "-o", "/dev/null", "-w", "%{http_code} %{size_download}", url],
        capture_output=True, text=True, timeout=30, check=False,
    )


# fault, curl exit code over HTTP/1.1, words of curl's error
CURL_H1 = [
    ("reset-before-head", 56, "Connection reset by peer"),
    ("reset-after-head", 56, "Connection reset by peer"),
    ("reset-mid-body", 56, "Connection reset by peer"),
    ("close-mid-body", 18, "transfer closed with 2048 bytes remaining"),
    ("short-body?seconds=1", 18, "transfer closed with 2048 bytes remaining"),
    ("hang-after-head?seconds=1", 18, "transfer closed with 4096 bytes remaining"),
    ("truncated-chunked", 18, "transfer closed"),
    ("bad-status-line?variant=four-digit", 1, "Unsupported response code"),
    ("bad-status-line?variant=garbage", 1, "HTTP/0.9"),
]


@pytest.mark.parametrize("fault,code,words", CURL_H1, ids=[c[0] for c in CURL_H1])
def test_curl_over_http1(server_url, fault, code, words):
    result = curl(f"{server_url}/scenario/fault/{fault}", "--http1.1")
    assert result.returncode == code, (result.returncode, result.stderr)
    assert words in result.stderr, result.stderr


CURL_H2 = [
    ("reset-before-head", 92, "INTERNAL_ERROR"),
    ("reset-mid-body", 92, "INTERNAL_ERROR"),
    ("hang-after-head?seconds=1", 92, "INTERNAL_ERROR"),
    ("short-body", 92, "PROTOCOL_ERROR"),
]


@pytest.mark.parametrize("fault,code,words", CURL_H2, ids=[c[0] for c in CURL_H2])
def test_curl_over_h2c(server_url, fault, code, words):
    result = curl(f"{server_url}/scenario/fault/{fault}", "--http2-prior-knowledge")
    assert result.returncode == code, (result.returncode, result.stderr)
    assert words in result.stderr, result.stderr


def test_curl_trailers_both_ways(server_url):
    for flag in ("--http1.1", "--http2-prior-knowledge"):
        done = subprocess.run(["curl", "-sS", "-i", flag, f"{server_url}/scenario/fault/trailers"],
                              capture_output=True, text=True, timeout=30, check=True)
        assert "x-body-length: 3000" in done.stdout.lower(), done.stdout[-300:]


def test_httpx_reports_each_break(server_url):
    base = f"{server_url}/scenario/fault"
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        httpx.get(f"{base}/reset-before-head")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(f"{base}/reset-mid-body")
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection without sending complete message body"):
        httpx.get(f"{base}/close-mid-body")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{base}/short-body?seconds=5", timeout=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{base}/bad-status-line")
    started = time.monotonic()
    slow = httpx.get(f"{base}/trickle?bytes=40&rate=40")
    assert slow.status_code == 200 and len(slow.content) == 40
    assert time.monotonic() - started >= 0.8


def test_requests_reports_each_break(server_url):
    base = f"{server_url}/scenario/fault"
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{base}/reset-before-head", timeout=10)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{base}/close-mid-body", timeout=10)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{base}/truncated-chunked", timeout=10)


NODE = r"""
const base = process.argv[2];
const results = {};
for (const fault of ["reset-before-head", "reset-mid-body", "close-mid-body", "truncated-chunked", "bad-status-line", "trailers"]) {
  try {
    const response = await fetch(`${base}/scenario/fault/${fault}`);
    const body = await response.text();
    results[fault] = { ok: true, status: response.status, length: body.length };
  } catch (error) {
    results[fault] = { ok: false, cause: String(error.cause?.code ?? error.cause?.message ?? error.message) };
  }
}
console.log(JSON.stringify(results));
"""


def test_node_fetch_reports_each_break(server_url, tmp_path):
    script = tmp_path / "faults.mjs"
    script.write_text(NODE)
    done = subprocess.run(["node", str(script), server_url], capture_output=True, text=True, timeout=60, check=True)
    results = json.loads(done.stdout)
    assert results["reset-before-head"] == {"ok": False, "cause": "ECONNRESET"}, results
    assert results["reset-mid-body"] == {"ok": False, "cause": "UND_ERR_SOCKET"}, results
    assert results["close-mid-body"] == {"ok": False, "cause": "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"}, results
    # What Node 20's fetch (undici) does with a chunked body cut off by a close: it resolves with the 500 bytes
    # it got, as if the body were complete. A client that must detect truncation checks a length or digest of
    # its own (the trailers fault shows one).
    assert results["truncated-chunked"] == {"ok": True, "status": 200, "length": 500}, results
    assert results["bad-status-line"] == {"ok": False, "cause": "HPE_INVALID_STATUS"}, results
    assert results["trailers"] == {"ok": True, "status": 200, "length": 3000}, results
