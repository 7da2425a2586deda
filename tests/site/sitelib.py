"""Helpers for the site tests: an HTML reader, the crawl of the site from `/`, raw HTTP exchanges."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "output"

# Paths served by the live test server rather than the site: they answer with the code they name.
LIVE_PREFIXES = ("/status/", "/long")


class Page(HTMLParser):
    """What the tests need from an HTML page: links, head metadata, headings, landmarks, inline code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self.inline_styles: list[str] = []
        self.event_handlers: list[str] = []
        self.headings: list[int] = []
        self.landmarks: list[str] = []
        self.ids: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.inputs: list[dict[str, str]] = []
        self.title = ""
        self._in_title = False
        self._in_script = False
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if "style" in a:
            self.inline_styles.append(f"<{tag} style={a['style']!r}>")
        self.event_handlers += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        if tag == "a" and "href" in a:
            self.links.append((tag, a["href"]))
        elif tag == "link":
            rel = a.get("rel", "")
            if rel == "canonical":
                self.canonical.append(a.get("href", ""))
            elif rel == "stylesheet":
                self.stylesheets.append(a.get("href", ""))
            if "href" in a and rel != "canonical":
                self.links.append((tag, a["href"]))
        elif tag == "script":
            if "src" in a:
                self.scripts.append(a["src"])
                self.links.append((tag, a["src"]))
            else:
                self._in_script = True
                self._script_text = ""
        elif tag == "img" and "src" in a:
            self.links.append((tag, a["src"]))
        elif tag == "form":
            self.forms.append(a)
            if "action" in a:
                self.links.append((tag, a["action"]))
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "style":
            self.inline_styles.append("<style>")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag in ("header", "main", "footer", "nav", "aside") or a.get("role") == "search":
            self.landmarks.append("search" if a.get("role") == "search" else tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "script" and self._in_script:
            self._in_script = False
            if self._script_text.strip():
                self.inline_scripts += 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_script:
            self._script_text += data


def parse_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@dataclass(repr=False)
class Fetched:
    status: int
    headers: httpx.Headers
    body: bytes
    # Pages that link here, for messages.
    referrers: set[str] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"<{self.status} {self.headers.get('content-type')}, {len(self.body)} bytes>"

    @property
    def is_html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")


@dataclass(repr=False)
class Crawl:
    base: str
    pages: dict[str, Fetched]
    # Internal links seen, by target path, and the pages they were seen on.
    live_links: dict[str, set[str]]

    def __repr__(self) -> str:
        return f"<crawl of {len(self.pages)} paths from {self.base}>"

    def html_pages(self) -> dict[str, Fetched]:
        return {p: f for p, f in self.pages.items() if f.status == 200 and f.is_html}


def internal_path(base: str, page_url: str, href: str) -> str | None:
    """The path (with query) of a link that stays on this site, or None for other sites and fragments only."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(page_url, href)
    parts = urlsplit(absolute)
    here = urlsplit(base)
    if (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def raw_exchange(base: str, request: bytes, timeout: float = 10) -> bytes:
    """Sends raw request bytes (which should ask for `Connection: close`) and returns every byte received."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def raw_get(base: str, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> bytes:
    host = urlsplit(base).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", "User-Agent: httpstatus-tests"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return raw_exchange(base, ("\r\n".join(lines) + "\r\n\r\n").encode())
