"""Shared fixtures: the real `httpstatus` binary, started on a free loopback port."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def binary() -> str:
    path = os.environ.get("HTTPSTATUS_BIN") or str(ROOT / "target" / "debug" / "httpstatus")
    if not Path(path).exists():
        pytest.fail(f"{path} does not exist: build it with `cargo build` first (or set HTTPSTATUS_BIN)")
    return path


@pytest.fixture(scope="session")
def server_url():
    """Starts `httpstatus serve --addr 127.0.0.1:0` and yields its base URL."""
    process = subprocess.Popen(
        [binary(), "serve", "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        pytest.fail(f"`httpstatus serve` did not announce its address; first line: {line!r}")
    yield line.removeprefix("listening on ").strip()
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
