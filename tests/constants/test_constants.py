"""content/constants/*.toml against the real libraries.

For every ecosystem that installs here, a small program in its own language (tests/constants/dump/) prints what
the installed library defines: each code with its constant names (deprecated ones apart) and its phrase. This
test compares that with our data both ways: every entry we list exists in the library with that code, those
names and that phrase, and every code the library defines that we have a page for is listed. The version in
the data must be the version installed. Rust's `http` crate is checked by
crates/httpstatus-catalog/tests/constants_rust.rs (it compiles every name against the crate).

A missing toolchain fails the test with the Debian package to install; `bash .ci/run` installs them all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "content" / "constants"
DUMP = Path(__file__).resolve().parent / "dump"
SYMFONY_AUTOLOAD = Path("/usr/share/php/Symfony/Component/HttpFoundation/autoload.php")
SPRING_WEB_JAR = Path("/usr/share/java/spring3-web.jar")


def data(key: str) -> dict:
    return tomllib.loads((DATA / f"{key}.toml").read_text())


def pages() -> set[int]:
    return {int(p.stem) for p in (ROOT / "content" / "codes").glob("*.md")}


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"`{tool}` is not installed: `apt-get install {package}` (bash .ci/run installs it)")
    return path


def need_file(path: Path, package: str) -> None:
    if not path.exists():
        pytest.fail(f"{path} does not exist: `apt-get install {package}` (bash .ci/run installs it)")


def run(command: list[str], **kwargs) -> dict:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def debian_version(package: str) -> str:
    """The upstream part of an installed Debian package's version: 5.4.23 from 5.4.23+dfsg-1+deb12u5."""
    need("dpkg-query", "dpkg")
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"the Debian package {package} is not installed: `apt-get install {package}`")
    version = result.stdout.split(":", 1)[-1]
    return version.split("-")[0].split("+")[0]


def dump_python() -> dict:
    # The interpreter running the tests: the project's venv.
    return run([sys.executable, str(DUMP / "python_http.py")])


def dump_node() -> dict:
    return run([need("node", "nodejs"), str(DUMP / "node_http.js")])


def dump_go() -> dict:
    env = {**os.environ, "GOFLAGS": ""}
    return run([need("go", "golang-go"), "run", str(DUMP / "go_http.go")], env=env, cwd=DUMP)


def compile_java(tmp: Path, main: str) -> Path:
    javac = need("javac", "default-jdk-headless")
    out = tmp / "classes"
    sources = [str(DUMP / "Json.java"), str(DUMP / f"{main}.java")]
    result = subprocess.run([javac, "-d", str(out), *sources], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"javac {main}.java failed:\n{result.stderr}")
    return out


def dump_java(tmp: Path) -> dict:
    classes = compile_java(tmp, "JavaHttpUrlConnection")
    return run([need("java", "default-jdk-headless"), "-cp", str(classes), "JavaHttpUrlConnection"])


def dump_spring(tmp: Path) -> dict:
    need_file(SPRING_WEB_JAR, "libspring-web-java")
    classes = compile_java(tmp, "SpringHttpStatus")
    classpath = f"{classes}:{SPRING_WEB_JAR}"
    return run([need("java", "default-jdk-headless"), "-cp", classpath, "SpringHttpStatus"])


def dump_rack() -> dict:
    ruby = need("ruby", "ruby-rack")
    return run([ruby, str(DUMP / "ruby_rack.rb")])


def dump_symfony() -> dict:
    php = need("php", "php-cli")
    need_file(SYMFONY_AUTOLOAD, "php-symfony-http-foundation")
    version = debian_version("php-symfony-http-foundation")
    return run([php, str(DUMP / "php_symfony.php"), str(SYMFONY_AUTOLOAD), version])


DUMPERS = {
    "python": lambda tmp: dump_python(),
    "node": lambda tmp: dump_node(),
    "go": lambda tmp: dump_go(),
    "java": dump_java,
    "spring": dump_spring,
    "symfony": lambda tmp: dump_symfony(),
    "rack": lambda tmp: dump_rack(),
}
# Checked by a Rust test instead: crates/httpstatus-catalog/tests/constants_rust.rs.
CHECKED_IN_RUST = {"rust"}


def differences(ours: dict, theirs: dict, with_pages: set[int]) -> list[str]:
    """Every way the data and the library's dump disagree, one line each."""
    problems = []
    if ours.get("version_checked") != theirs["version"]:
        problems.append(
            f"version: the data says version_checked = {ours.get('version_checked')!r}, "
            f"the installed library is {theirs['version']!r}"
        )
    mine = {c["code"]: c for c in ours.get("code", [])}
    library = {e["code"]: e for e in theirs["entries"]}
    for code, entry in sorted(mine.items()):
        found = library.get(code)
        if found is None:
            problems.append(f"{code}: in the data, but the library has no such code")
            continue
        names, deprecated = entry.get("names", []), entry.get("deprecated", [])
        if names[:1] != found["names"][:1] or sorted(names) != sorted(found["names"]):
            problems.append(f"{code}: names {names} in the data, {found['names']} in the library (current first)")
        if sorted(deprecated) != sorted(found["deprecated"]):
            problems.append(f"{code}: deprecated {deprecated} in the data, {found['deprecated']} in the library")
        if entry.get("phrase") != found["phrase"]:
            problems.append(f"{code}: phrase {entry.get('phrase')!r} in the data, {found['phrase']!r} in the library")
    for code, found in sorted(library.items()):
        if code in with_pages and code not in mine:
            problems.append(
                f"{code}: the library defines it ({found['names'] or found['deprecated']}, {found['phrase']!r}) "
                "and it has a page, but the data does not list it"
            )
    return problems


@pytest.mark.parametrize("key", sorted(DUMPERS))
def test_data_matches_the_installed_library(key, tmp_path):
    ours = data(key)
    theirs = DUMPERS[key](tmp_path)
    assert theirs["entries"], f"the {key} dump found no status codes at all"
    problems = differences(ours, theirs, pages())
    assert not problems, f"content/constants/{key}.toml disagrees with the installed library:\n" + "\n".join(problems)


def test_every_checked_ecosystem_is_run_and_the_others_name_their_source():
    checked = {p.stem for p in DATA.glob("*.toml") if "version_checked" in data(p.stem)}
    assert checked == set(DUMPERS) | CHECKED_IN_RUST, (
        "an ecosystem with version_checked needs a check here (or in Rust), and one with a check needs "
        f"version_checked: checked in data {sorted(checked)}, run here {sorted(set(DUMPERS) | CHECKED_IN_RUST)}"
    )
    for path in DATA.glob("*.toml"):
        entry = data(path.stem)
        assert entry["source"].startswith("https://"), f"{path.name}: `source` is the documentation or source URL"


def test_the_comparison_catches_each_kind_of_difference():
    """The comparison itself: a wrong name, phrase, version, a missing and an invented code are each reported."""
    ours = {
        "version_checked": "1.0",
        "code": [
            {"code": 200, "names": ["OK"], "phrase": "OK"},
            {"code": 404, "names": ["MISSING"], "phrase": "Not Found"},
            {"code": 413, "names": ["PAYLOAD_TOO_LARGE"], "phrase": "Payload Too Large"},
            {"code": 599, "names": ["INVENTED"], "phrase": "Invented"},
        ],
    }
    theirs = {
        "version": "1.1",
        "entries": [
            {"code": 200, "names": ["OK"], "deprecated": [], "phrase": "OK"},
            {"code": 404, "names": ["NOT_FOUND"], "deprecated": [], "phrase": "Not Found"},
            {"code": 413, "names": ["CONTENT_TOO_LARGE"], "deprecated": ["PAYLOAD_TOO_LARGE"], "phrase": "Content Too Large"},
            {"code": 429, "names": ["TOO_MANY_REQUESTS"], "deprecated": [], "phrase": "Too Many Requests"},
            {"code": 299, "names": ["NO_PAGE"], "deprecated": [], "phrase": "No Page"},
        ],
    }
    problems = differences(ours, theirs, {200, 404, 413, 429, 599})
    text = "\n".join(problems)
    for expected in ["version:", "404: names", "413: names", "413: deprecated", "413: phrase", "429: the library defines", "599: in the data"]:
        assert expected in text, f"{expected!r} not reported in:\n{text}"
    assert "299" not in text, "a code without a page is not required"
    assert not any(p.startswith("200") for p in problems)
