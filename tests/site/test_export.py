"""`httpstatus export DIR`: a static site whose every internal link resolves, with precompressed copies."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import brotli
import pytest

from sitelib import LIVE_PREFIXES, ROOT, parse_page

PUBLIC = "https://httpstatus.example"
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg"}


def binary() -> str:
    return os.environ.get("HTTPSTATUS_BIN") or str(ROOT / "target" / "debug" / "httpstatus")


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    subprocess.run([binary(), "export", str(out), "--public-url", PUBLIC], check=True, capture_output=True)
    return out


def resolve(root: Path, path: str) -> Path | None:
    """The file a static host serves for `path`: `/` is index.html, `/404` is 404/index.html, files as they are."""
    relative = unquote(path).lstrip("/")
    candidates = [root / relative / "index.html"] if relative else [root / "index.html"]
    candidates.append(root / relative)
    for candidate in candidates:
        if candidate.is_file() and root.resolve() in candidate.resolve().parents:
            return candidate
    return None


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_export_has_the_whole_site(export):
    for path in ["/", "/404", "/429", "/class/4xx", "/unofficial", "/search", "/robots.txt", "/sitemap.xml",
                 "/api/v1/codes.json", "/api/v1/codes/404.json", "/api/openapi.json", "/404.html"]:
        assert resolve(export, path), path
    assert len(html_files(export)) > 20


def test_no_internal_link_is_broken(export):
    broken = []
    ids: dict[Path, set[str]] = {}
    checked = 0
    for file in html_files(export):
        page = parse_page(file.read_text())
        here = "/" + str(file.relative_to(export)).removesuffix("index.html")
        for _, href in page.links + [("canonical", c) for c in page.canonical]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                if f"{parts.scheme}://{parts.netloc}" != PUBLIC:
                    continue  # another site
            path = parts.path or here
            if not path.startswith("/"):
                broken.append((here, href, "relative link"))
                continue
            if path.startswith(LIVE_PREFIXES):
                continue  # the live test server's endpoints, not part of a static export
            target = resolve(export, path)
            checked += 1
            if target is None:
                broken.append((here, href, "no such file"))
            elif parts.fragment:
                if target not in ids:
                    ids[target] = set(parse_page(target.read_text()).ids)
                if parts.fragment not in ids[target]:
                    broken.append((here, href, "no such id"))
    assert checked > 1000, f"only {checked} links checked"
    assert not broken, broken[:20]


def test_sitemap_lists_exported_pages(export):
    root = ET.fromstring((export / "sitemap.xml").read_bytes())
    locations = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations
    for url in locations:
        assert url.startswith(PUBLIC + "/"), url
        assert resolve(export, url.removeprefix(PUBLIC)), url


def test_every_compressible_file_has_gzip_and_brotli(export):
    checked = 0
    for file in export.rglob("*"):
        if not file.is_file() or file.suffix not in COMPRESSIBLE:
            continue
        body = file.read_bytes()
        gz = file.with_name(file.name + ".gz")
        br = file.with_name(file.name + ".br")
        assert gz.is_file() and br.is_file(), file
        assert gzip.decompress(gz.read_bytes()) == body, gz
        assert brotli.decompress(br.read_bytes()) == body, br
        checked += 1
    assert checked > 100


def test_not_found_page_and_api_documents(export):
    not_found = (export / "404.html").read_text()
    assert "search" in parse_page(not_found).landmarks
    codes = json.loads((export / "api/v1/codes.json").read_text())
    for brief in codes:
        entry = json.loads((export / f"api/v1/codes/{brief['code']:03d}.json").read_text())
        assert entry["code"] == brief["code"]
        assert resolve(export, f"/{brief['code']:03d}")
    canonical = parse_page((export / "429/index.html").read_text()).canonical
    assert canonical == [f"{PUBLIC}/429"]
