"""Every "Reproduce it" block the crawl finds on a code page is run as the page shows it: each curl command,
in order, against the real server, and each status compared with the page's `data-expect`. The blocks that
need the HTTPS port (the broken-TLS hosts) run against a `httpstatus serve --tls` of their own."""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shlex
import subprocess
import uuid
from pathlib import Path

import pytest

# `binary()` of tests/conftest.py, loaded by path: this directory has a conftest of its own.
_spec = importlib.util.spec_from_file_location("tests_root_conftest_reproduce", Path(__file__).resolve().parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
binary = _root.binary

BLOCK = re.compile(
    r'<section class="reproduce".*?<pre class="reproduce-commands" data-expect="([0-9 ]+)"><code[^>]*>(.*?)</code></pre>',
    re.S,
)
CA = '$(httpstatus ca path)'


def blocks(page_html: str) -> list[tuple[list[int], list[str]]]:
    return [
        ([int(s) for s in expect.split()], html.unescape(code).splitlines())
        for expect, code in BLOCK.findall(page_html)
    ]


def run(command: str, key: str, tls_port: int | None = None, ca: str | None = None) -> int:
    """Runs one command as shown, with a fresh key; returns the status curl got (0 for none)."""
    args = shlex.split(command.replace("try-", f"{key}-"))
    assert args[0] == "curl"
    if ca is not None:
        args = [ca if a == CA else re.sub(r"(\.localhost|localhost):8443", rf"\1:{tls_port}", a) for a in args]
    done = subprocess.run(
        [*args, "-s", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    return int(done.stdout or "0")


def test_every_block_the_crawl_finds_does_what_it_says(crawl, server_url):
    found = {}
    for path, fetched in crawl.pages.items():
        if fetched.status == 200 and fetched.is_html and re.fullmatch(r"/\d{3}", path):
            for expect, commands in blocks(fetched.body.decode()):
                found[path] = (expect, commands)
    assert len(found) >= 30, sorted(found)
    assert {"/412", "/416", "/429", "/409", "/000"} <= set(found)
    failures = []
    for path, (expect, commands) in sorted(found.items()):
        assert len(expect) == len(commands), path
        if any(CA in c for c in commands):
            continue  # the HTTPS cases: below
        key = f"crawl-{uuid.uuid4().hex[:10]}"
        assert all(server_url in c for c in commands), (path, commands)
        got = [run(c, key) for c in commands]
        if got != expect:
            failures.append((path, commands, expect, got))
    assert not failures, failures


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("reproduce-data")
    process = subprocess.Popen(
        [binary(), "serve", "--addr", "127.0.0.1:0", "--tls", "--tls-addr", "127.0.0.1:0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, HTTPSTATUS_DATA_DIR=str(data)),
    )
    lines = [process.stdout.readline().strip() for _ in range(2)]
    http_url = lines[0].removeprefix("listening on ")
    tls_port = int(lines[1].rsplit(":", 1)[1])
    yield http_url, tls_port, str(data / "ca" / "ca.pem")
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("code", [525, 526])
def test_the_https_blocks(tls_server, code):
    import httpx

    http_url, tls_port, ca = tls_server
    page = httpx.get(f"{http_url}/{code}").text
    (expect, commands), = blocks(page)
    got = [run(c, "tls", tls_port, ca) for c in commands]
    assert got == expect == [0]
    # The same host answers when only the one mistake is waived: the failure is the one the block names.
    waived = "-k" if code == 526 else "--tls-max"
    extra = ["-k"] if code == 526 else ["--tls-max", "1.2"]
    command = commands[0].replace("--tlsv1.3 ", "") + " " + " ".join(extra)
    assert run(command, "tls", tls_port, ca) == 200, waived
