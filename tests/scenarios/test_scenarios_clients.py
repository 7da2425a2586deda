"""The /scenario endpoints against real clients on the real binary: httpx (its Digest auth, redirects,
conditional requests) and curl (--digest, -L, a proxy, Expect: 100-continue), over HTTP/1.1 and h2c."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest


def key(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:12]}"


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "-s", "--max-time", "20", *args], capture_output=True, text=True, timeout=30, check=False
    )


def status_lines(stderr: str) -> list[str]:
    return [line[2:].strip() for line in stderr.splitlines() if line.startswith("< HTTP/")]


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_httpx_digest_auth(server_url: str, algorithm: str) -> None:
    url = f"{server_url}/scenario/digest/bob/pw?algorithm={algorithm}"
    assert httpx.get(url).status_code == 401
    response = httpx.get(url, auth=httpx.DigestAuth("bob", "pw"))
    assert response.status_code == 200, response.text
    assert response.json()["scheme"] == "Digest"
    assert httpx.get(url, auth=httpx.DigestAuth("bob", "wrong")).status_code == 401


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_curl_digest_auth(server_url: str, algorithm: str) -> None:
    url = f"{server_url}/scenario/digest/bob/pw?algorithm={algorithm}"
    result = curl("-v", "--digest", "-u", "bob:pw", url)
    assert status_lines(result.stderr) == ["HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"], result.stderr


def test_curl_basic_through_a_proxy(server_url: str) -> None:
    target = f"{server_url}/scenario/proxy/basic/alice/s3cret"
    assert "HTTP/1.1 407" in status_lines(curl("-v", "-x", server_url, target).stderr)[0]
    result = curl("-v", "-x", server_url, "-U", "alice:s3cret", target)
    assert status_lines(result.stderr)[-1] == "HTTP/1.1 200 OK", result.stderr


def test_httpx_redirects_rewrite_post_after_303_and_keep_it_after_307(server_url: str) -> None:
    with httpx.Client(follow_redirects=True) as client:
        kept = client.post(f"{server_url}/scenario/redirect/2?status=307", content=b"payload")
        assert [r.status_code for r in kept.history] == [307, 307]
        assert kept.json()["received"]["method"] == "POST"
        assert kept.json()["received"]["body"] == "payload"
        rewritten = client.post(f"{server_url}/scenario/redirect/1?status=303", content=b"payload")
        assert rewritten.json()["received"]["method"] == "GET"
        assert rewritten.json()["received"]["body"] == ""
        with pytest.raises(httpx.TooManyRedirects):
            client.get(f"{server_url}/scenario/loop")


def test_curl_follows_a_chain_into_a_failure(server_url: str) -> None:
    result = curl("-v", "-L", f"{server_url}/scenario/redirect/2?absolute=true&then=503")
    assert [line.split()[1] for line in status_lines(result.stderr)] == ["302", "302", "503"], result.stderr


def test_httpx_conditional_requests_over_h2c(server_url: str) -> None:
    url = f"{server_url}/scenario/conditional/{key('py')}"
    with httpx.Client(http1=False, http2=True) as client:
        first = client.get(url)
        assert first.http_version == "HTTP/2"
        etag = first.headers["etag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.put(url, content=b"v2").status_code == 428
        changed = client.put(url, content=b"v2", headers={"If-Match": etag})
        assert changed.status_code == 204
        assert client.put(url, content=b"v3", headers={"If-Match": etag}).status_code == 412


def test_curl_gets_413_and_no_100_continue(server_url: str) -> None:
    result = curl(
        "-v", "-H", "Expect: 100-continue", "--data-binary", "x" * 100, f"{server_url}/scenario/upload?limit=10"
    )
    assert [line.split()[1] for line in status_lines(result.stderr)] == ["413"], result.stderr
    assert "100 Continue" not in result.stderr


def test_rate_limit_fields_reach_httpx(server_url: str) -> None:
    url = f"{server_url}/scenario/rate-limit/{key('py-rate')}?limit=1&window=60"
    assert httpx.get(url).headers["ratelimit-policy"] == '"window";q=1;w=60'
    limited = httpx.get(url)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) <= 60
    assert limited.headers["content-type"] == "application/problem+json"


def test_curl_ranges_over_h2c(server_url: str) -> None:
    result = curl("-v", "--http2-prior-knowledge", "-H", "Range: bytes=0-3", f"{server_url}/scenario/range/100")
    assert status_lines(result.stderr) == ["HTTP/2 206"], result.stderr
    assert result.stdout == "abcd"
