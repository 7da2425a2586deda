"""Every example of every code page, compiled and run for real."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from examples import (  # noqa: E402
    CODES,
    ExampleFailure,
    all_examples,
    check_framework,
    compile_example,
    examples_of,
    run_client_example,
    run_server_example,
)

EXAMPLES = all_examples()
PROGRAMS = [e for e in EXAMPLES if e.language in ("javascript", "python")]
SERVERS = [e for e in PROGRAMS if e.role == "server"]
CLIENTS = [e for e in PROGRAMS if e.role == "client"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


REGISTRY = Path(__file__).resolve().parents[2] / "data" / "iana-status-codes.csv"
# The codes whose pages show every server framework; every other final registered code has Express and FastAPI.
EVERY_FRAMEWORK = {
    404, 500, 502, 503, 504, 403, 401, 429, 301, 302, 304, 400, 200, 201, 204,
    307, 308, 405, 409, 410, 413, 415, 422, 412, 206, 416, 431, 451,
}  # fmt: skip


def final_registered_codes() -> list[int]:
    """The registry's assigned 2xx to 5xx codes, less 305 Use Proxy (deprecated); 306 and 418 are unused."""
    with REGISTRY.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        int(r["code"])
        for r in rows
        if r["code"].isdigit() and 200 <= int(r["code"]) <= 599
        and r["description"] != "(Unused)" and int(r["code"]) != 305
    ]


def test_every_final_code_has_framework_server_examples():
    codes = final_registered_codes()
    assert len(codes) == 56 and 306 not in codes and 418 not in codes and 510 in codes
    assert EVERY_FRAMEWORK <= set(codes)
    missing = {}
    for code in codes:
        have = {e.framework for e in SERVERS if Path(e.file).stem == f"{code:03d}"}
        need = {"express", "fastapi"} | ({"fastify", "flask", "django"} if code in EVERY_FRAMEWORK else set())
        if need - have:
            missing[code] = sorted(need - have)
    assert not missing, f"server examples missing, by code: {missing}"


def test_every_page_was_read():
    assert len(list(CODES.glob("*.md"))) == 99, "64 registered codes and 35 vendor-only codes"
    assert len(SERVERS) >= 120, "every registered code has a Node.js and a Python server example"


@pytest.mark.parametrize("example", PROGRAMS, ids=lambda e: e.id)
def test_compiles(example):
    check_framework(example)
    compile_example(example)


@pytest.mark.parametrize("example", SERVERS, ids=lambda e: e.id)
def test_server_sends_what_it_says(example):
    responses = run_server_example(example)
    final = responses[-1]
    if final.status in (204, 304) or final.status < 200:
        assert final.body == b""


@pytest.mark.parametrize("example", CLIENTS, ids=lambda e: e.id)
def test_client_handles_the_live_endpoint(example, server_url):
    run_client_example(example, server_url)


def test_102_page_sends_real_interim_responses():
    servers = [e for e in examples_of(CODES / "102.md") if e.role == "server"]
    assert {e.language for e in servers} >= {"javascript", "python"}
    for example in servers:
        statuses = [r.status for r in run_server_example(example)]
        assert statuses[0] == 102 and statuses[-1] == 200, statuses


@pytest.mark.parametrize("title", ["Broken: writeHead(102) then writeHead(200)", "Broken: a 102 sent as if it were the final response"])
def test_a_broken_example_fails_the_check(title):
    (example,) = [e for e in examples_of(FIXTURES / "broken-102.md") if e.title == title]
    compile_example(example)
    with pytest.raises(ExampleFailure, match="expected status codes"):
        run_server_example(example)


def test_the_correct_twin_of_the_broken_example_passes():
    (example,) = [e for e in examples_of(FIXTURES / "broken-102.md") if e.title.startswith("Correct")]
    assert [r.status for r in run_server_example(example)] == [102, 200]


def test_a_syntax_error_fails_compilation():
    (example,) = [e for e in examples_of(FIXTURES / "broken-102.md") if e.language == "javascript"][:1]
    example.code = example.code.replace("});", "}")
    with pytest.raises(ExampleFailure, match="does not compile"):
        compile_example(example)


def _fixture(title: str):
    (example,) = [e for e in examples_of(FIXTURES / "broken-frameworks.md") if e.title == title]
    check_framework(example)
    compile_example(example)
    return example


def test_express_sending_102_as_a_final_response_fails_the_check():
    example = _fixture("Broken: res.status(102).send() in Express")
    with pytest.raises(ExampleFailure, match=r"expected status codes \[102, 200\], the server sent \[102\]"):
        run_server_example(example)


def test_the_correct_express_twin_passes():
    example = _fixture("Correct: writeProcessing() then the final 200 in Express")
    assert [r.status for r in run_server_example(example)] == [102, 200]


def test_flask_abort_401_without_www_authenticate_fails_the_check():
    example = _fixture("Broken: abort(401) in Flask")
    with pytest.raises(ExampleFailure, match="the final 401 response has no `www-authenticate` header"):
        run_server_example(example)


def test_the_correct_flask_twin_passes():
    example = _fixture("Correct: 401 with WWW-Authenticate in Flask")
    (response,) = run_server_example(example)
    assert response.status == 401 and response.header("www-authenticate") == 'Bearer realm="api"'


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Wrong: an Express framework on a Python block", "is not one of python's"),
        ("Wrong: says Fastify and uses Express", "never imports `fastify`"),
    ],
)
def test_a_wrong_framework_attribute_fails(title, reason):
    (example,) = [e for e in examples_of(FIXTURES / "broken-frameworks.md") if e.title == title]
    with pytest.raises(ExampleFailure, match=reason):
        check_framework(example)
