"""`httpstatus export DIR`: a static site whose every internal link resolves, with precompressed copies."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import brotli
import pytest

from sitelib import ROOT, parse_page

PUBLIC = "https://httpstatus.example"
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg"}


def binary() -> str:
    return os.environ.get("HTTPSTATUS_BIN") or str(ROOT / "target" / "debug" / "httpstatus")


LIVE = "https://live.httpstatus.example"


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    subprocess.run([binary(), "export", str(out), "--public-url", PUBLIC], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def export_live(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export-live")
    subprocess.run([binary(), "export", str(out), "--public-url", PUBLIC, "--live-url", LIVE],
                   check=True, capture_output=True)
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


class References(HTMLParser):
    """Every `href` and `src` attribute of a page, on any element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def references(file: Path) -> References:
    parser = References()
    parser.feed(file.read_text())
    parser.close()
    return parser


def unresolved(root: Path, live: str | None) -> tuple[list, int, int]:
    """Every `href` and `src` that a static host would not serve: (broken, checked, links to the live server)."""
    broken, checked, to_live = [], 0, 0
    ids: dict[Path, set[str]] = {}
    for file in html_files(root):
        here = "/" + str(file.relative_to(root)).removesuffix("index.html")
        for url in references(file).urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme or parts.netloc:
                if live and origin == live:
                    assert parts.path.startswith("/status/"), (here, url)
                    to_live += 1
                    continue
                if origin != PUBLIC:
                    continue  # another site: the sources, the registry
            path = parts.path or here
            if not path.startswith("/"):
                broken.append((here, url, "relative link"))
                continue
            target = resolve(root, path)
            checked += 1
            if target is None:
                broken.append((here, url, "no such file"))
            elif parts.fragment:
                if target not in ids:
                    ids[target] = references(target).ids
                if parts.fragment not in ids[target]:
                    broken.append((here, url, "no such id"))
    return broken, checked, to_live


def test_every_href_and_src_resolves_without_a_live_server(export):
    broken, checked, to_live = unresolved(export, None)
    assert checked > 1000, f"only {checked} references checked"
    assert not broken, broken[:20]
    assert to_live == 0
    page = (export / "429/index.html").read_text()
    assert 'href="/status/' not in page and "Try it" not in page


def test_every_href_and_src_resolves_with_a_live_server(export_live):
    broken, checked, to_live = unresolved(export_live, LIVE)
    assert checked > 1000 and not broken, broken[:20]
    assert to_live >= 90, f"{to_live} links to the live server: one per code page expected"
    page = (export_live / "429/index.html").read_text()
    assert f'href="{LIVE}/status/429"' in page and f"curl -i {LIVE}/status/429" in page


def quality_queries() -> list[str]:
    source = (ROOT / "crates/httpstatus-catalog/tests/search_quality.rs").read_text()
    queries = [q.encode().decode("unicode_escape") for q, _ in re.findall(r'\(\s*"((?:[^"\\]|\\.)*)",\s*(\d+)\s*\)', source)]
    assert len(queries) >= 100, len(queries)
    return queries


def test_the_exported_search_ranks_like_the_server(export, client):
    """The export's script, run by Node over the exported index, puts the server's first result first."""
    scripts = parse_page((export / "index.html").read_text()).scripts
    assert len(scripts) == 1
    script = export / scripts[0].lstrip("/")
    index = export / "assets/search-index.json"
    queries = quality_queries()
    program = (
        "const search = require(process.argv[1]);"
        "const index = search.prepare(JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')));"
        "const queries = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(queries.map(q => (search.search(index, q, 1)[0] || {}).code ?? null)));"
    )
    result = subprocess.run(["node", "-e", program, str(script), str(index)], input=json.dumps(queries),
                            capture_output=True, text=True, check=True)
    static_top = json.loads(result.stdout)
    differ = []
    for query, top in zip(queries, static_top):
        server = client.get("/api/v1/search", params={"q": query, "limit": 1}).json()
        expected = server[0]["code"] if server else None
        if top != expected:
            differ.append((query, expected, top))
    assert not differ, differ
