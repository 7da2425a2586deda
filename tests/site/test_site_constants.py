"""The served site's "Constants in libraries": the table on a code page and `constants` in the JSON API, the same
data the command line prints with --json."""

from __future__ import annotations

import json
import os
import subprocess

from sitelib import ROOT


def binary() -> str:
    return os.environ.get("HTTPSTATUS_BIN") or str(ROOT / "target" / "debug" / "httpstatus")


def test_api_constants_match_the_cli(client):
    served = client.get("/api/v1/codes/413").json()["constants"]
    printed = json.loads(subprocess.run([binary(), "413", "--json"], capture_output=True, check=True).stdout)["constants"]
    assert served == printed
    ecosystems = [c["ecosystem"] for c in served]
    assert ecosystems[:2] == ["Python", "Node.js"] and ".NET" in ecosystems
    for item in served:
        assert set(item) == {"ecosystem", "library", "names", "deprecated", "phrase", "version_checked", "source", "note"}
        assert item["source"].startswith("https://")
        assert item["version_checked"] or item["ecosystem"] == ".NET"


def test_code_page_has_the_table(client):
    html = client.get("/413").text
    start = html.index('<h2 id="constants-in-libraries">Constants in libraries</h2>')
    part = html[start : html.index("</section>", start)]
    assert '<table class="constants">' in part
    assert "<code>StatusRequestEntityTooLarge</code>" in part
    assert "<code>PAYLOAD_TOO_LARGE</code>" in part
    assert ">from source</a>" in part and ">3.11.7</a>" in part
