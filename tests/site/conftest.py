"""Fixtures for the site tests: an HTTP client on the real server and a crawl of the site from `/`."""

from __future__ import annotations

import httpx
import pytest

from sitelib import LIVE_PREFIXES, Crawl, Fetched, internal_path, parse_page


@pytest.fixture(scope="session")
def client(server_url):
    with httpx.Client(base_url=server_url, timeout=20, follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="session")
def crawl(server_url, client) -> Crawl:
    """Every page reachable by links from `/`, fetched once. Forms are followed with an empty query."""
    pages: dict[str, Fetched] = {}
    live: dict[str, set[str]] = {}
    queue = ["/"]
    referrers: dict[str, set[str]] = {"/": set()}
    while queue:
        path = queue.pop(0)
        response = client.get(path, headers={"Accept-Encoding": "identity"})
        fetched = Fetched(response.status_code, response.headers, response.content, referrers[path])
        pages[path] = fetched
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append(response.headers["location"])
        if response.status_code == 200 and fetched.is_html:
            page = parse_page(response.text)
            targets += [href for _, href in page.links]
        for href in targets:
            target = internal_path(server_url, server_url + path, href)
            if target is None:
                continue
            target = target.split("#", 1)[0] or "/"
            if target.startswith(LIVE_PREFIXES):
                live.setdefault(target, set()).add(path)
                continue
            if target not in referrers:
                referrers[target] = set()
                queue.append(target)
            referrers[target].add(path)
    return Crawl(server_url, pages, live)
