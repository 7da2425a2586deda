"""The site as a visitor meets it: every page reachable by links from `/`, none broken, each well formed."""

from __future__ import annotations

import pytest

from sitelib import ROOT, parse_page

CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"]
GUIDES = ["how-status-codes-work", "why-the-right-code-matters"]
REDIRECTS = (301, 302, 303, 307, 308)


def test_no_internal_link_is_broken(crawl):
    broken = {
        path: (f.status, sorted(f.referrers)[:3])
        for path, f in crawl.pages.items()
        if f.status != 200 and f.status not in REDIRECTS
    }
    assert not broken, f"links that do not answer 200 or a redirect (status, linked from): {broken}"
    assert len(crawl.html_pages()) > 20, "the crawl found almost nothing: is `/` linking to the site?"


def test_redirects_land_on_pages(crawl):
    for path, f in crawl.pages.items():
        if f.status in REDIRECTS:
            target = f.headers["location"]
            assert crawl.pages.get(target) and crawl.pages[target].status == 200, (path, target)


def test_every_code_page_is_reachable_from_home(crawl, client):
    codes = client.get("/api/v1/codes").json()
    assert codes, "the catalog is empty"
    missing = [f"/{c['code']:03d}" for c in codes if f"/{c['code']:03d}" not in crawl.html_pages()]
    assert not missing, f"code pages no link leads to: {missing}"


@pytest.mark.parametrize("path", ["/", "/unofficial", "/search", "/api/openapi.json"] + [f"/class/{c}" for c in CLASSES])
def test_fixed_pages_are_reachable_from_home(crawl, path):
    assert path in crawl.pages and crawl.pages[path].status == 200, f"{path} is not reachable by links from /"


@pytest.mark.parametrize("slug", GUIDES)
def test_guides_are_reachable_from_home(crawl, client, slug):
    if not (ROOT / "content" / "guides" / f"{slug}.md").exists():
        # The guides are content; while one is unwritten the site must not link to it (the crawl checks that).
        assert f"/guides/{slug}" not in crawl.pages
        pytest.skip(f"content/guides/{slug}.md is not written yet")
    assert crawl.pages.get(f"/guides/{slug}") and crawl.pages[f"/guides/{slug}"].status == 200


def test_every_page_has_title_description_and_canonical(crawl):
    problems = []
    for path, f in crawl.html_pages().items():
        page = parse_page(f.body.decode())
        description = page.meta.get("description", "")
        if not page.title.strip():
            problems.append((path, "no <title>"))
        if not 20 <= len(description) <= 160:
            problems.append((path, f"meta description of {len(description)} characters"))
        expected = crawl.base + path.split("?", 1)[0]
        if page.canonical != [expected]:
            problems.append((path, f"canonical {page.canonical}, expected [{expected}]"))
    assert not problems, problems


def test_titles_and_descriptions_are_unique(crawl):
    seen: dict[str, str] = {}
    duplicates = []
    for path, f in crawl.html_pages().items():
        if path.startswith("/search"):
            continue
        page = parse_page(f.body.decode())
        for key in (page.title, page.meta.get("description", "")):
            if key in seen:
                duplicates.append((path, seen[key], key))
            seen[key] = path
    assert not duplicates, duplicates


def test_nothing_inline_and_nothing_from_elsewhere(crawl):
    """The CSP allows no inline script or style: a page that used one would break in the browser."""
    problems = []
    for path, f in crawl.html_pages().items():
        page = parse_page(f.body.decode())
        if page.inline_scripts:
            problems.append((path, "inline <script>"))
        if page.inline_styles:
            problems.append((path, page.inline_styles[:3]))
        if page.event_handlers:
            problems.append((path, page.event_handlers[:3]))
        for url in page.stylesheets + page.scripts:
            if not url.startswith("/") or url.startswith("//"):
                problems.append((path, f"loads {url}"))
    assert not problems, problems


def test_landmarks_headings_and_ids(crawl):
    problems = []
    for path, f in crawl.html_pages().items():
        page = parse_page(f.body.decode())
        for landmark in ("header", "nav", "main", "footer", "search"):
            if landmark not in page.landmarks:
                problems.append((path, f"no {landmark} landmark"))
        if page.landmarks.count("main") != 1:
            problems.append((path, "main landmark not unique"))
        if not page.headings or page.headings[0] != 1 or page.headings.count(1) != 1:
            problems.append((path, f"headings must start with one h1: {page.headings[:5]}"))
        for before, after in zip(page.headings, page.headings[1:]):
            if after > before + 1:
                problems.append((path, f"heading level jumps from h{before} to h{after}"))
                break
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        if duplicates:
            problems.append((path, f"duplicate ids {sorted(duplicates)}"))
        if '<html lang="en">' not in f.body.decode():
            problems.append((path, "no lang on <html>"))
    assert not problems, problems[:20]


def test_code_page_has_every_part(client):
    """A registered final code: summary, origin with the RFC link, every section, examples, Try it."""
    html = client.get("/429").text
    for part in [
        '<p class="lead">',
        'href="https://www.rfc-editor.org/rfc/rfc6585',
        'id="what-can-i-do"',
        'id="causes"',
        'id="how-to-debug--fix"',
        'id="examples"',
        'data-language="javascript"',
        'data-language="python"',
        'class="copy"',
        'id="try"',
        'class="try-button"',
        "curl -i ",
        'id="related-codes"',
    ]:
        assert part in html, part
    # Highlighting is done on the server: the example code arrives already marked up.
    assert '<span class="k">' in html


def test_vendor_meanings_are_on_the_code_page(client):
    vendor_codes = [c for c in client.get("/api/v1/codes?official=false").json()]
    assert vendor_codes
    entry = client.get(f"/api/v1/codes/{vendor_codes[0]['code']:03d}").json()
    html = client.get(f"/{entry['code']:03d}").text
    assert 'id="vendors"' in html
    for vendor in entry["vendors"]:
        assert vendor["vendor"].replace("&", "&amp;") in html


def test_unassigned_code_explains_the_class_fallback(client):
    known = {c["code"] for c in client.get("/api/v1/codes").json()}
    candidates = [c for c in range(100, 600) if c not in known and (c // 100) * 100 in known]
    assert candidates, "no class has its x00 code in the catalog"
    code = candidates[-1]
    response = client.get(f"/{code}")
    assert response.status_code == 200
    fallback = (code // 100) * 100
    assert f'href="/{fallback}"' in response.text
    assert "treat" in response.text


@pytest.mark.parametrize("path", ["/600", "/42", "/abc", "/no/such/page"])
def test_anything_else_is_a_helpful_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = parse_page(response.text)
    assert "search" in page.landmarks
    assert [a for _, a in page.links if a.startswith("/") and a[1:4].isdigit()], "offers no codes"


def test_search_works_without_javascript(client):
    home = parse_page(client.get("/").text)
    form = [f for f in home.forms if f.get("action") == "/search"]
    assert form and form[0].get("method", "get").lower() == "get"
    assert any(i.get("name") == "q" for i in home.inputs)
    response = client.get("/search", params={"q": "too many"})
    assert response.status_code == 200
    results = parse_page(response.text)
    first = [href for _, href in results.links if href.startswith("/") and href[1:4].isdigit() and len(href) == 4]
    # The first code link inside main is the best result; the header and nav have no code links.
    assert first and first[0] == "/429", first[:5]
    assert 'value="too many"' in response.text


def test_search_with_no_result_says_so(client):
    response = client.get("/search", params={"q": "zzqxj"})
    assert response.status_code == 200
    assert "No code matches" in response.text


def test_navigation_marks_the_current_page(crawl):
    for path in ["/class/1xx", "/class/4xx", "/unofficial"]:
        html = crawl.pages[path].body.decode()
        assert html.count('aria-current="page"') == 1, path
        assert f'<a href="{path}" aria-current="page">' in html, path
    assert 'aria-current="page"' not in crawl.pages["/429"].body.decode()


def test_every_step_of_which_code_to_send_is_reachable_by_plain_links(crawl):
    import tomllib

    tree = tomllib.loads((ROOT / "content" / "choose.toml").read_text())
    assert "/" in crawl.pages["/choose"].referrers and "/guides" in crawl.pages["/choose"].referrers
    for step in tree["step"]:
        path = "/choose" if step["id"] == "start" else f"/choose/{step['id']}"
        fetched = crawl.pages.get(path)
        assert fetched and fetched.status == 200, f"{path} is not reachable by links from /"
        page = parse_page(fetched.body.decode())
        hrefs = {href for _, href in page.links}
        for answer in step["answer"]:
            if "step" in answer:
                assert f"/choose/{answer['step']}" in hrefs, (path, answer["label"])
            else:
                assert f"/{answer['code']:03d}" in hrefs, (path, answer["label"])
