"""Page weight: a code page's HTML, CSS and JavaScript together at most 50 KB before compression."""

from __future__ import annotations

from sitelib import OUTPUT, parse_page

BUDGET = 50_000


def test_code_pages_fit_the_budget(client, crawl):
    codes = [f"/{c['code']:03d}" for c in client.get("/api/v1/codes").json()]
    assets: dict[str, int] = {}
    weights: dict[str, tuple[int, int]] = {}
    for path in codes:
        html = client.get(path, headers={"Accept-Encoding": "identity"}).content
        page = parse_page(html.decode())
        extra = 0
        for url in page.stylesheets + page.scripts:
            if url not in assets:
                assets[url] = len(client.get(url, headers={"Accept-Encoding": "identity"}).content)
            extra += assets[url]
        weights[path] = (len(html), len(html) + extra)
    largest = max(weights, key=lambda p: weights[p][1])
    pages = {p: len(f.body) for p, f in crawl.html_pages().items()}
    largest_page = max(pages, key=pages.get)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    lines = [f"assets: {assets}", f"largest code page: {largest} {weights[largest]}",
             f"largest page of the site: {largest_page} {pages[largest_page]} bytes of HTML",
             f"median code page HTML: {sorted(w[0] for w in weights.values())[len(weights) // 2]}"]
    lines += [f"{p} html={h} total={t}" for p, (h, t) in sorted(weights.items(), key=lambda kv: -kv[1][1])]
    (OUTPUT / "page-weights.txt").write_text("\n".join(lines) + "\n")
    over = {p: t for p, (_, t) in weights.items() if t > BUDGET}
    assert not over, f"code pages over {BUDGET} bytes with CSS and JS: {over}"
    assert pages[largest_page] <= 2 * BUDGET, f"{largest_page} is {pages[largest_page]} bytes"
