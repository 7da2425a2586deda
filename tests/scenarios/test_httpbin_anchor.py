"""httpbin (from PyPI, on gunicorn, started here) as an anchor for the scenarios it shares with ours: redirect
chains, Basic and Digest authentication, ETags and ranges. Where both follow RFC 9110 the answers agree; where
httpbin 0.10.4 departs from it, the test records what it does and that ours follows the RFC section named."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def httpbin():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists() and shutil.which("gunicorn") is None:
        pytest.fail("gunicorn is missing: pip install -r tests/requirements.txt")
    port = free_port()
    process = subprocess.Popen(
        [str(gunicorn) if gunicorn.exists() else "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "httpbin:app"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/status/200", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("httpbin did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


def key() -> str:
    return f"anchor-{uuid.uuid4().hex[:10]}"


# ---- where we agree ----

def test_redirect_chains(httpbin, server_url):
    with httpx.Client(follow_redirects=True) as client:
        theirs = client.get(f"{httpbin}/redirect/3")
        ours = client.get(f"{server_url}/scenario/redirect/3")
    assert [r.status_code for r in theirs.history] == [r.status_code for r in ours.history] == [302, 302, 302]
    assert theirs.status_code == ours.status_code == 200


def test_a_307_keeps_post_and_its_body(httpbin, server_url):
    with httpx.Client(follow_redirects=True) as client:
        theirs = client.post(f"{httpbin}/redirect-to", params={"url": "/anything", "status_code": 307}, content=b"x=1")
        ours = client.post(f"{server_url}/scenario/redirect/1?status=307", content=b"x=1")
    assert theirs.json()["method"] == ours.json()["received"]["method"] == "POST"
    assert theirs.json()["data"] == ours.json()["received"]["body"] == "x=1"


def test_basic_auth(httpbin, server_url):
    for url in (f"{httpbin}/basic-auth/alice/s3cret", f"{server_url}/scenario/basic/alice/s3cret"):
        refused = httpx.get(url)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic realm=")
        assert httpx.get(url, auth=("alice", "s3cret")).status_code == 200
        assert httpx.get(url, auth=("alice", "wrong")).status_code == 401


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest_auth(httpbin, server_url, algorithm):
    for url in (f"{httpbin}/digest-auth/auth/bob/pw/{algorithm}",
                f"{server_url}/scenario/digest/bob/pw?algorithm={algorithm}"):
        challenge = httpx.get(url)
        assert challenge.status_code == 401
        assert f"algorithm={algorithm}" in challenge.headers["www-authenticate"].replace('"', "")
        assert httpx.get(url, auth=httpx.DigestAuth("bob", "pw")).status_code == 200, url
        assert httpx.get(url, auth=httpx.DigestAuth("bob", "nope")).status_code == 401, url


def test_if_none_match_uses_weak_comparison(httpbin, server_url):
    ours = f"{server_url}/scenario/conditional/{key()}"
    etag = httpx.get(ours).headers["etag"]
    for value in (etag, f"W/{etag}", f'"other", {etag}'):
        assert httpx.get(ours, headers={"If-None-Match": value}).status_code == 304, value
    for value in ('"abc"', 'W/"abc"', '"other", "abc"'):
        assert httpx.get(f"{httpbin}/etag/abc", headers={"If-None-Match": value}).status_code == 304, value


def test_a_range_past_the_end_is_416_with_the_length(httpbin, server_url):
    for url in (f"{httpbin}/range/1000", f"{server_url}/scenario/range/1000"):
        response = httpx.get(url, headers={"Range": "bytes=2000-"})
        assert response.status_code == 416
        assert response.headers["content-range"] == "bytes */1000"
        suffix = httpx.get(url, headers={"Range": "bytes=-10"})
        assert suffix.status_code == 206 and len(suffix.content) == 10


# ---- where httpbin departs from RFC 9110 and we follow it ----

def test_if_match_uses_strong_comparison(httpbin, server_url):
    """RFC 9110 section 13.1.1: If-Match compares strongly, so a weak tag never matches: 412."""
    assert httpx.get(f"{httpbin}/etag/abc", headers={"If-Match": 'W/"abc"'}).status_code == 200
    ours = f"{server_url}/scenario/conditional/{key()}"
    etag = httpx.get(ours).headers["etag"]
    assert httpx.get(ours, headers={"If-Match": f"W/{etag}"}).status_code == 412
    assert httpx.get(ours, headers={"If-Match": etag}).status_code == 200


def test_if_range_that_does_not_match_gets_the_whole(httpbin, server_url):
    """RFC 9110 section 13.1.5: when If-Range does not match, the Range is ignored and the answer is a 200."""
    headers = {"If-Range": '"other"', "Range": "bytes=0-9"}
    assert httpx.get(f"{httpbin}/range/1000", headers=headers).status_code == 206
    ours = httpx.get(f"{server_url}/scenario/range/1000", headers=headers)
    assert ours.status_code == 200 and len(ours.content) == 1000


def test_etags_are_quoted(httpbin, server_url):
    """RFC 9110 section 8.8.3: an entity tag is a quoted string, optionally prefixed W/."""
    assert httpx.get(f"{httpbin}/etag/abc").headers["etag"] == "abc"
    assert httpx.get(f"{httpbin}/range/1000").headers["etag"] == "range1000"
    assert httpx.get(f"{server_url}/scenario/range/1000").headers["etag"] == '"range-1000"'


def test_several_ranges(httpbin, server_url):
    """Both are allowed (RFC 9110 section 14.2 lets a server ignore Range): httpbin sends the whole body, we
    send multipart/byteranges with each part."""
    headers = {"Range": "bytes=0-9,500-509"}
    theirs = httpx.get(f"{httpbin}/range/1000", headers=headers)
    assert theirs.status_code == 200 and len(theirs.content) == 1000
    ours = httpx.get(f"{server_url}/scenario/range/1000", headers=headers)
    assert ours.status_code == 206
    assert ours.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert ours.content.count(b"Content-Range: bytes ") == 2
