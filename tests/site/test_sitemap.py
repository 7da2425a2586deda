"""sitemap.xml and robots.txt describe the real site."""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_every_page_and_only_pages(client, crawl, server_url):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", NS)]
    assert locations and len(locations) == len(set(locations))
    for url in locations:
        assert url.startswith(server_url + "/"), url
        page = client.get(url.removeprefix(server_url))
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), url
    pages = {p for p, f in crawl.html_pages().items() if "?" not in p and p != "/search"}
    listed = {url.removeprefix(server_url) for url in locations}
    assert pages - listed == set(), "pages missing from the sitemap"


def test_robots_txt(client, server_url):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {server_url}/sitemap.xml" in lines
    # The live endpoints answer with any status on demand: crawlers have no business there.
    assert "Disallow: /status/" in lines
    assert "Disallow: /" not in lines
