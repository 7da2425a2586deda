"""The real `httpstatus serve --tls` for the HTTP/2 tests: cleartext (HTTP/1.1 and h2c) and TLS (h2 and
HTTP/1.1 by ALPN) on free loopback ports, its local CA in a temporary data directory.

The test modules import these fixtures. This is not a conftest.py: pytest makes every conftest.py the module
`conftest`, and tests elsewhere import `conftest` meaning tests/conftest.py."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# `binary()` of tests/conftest.py, loaded by path: every test directory has a module named `conftest`.
_spec = importlib.util.spec_from_file_location("tests_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
binary = _root.binary


@dataclass
class Server:
    process: subprocess.Popen
    http_url: str  # http://127.0.0.1:PORT (HTTP/1.1 and h2c with prior knowledge)
    https_url: str  # https://localhost:PORT (h2 and HTTP/1.1 by ALPN)
    port: int
    tls_port: int
    ca: str  # the local CA's certificate (PEM)
    log: Path  # the access log (the server's stderr)

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory_kib(self) -> dict[str, int]:
        """VmRSS and VmHWM of the server process, in KiB."""
        fields = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
        return fields

    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """One data directory for every server of the session, so the local CA is created once."""
    return tmp_path_factory.mktemp("h2-data")


def start_server(data_dir: Path, log: Path, *extra: str) -> Server:
    env = dict(os.environ, HTTPSTATUS_DATA_DIR=str(data_dir))
    process = subprocess.Popen(
        [binary(), "serve", "--addr", "127.0.0.1:0", "--tls", "--tls-addr", "127.0.0.1:0",
         "--shutdown-grace", "2", *extra],
        stdout=subprocess.PIPE,
        stderr=log.open("wb"),
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    lines = [process.stdout.readline().strip() for _ in range(2)]
    if not (lines[0].startswith("listening on http://") and lines[1].startswith("listening on https://")):
        process.kill()
        pytest.fail(f"`httpstatus serve --tls` did not announce both addresses; first lines: {lines!r}")
    http_url = lines[0].removeprefix("listening on ")
    https_url = lines[1].removeprefix("listening on ")
    ca = data_dir / "ca" / "ca.pem"
    if not ca.exists():
        process.kill()
        pytest.fail(f"the local CA is not at {ca}")
    return Server(
        process=process,
        http_url=http_url,
        https_url=https_url,
        port=int(http_url.rsplit(":", 1)[1]),
        tls_port=int(https_url.rsplit(":", 1)[1]),
        ca=str(ca),
        log=log,
    )


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def h2_server(data_dir, tmp_path_factory):
    """One server shared by the real-client tests."""
    server = start_server(data_dir, tmp_path_factory.mktemp("h2-log") / "access.log")
    yield server
    stop_server(server)


@pytest.fixture
def fresh_server(data_dir, tmp_path):
    """A server of its own, so that its memory figures belong to one test."""
    server = start_server(data_dir, tmp_path / "access.log")
    yield server
    stop_server(server)


@pytest.fixture
def quick_write_server(data_dir, tmp_path):
    """A server of its own whose writes give up after 3 s (`--write-timeout 3`)."""
    server = start_server(data_dir, tmp_path / "access.log", "--write-timeout", "3")
    yield server
    stop_server(server)
