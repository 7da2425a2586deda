"""The JSON API: endpoints, filters, RFC 9457 errors and CORS (including preflight)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from sitelib import ROOT

BRIEF_KEYS = {"code", "name", "class", "official", "status", "summary"}


def binary() -> str:
    return os.environ.get("HTTPSTATUS_BIN") or str(ROOT / "target" / "debug" / "httpstatus")


def test_list_is_every_code_in_order(client):
    codes = client.get("/api/v1/codes").json()
    assert all(set(c) == BRIEF_KEYS for c in codes)
    numbers = [c["code"] for c in codes]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert 404 in numbers


@pytest.mark.parametrize("label", ["1xx", "2xx", "3xx", "4xx", "5xx"])
def test_class_filter(client, label):
    everything = client.get("/api/v1/codes").json()
    response = client.get("/api/v1/codes", params={"class": label})
    assert response.status_code == 200
    codes = response.json()
    assert codes == [c for c in everything if c["class"] == label]


def test_official_filter(client):
    everything = client.get("/api/v1/codes").json()
    official = client.get("/api/v1/codes", params={"official": "true"}).json()
    vendor = client.get("/api/v1/codes", params={"official": "false"}).json()
    assert official and vendor
    assert all(c["official"] for c in official) and not any(c["official"] for c in vendor)
    assert len(official) + len(vendor) == len(everything)
    both = client.get("/api/v1/codes", params={"class": "5xx", "official": "false"}).json()
    assert both == [c for c in vendor if c["class"] == "5xx"]


def test_one_code_is_what_the_cli_prints(client):
    served = client.get("/api/v1/codes/429").json()
    printed = json.loads(subprocess.run([binary(), "429", "--json"], capture_output=True, check=True).stdout)
    assert served == printed
    assert served["code"] == 429 and served["sections"] and served["examples"]


def test_unassigned_code(client):
    known = {c["code"] for c in client.get("/api/v1/codes").json()}
    code = next(c for c in range(599, 99, -1) if c not in known and (c // 100) * 100 in known)
    body = client.get(f"/api/v1/codes/{code}").json()
    assert body["assigned"] is False and body["treat_as"] == (code // 100) * 100


def test_search(client):
    response = client.get("/api/v1/search", params={"q": "too many"})
    assert response.status_code == 200
    results = response.json()
    assert results[0]["code"] == 429
    assert all(set(r) == BRIEF_KEYS for r in results)
    assert len(client.get("/api/v1/search", params={"q": "error", "limit": 3}).json()) <= 3


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/v1/codes?class=6xx", 400),
        ("/api/v1/codes?official=maybe", 400),
        ("/api/v1/codes/600", 404),
        ("/api/v1/codes/abc", 404),
        ("/api/v1/search", 400),
        ("/api/v1/search?q=" + "a" * 201, 400),
        ("/api/v1/search?q=x&limit=0", 400),
        ("/api/v1/search?q=x&limit=many", 400),
        ("/api/v2/codes", 404),
    ],
)
def test_errors_are_problem_details(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"] and problem["type"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_writes_to_the_api_are_problems(client):
    response = client.post("/api/v1/codes", content=b"{}")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("path", ["/api/v1/codes", "/api/v1/codes/404", "/api/v1/search?q=x", "/api/openapi.json"])
def test_cors_is_open(client, path):
    response = client.get(path, headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", ["/api/v1/codes/404", "/status/404"])
def test_cors_preflight(client, path):
    response = client.options(
        path,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    allowed = response.headers.get("access-control-allow-headers", "").lower()
    assert allowed == "*" or "accept" in allowed


def test_cors_on_the_live_endpoints(client):
    response = client.get("/status/418", headers={"Origin": "https://example.org"})
    assert response.status_code == 418
    assert response.headers["access-control-allow-origin"] == "*"


def test_openapi_document(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/v1/codes", "/api/v1/codes/{code}", "/api/v1/search"}
    assert doc["servers"][0]["url"] == client.base_url.__str__().rstrip("/")
