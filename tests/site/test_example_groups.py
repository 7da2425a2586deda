"""A code page's examples without JavaScript: every example in the HTML, visible, grouped under a heading
per language and framework in a fixed order (site.js turns the groups into tabs)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

LABELS = {
    "javascript": "Node.js",
    "javascript/express": "Express",
    "javascript/fastify": "Fastify",
    "javascript/axios": "axios",
    "python": "Python",
    "python/fastapi": "FastAPI",
    "python/flask": "Flask",
    "python/django": "Django",
    "python/requests": "Requests",
    "python/httpx": "HTTPX",
}
ORDER = list(LABELS)


class Groups(HTMLParser):
    """The example groups of a page, in order: flavour, heading text, and the figures inside."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[dict] = []
        self.figures_outside: list[str] = []
        self.hidden: list[str] = []
        self._depth = 0
        self._in_h3 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "example-group" in (a.get("class") or "").split():
            self.groups.append({"flavour": a.get("data-flavour"), "id": a.get("id"), "heading": "", "figures": []})
            if "hidden" in a:
                self.hidden.append(a.get("id"))
            self._depth = 1
        elif self._depth and tag == "section":
            self._depth += 1
        if tag == "h3" and self._depth:
            self._in_h3 = True
        if tag == "figure" and "example" in (a.get("class") or "").split():
            if "hidden" in a:
                self.hidden.append(a.get("data-language"))
            flavour = a["data-language"] + ("/" + a["data-framework"] if a.get("data-framework") else "")
            (self.groups[-1]["figures"] if self._depth else self.figures_outside).append(flavour)

    def handle_endtag(self, tag):
        if tag == "section" and self._depth:
            self._depth -= 1
        if tag == "h3":
            self._in_h3 = False

    def handle_data(self, data):
        if self._in_h3:
            self.groups[-1]["heading"] += data


def test_every_example_is_shown_under_its_framework_heading(client):
    codes = [c["code"] for c in client.get("/api/v1/codes").json()]
    checked_frameworks = set()
    for code in codes:
        path = f"/{code:03d}"
        entry = client.get(f"/api/v1/codes/{code:03d}").json()
        page = Groups()
        page.feed(client.get(path).text)
        assert not page.hidden, f"{path}: hidden without JavaScript: {page.hidden}"
        programs = [x for x in entry["examples"] if x["language"] in ("javascript", "python")]
        wanted = sorted(
            {x["language"] + ("/" + x["framework"] if x["framework"] else "") for x in programs}, key=ORDER.index
        )
        assert [g["flavour"] for g in page.groups] == wanted, path
        for group in page.groups:
            assert group["heading"] == LABELS[group["flavour"]], (path, group)
            assert group["figures"] and set(group["figures"]) == {group["flavour"]}, (path, group)
            checked_frameworks.add(group["flavour"])
        assert sum(len(g["figures"]) for g in page.groups) == len(programs), path
        others = [x["language"] for x in entry["examples"] if x["language"] not in ("javascript", "python")]
        assert page.figures_outside == others, path
    assert {"javascript", "python"} <= checked_frameworks


def test_a_framework_example_is_labelled_with_its_framework(client):
    html = client.get("/202").text
    entry = client.get("/api/v1/codes/202").json()
    framework = next((x for x in entry["examples"] if x["framework"]), None)
    assert framework is not None, "202 has a framework example"
    label = LABELS[f"{framework['language']}/{framework['framework']}"]
    assert re.search(rf'data-framework="{framework["framework"]}"><figcaption><span class="lang">{label} · ', html)
