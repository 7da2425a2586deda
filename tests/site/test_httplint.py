"""httplint (the checks of REDbot) on the raw bytes of the site's responses: no note may be BAD."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitelib import raw_get

HTTPLINT = str(Path(sys.executable).with_name("httplint"))

CASES = [
    ("/", {}),
    ("/", {"Accept-Encoding": "gzip"}),
    ("/", {"Accept-Encoding": "br"}),
    ("/429", {"Accept-Encoding": "gzip, br"}),
    ("/class/5xx", {}),
    ("/unofficial", {}),
    ("/search?q=gateway", {}),
    ("/search?q=%3Cscript%3E", {}),
    ("/no/such/page", {}),
    ("/unofficial/", {}),
    ("/robots.txt", {}),
    ("/sitemap.xml", {"Accept-Encoding": "gzip"}),
    ("/api/v1/codes", {"Accept-Encoding": "br"}),
    ("/api/v1/codes?class=4xx", {}),
    ("/api/v1/codes/429", {}),
    ("/api/v1/codes/nope", {}),
    ("/api/v1/search?q=timeout", {"Origin": "https://example.org"}),
    ("/api/openapi.json", {}),
]


def lint(raw: bytes) -> list[str]:
    result = subprocess.run([HTTPLINT, "-n"], input=raw, capture_output=True, timeout=60)
    assert result.returncode == 0, f"httplint could not parse the response: {result.stderr.decode()[-2000:]}"
    return result.stdout.decode().splitlines()


def bad(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if re.match(r"\s*\* \[(BAD|WARN)\]", line)]


def assets(server_url) -> list[str]:
    html = raw_get(server_url, "/").split(b"\r\n\r\n", 1)[1].decode()
    return re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)


@pytest.mark.parametrize("path, headers", CASES, ids=[f"{p} {h}" for p, h in CASES])
def test_no_bad_notes(server_url, path, headers):
    raw = raw_get(server_url, path, headers=headers)
    lines = lint(raw)
    assert lines, "httplint printed nothing"
    assert not bad(lines), "\n".join(lines)


def test_assets_and_revalidation(server_url):
    for path in assets(server_url):
        assert not bad(lint(raw_get(server_url, path, headers={"Accept-Encoding": "br"}))), path
    head = raw_get(server_url, "/404").split(b"\r\n\r\n", 1)[0].decode()
    etag = re.search(r"(?im)^etag: (.+)$", head).group(1).strip()
    not_modified = raw_get(server_url, "/404", headers={"If-None-Match": etag})
    assert not_modified.startswith(b"HTTP/1.1 304 ")
    assert not bad(lint(not_modified))


def test_httplint_finds_bad_responses():
    """The check can fail: a response with a wrong Content-Length is reported."""
    broken = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\nCache-Control: max-age=abc\r\n\r\nabc"
    assert bad(lint(broken))
