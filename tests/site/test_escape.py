"""Every value the site reflects (a search query, a bad code, an unknown path) comes back escaped."""

from __future__ import annotations

from urllib.parse import quote

import pytest

PROBES = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '</title><script>alert(1)</script>',
    '" autofocus onfocus="alert(1)',
    "&lt;script&gt;",
]

MARKERS = ["<script>alert", "<img src=x", "<svg onload", '" autofocus', "onerror=alert(1)>", "&lt;script&gt;"]


def assert_escaped(html: str, probe: str):
    # The raw probe must never appear (an entity typed by the user must come back double-escaped), nor any
    # dangerous piece of it.
    assert probe not in html, probe
    for marker in MARKERS:
        if marker in probe:
            assert marker not in html, (probe, marker)


@pytest.mark.parametrize("probe", PROBES)
def test_search_query_is_escaped(client, probe):
    response = client.get("/search", params={"q": probe})
    assert response.status_code == 200
    assert_escaped(response.text, probe)


@pytest.mark.parametrize("probe", PROBES)
def test_unknown_path_is_escaped(client, probe):
    response = client.get("/" + quote(probe, safe=""))
    assert response.status_code == 404
    assert_escaped(response.text, probe)
    # Also raw, undecoded bytes that a careless router might echo back.
    response = client.get("/x" + quote(probe, safe="/<>\"'=()"))
    assert_escaped(response.text, probe)


@pytest.mark.parametrize("probe", PROBES)
def test_bad_code_in_the_api_is_escaped_json(client, probe):
    response = client.get("/api/v1/codes/" + quote(probe, safe=""))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-content-type-options"] == "nosniff"
    problem = response.json()
    assert problem["status"] == 404 and problem["title"] and problem["detail"]


@pytest.mark.parametrize("probe", PROBES)
def test_api_filter_value_is_not_rendered_as_html(client, probe):
    response = client.get("/api/v1/codes", params={"class": probe})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_query_is_kept_in_the_search_box_escaped(client):
    response = client.get("/search", params={"q": 'a"b<c'})
    assert 'value="a&quot;b&lt;c"' in response.text
