"""Extracts the examples of httpstatus content pages and checks them for real.

Every JavaScript example is compiled with `node --check` and every Python example with `py_compile`.
A `role="server"` example is started on a free loopback port (PORT in its environment); a raw-socket
client sends its request and reads every response it sends, interim ones included, and the status
codes are compared with the example's `expect` attribute. A `role="client"` example is run with
BASE_URL pointing at a running httpstatus server and must exit 0.

An example with `framework="..."` uses that library (Express, Fastify, axios; FastAPI, Flask, Django,
requests, httpx). Python examples run with the project's venv, where tests/requirements.txt installs
them; JavaScript examples run from a directory whose `node_modules` is a link to the repository's (from
package.json, `npm ci`), so that both `require` and `import` find them.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODES = ROOT / "content" / "codes"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
SECTIONS_RE = re.compile(r"^## (.+)$")
ATTR_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
NODE_MODULES = ROOT / "node_modules"

# The `framework` values each language accepts, with the module an example must import. The catalog's
# build (crates/httpstatus-content) checks the same list; no attribute means the standard library.
FRAMEWORKS: dict[str, dict[str, str]] = {
    "javascript": {"express": "express", "fastify": "fastify", "axios": "axios"},
    "python": {"fastapi": "fastapi", "flask": "flask", "django": "django", "requests": "requests", "httpx": "httpx"},
}
# How long a server example may take to listen: FastAPI and Django import a lot before they bind.
START_SECONDS = {"": 20.0, "express": 30.0, "fastify": 30.0, "fastapi": 60.0, "flask": 45.0, "django": 60.0}


class ExampleFailure(AssertionError):
    """An example did not compile, did not start, or sent the wrong thing."""


@dataclass
class Example:
    file: str
    language: str
    title: str
    code: str
    role: str = ""
    expect: list[int] = field(default_factory=list)
    expect_headers: list[str] = field(default_factory=list)
    request: str = ""
    path: str = ""
    framework: str = ""

    @property
    def id(self) -> str:
        flavour = f"{self.language}/{self.framework}" if self.framework else self.language
        return f"{Path(self.file).stem}:{flavour}:{self.title}"

    def framework_problem(self) -> str | None:
        """Why the `framework` attribute is wrong for this block, or None when it is fine."""
        if not self.framework:
            return None
        allowed = FRAMEWORKS.get(self.language, {})
        if self.framework not in allowed:
            valid = ", ".join(allowed) or "none"
            return f"{self.id}: framework `{self.framework}` is not one of {self.language}'s ({valid})"
        module = re.escape(allowed[self.framework])
        if self.language == "javascript":
            uses = re.search(rf"""(require\(\s*|from\s+|import\s+)["']{module}(/[^"']*)?["']""", self.code)
        else:
            uses = re.search(rf"^\s*(import|from)\s+{module}\b", self.code, re.M)
        if not uses:
            return f"{self.id}: says framework `{self.framework}` but never imports `{allowed[self.framework]}`"
        return None


def _fence_marker(line: str) -> str | None:
    stripped = line.lstrip()
    ticks = len(stripped) - len(stripped.lstrip("`"))
    return stripped[:ticks] if ticks >= 3 else None


def examples_of(path: Path | str) -> list[Example]:
    """Returns the fenced examples of a page's `## Examples` section, fence-aware like the catalog's parser."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    body = text.split("+++", 2)[2] if text.startswith("+++") else text
    in_examples = False
    fence: str | None = None
    info = ""
    code: list[str] = []
    out: list[Example] = []
    for line in body.splitlines():
        marker = _fence_marker(line)
        if fence is None:
            heading = SECTIONS_RE.match(line)
            if heading:
                in_examples = heading.group(1).strip() == "Examples"
                continue
            if marker and in_examples:
                fence, info, code = marker, line.lstrip()[len(marker):].strip(), []
        elif line.strip() == fence:
            fence = None
            language, _, rest = info.partition(" ")
            attrs = {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in ATTR_RE.findall(rest)}
            out.append(
                Example(
                    file=str(path),
                    language=language,
                    title=attrs.get("title", ""),
                    code="\n".join(code) + "\n",
                    role=attrs.get("role", ""),
                    expect=[int(c) for c in attrs.get("expect", "").split()],
                    expect_headers=[h.strip().lower() for h in attrs.get("expect_headers", "").split(",") if h.strip()],
                    request=attrs.get("request", ""),
                    path=attrs.get("path", ""),
                    framework=attrs.get("framework", ""),
                )
            )
        else:
            code.append(line)
    return out


def all_examples() -> list[Example]:
    return [ex for page in sorted(CODES.glob("*.md")) for ex in examples_of(page)]


def _write(example: Example, directory: str) -> Path:
    if example.language == "javascript":
        is_module = re.search(r"^\s*(import|export)\s", example.code, re.M) is not None
        name = "example.mjs" if is_module else "example.js"
    else:
        name = "example.py"
    path = Path(directory) / name
    path.write_text(example.code, encoding="utf-8")
    if example.language == "javascript" and NODE_MODULES.is_dir():
        # Node resolves `require("express")` and `import "express"` from the file's own directory upwards;
        # NODE_PATH is ignored by ES modules, so the packages are linked in beside the file.
        (Path(directory) / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    return path


def _command(example: Example, path: Path) -> list[str]:
    return ["node", str(path)] if example.language == "javascript" else [PYTHON, "-u", str(path)]


def compile_example(example: Example) -> None:
    """Compiles a JavaScript or Python example; raises ExampleFailure with the compiler's message."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(example, tmp)
        if example.language == "javascript":
            cmd = ["node", "--check", str(path)]
        else:
            cmd = [PYTHON, "-m", "py_compile", str(path)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise ExampleFailure(f"{example.id} does not compile:\n{done.stderr}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ExampleFailure(f"the server exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise ExampleFailure(f"the server did not listen on 127.0.0.1:{port} within {seconds} s")


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class RawReader:
    """Reads HTTP/1.1 responses from a socket, interim ones included, without any HTTP library."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock = sock
        self.buffer = b""
        self.deadline = deadline
        self.closed = False

    def _fill(self) -> bool:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ExampleFailure("timed out waiting for the server's response")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout as e:
            raise ExampleFailure("timed out waiting for the server's response") from e
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if not self._fill():
                raise ExampleFailure(f"the connection closed mid-line; received so far: {self.buffer[:200]!r}")
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def head(self) -> Response | None:
        while not self.buffer:
            if not self._fill():
                return None
        status_line = self._line().decode("latin-1")
        match = re.fullmatch(r"HTTP/1\.[01] (\d{3}) ?(.*)", status_line)
        if not match:
            raise ExampleFailure(f"not an HTTP/1.1 status line: {status_line!r}")
        headers = []
        while True:
            line = self._line().decode("latin-1")
            if not line:
                break
            name, sep, value = line.partition(":")
            if not sep:
                raise ExampleFailure(f"malformed header line {line!r}")
            headers.append((name.strip(), value.strip()))
        return Response(int(match.group(1)), match.group(2), headers)

    def _exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            if not self._fill():
                raise ExampleFailure("the connection closed before the body was complete")
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def body(self, response: Response, method: str) -> bytes:
        if method == "HEAD" or response.status in (204, 304) or response.status < 200:
            return b""
        te = (response.header("transfer-encoding") or "").lower()
        if "chunked" in te:
            out = b""
            while True:
                size = int(self._line().split(b";")[0].strip(), 16)
                if size == 0:
                    while self._line():
                        pass
                    return out
                out += self._exact(size)
                self._exact(2)
        length = response.header("content-length")
        if length is not None:
            return self._exact(int(length))
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data


def exchange(port: int, request: bytes, timeout: float = 20.0) -> list[Response]:
    """Sends one request and returns every response to it: the interim ones, then the final one."""
    method = request.split(b" ", 1)[0].decode()
    head, sep, body = request.partition(b"\r\n\r\n")
    expects_continue = b"expect: 100-continue" in head.lower()
    responses: list[Response] = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        reader = RawReader(sock, time.monotonic() + timeout)
        if expects_continue and body:
            sock.sendall(head + sep)
            sock.settimeout(1.0)
            try:
                first = sock.recv(65536)
                reader.buffer += first
            except socket.timeout:
                pass
            sock.sendall(body)
        else:
            sock.sendall(request)
        while True:
            response = reader.head()
            if response is None:
                break
            responses.append(response)
            if response.status == 101:
                break
            response.body = reader.body(response, method)
            if response.status >= 200:
                break
    return responses


def request_bytes(example: Example) -> bytes:
    text = example.request or "GET / HTTP/1.1\\nHost: localhost\\nConnection: close\\n\\n"
    return text.replace("\\n", "\r\n").encode("latin-1")


def run_server_example(example: Example) -> list[Response]:
    """Starts a server example on a free port, sends its request, and checks the status codes it sends."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(example, tmp)
        port = free_port()
        env = dict(os.environ, PORT=str(port))
        # Its own process group, so that whatever it starts goes with it.
        process = subprocess.Popen(
            _command(example, path),
            cwd=tmp,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            try:
                _wait_for_port(port, process, START_SECONDS.get(example.framework, 20.0))
            except ExampleFailure as e:
                raise ExampleFailure(f"{example.id}: {e}{_output(process)}") from None
            try:
                responses = exchange(port, request_bytes(example))
            except ExampleFailure as e:
                raise ExampleFailure(f"{e}{_output(process)}") from None
            statuses = [r.status for r in responses]
            if statuses != example.expect:
                raise ExampleFailure(
                    f"{example.id}: expected status codes {example.expect}, the server sent {statuses}"
                    f"{_output(process)}"
                )
            final = responses[-1]
            for name in example.expect_headers:
                if final.header(name) is None:
                    raise ExampleFailure(f"{example.id}: the final {final.status} response has no `{name}` header")
            time.sleep(0.1)
            if process.poll() is not None:
                raise ExampleFailure(
                    f"{example.id}: the server died after answering (exit {process.returncode}){_output(process)}"
                )
            return responses
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Kills a server example and every process it started (the group is its pid until it is reaped)."""
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)


def _output(process: subprocess.Popen) -> str:
    _stop(process)
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    return f"\n--- server stderr ---\n{err[-3000:]}" if err.strip() else ""


def run_client_example(example: Example, base_url: str, timeout: float = 60.0) -> str:
    """Runs a client example against a live httpstatus server; it must exit 0. Returns its stdout."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(example, tmp)
        env = dict(os.environ, BASE_URL=base_url)
        try:
            done = subprocess.run(
                _command(example, path), cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise ExampleFailure(f"{example.id}: still running after {timeout} s against {base_url}") from None
        if done.returncode != 0:
            raise ExampleFailure(
                f"{example.id}: exited {done.returncode} against {base_url}\n--- stdout ---\n{done.stdout[-2000:]}"
                f"\n--- stderr ---\n{done.stderr[-2000:]}"
            )
        return done.stdout


def check_tools() -> None:
    for tool in ("node",):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is required to check examples")


def check_framework(example: Example) -> None:
    """Fails when the block's `framework` is unknown, belongs to another language, or is never imported."""
    problem = example.framework_problem()
    if problem:
        raise ExampleFailure(problem)
