"""HTTP done right on the site: validators, caching, content codings, HEAD, types and security headers."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

PAGES = ["/", "/404", "/429", "/class/4xx", "/unofficial", "/search", "/robots.txt", "/sitemap.xml",
         "/api/v1/codes", "/api/v1/codes/404", "/api/openapi.json"]


def asset_paths(client):
    html = client.get("/").text
    return re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)


def raw_body(client, path, encoding):
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        body = b"".join(response.iter_raw())
        return response, body


@pytest.mark.parametrize("path", PAGES)
def test_if_none_match_gives_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'(W/)?"[^"]+"', etag), etag
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200


def test_a_compressed_tag_validates_the_identity_body(client):
    response, _ = raw_body(client, "/404", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    plain = client.get("/404", headers={"If-None-Match": response.headers["etag"], "Accept-Encoding": "identity"})
    assert plain.status_code == 304


def test_cache_control(client):
    for path in PAGES:
        value = client.get(path).headers.get("cache-control", "")
        assert re.fullmatch(r"max-age=\d+", value), (path, value)
    for path in asset_paths(client):
        value = client.get(path).headers["cache-control"]
        assert "immutable" in value and "max-age=31536000" in value, (path, value)
        assert re.search(r"\.[0-9a-f]{8}\.(css|js)$", path), f"{path} is cached for a year but has no content hash"
    assert "max-age=600" in client.get("/").headers["cache-control"]


@pytest.mark.parametrize("path", ["/", "/429", "/api/v1/codes", "/api/openapi.json", "/sitemap.xml"])
def test_gzip_and_brotli_decode_to_the_identity_body(client, path):
    identity, plain = raw_body(client, path, "identity")
    assert "content-encoding" not in identity.headers
    assert "Accept-Encoding" in identity.headers.get("vary", "")
    gz_response, gz = raw_body(client, path, "gzip")
    assert gz_response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gz) == plain
    br_response, br = raw_body(client, path, "gzip, deflate, br")
    assert br_response.headers["content-encoding"] == "br"
    assert brotli.decompress(br) == plain
    assert len(br) < len(plain) and len(gz) < len(plain)
    assert "Accept-Encoding" in br_response.headers["vary"]
    tags = {identity.headers["etag"], gz_response.headers["etag"], br_response.headers["etag"]}
    assert len(tags) == 3, "each coding of a body needs its own strong validator"


def test_compressed_once_not_per_request(client):
    _, first = raw_body(client, "/500", "br")
    _, second = raw_body(client, "/500", "br")
    assert first == second


def test_refused_codings_are_not_used(client):
    response, _ = raw_body(client, "/", "br;q=0, gzip;q=0")
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize("path", PAGES + ["/no/such/page", "/search?q=teapot"])
def test_head_matches_get(client, path):
    get = client.get(path, headers={"Accept-Encoding": "identity"})
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert head.status_code == get.status_code
    assert head.content == b""
    for name in ("content-type", "etag", "cache-control", "content-length"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert int(head.headers["content-length"]) == len(get.content)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", "text/html; charset=utf-8"),
        ("/429", "text/html; charset=utf-8"),
        ("/search?q=x", "text/html; charset=utf-8"),
        ("/no/such/page", "text/html; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/api/v1/codes", "application/json"),
        ("/api/v1/codes/999999", "application/problem+json"),
    ],
)
def test_content_type(client, path, expected):
    assert client.get(path).headers["content-type"] == expected


def test_assets_have_types_with_charset(client):
    paths = asset_paths(client)
    assert {p.rsplit(".", 1)[1] for p in paths} == {"css", "js"}
    for path in paths:
        kind = "text/css" if path.endswith(".css") else "text/javascript"
        assert client.get(path).headers["content-type"] == f"{kind}; charset=utf-8"


@pytest.mark.parametrize("path", PAGES + ["/no/such/page", "/search?q=x", "/api/v1/nothing"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("no-referrer", "strict-origin-when-cross-origin", "same-origin")


def test_trailing_slash_redirects_to_the_page(client):
    response = client.get("/unofficial/")
    assert response.status_code == 308
    assert response.headers["location"] == "/unofficial"


def test_writes_are_refused_with_allow(client):
    response = client.post("/429", content=b"x")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
