"""`httpstatus serve --state redis://...`: two servers on one Redis (Debian's redis-server, started here on a
free port) give the same answers to the same key, with requests alternating between them; and a server whose
Redis goes away answers its scenarios with 503 and Retry-After, then recovers when Redis is back."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid

import httpx
import pytest

from conftest import binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


def start_httpstatus(redis_port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [binary(), "serve", "--addr", "127.0.0.1:0", "--quiet", "--state", f"redis://127.0.0.1:{redis_port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        pytest.fail(f"serve --state did not start: {line!r} {process.stderr.read()}")
    return process, line.removeprefix("listening on ")


@pytest.fixture(scope="module")
def cluster():
    port = free_port()
    redis = start_redis(port)
    a, url_a = start_httpstatus(port)
    b, url_b = start_httpstatus(port)
    state = {"redis": redis, "redis_port": port, "urls": (url_a, url_b), "servers": (a, b)}
    yield state
    # The Redis of the end, which a test may have restarted (the first one is already stopped then).
    for process in (a, b, state["redis"]):
        process.terminate()
        process.wait(timeout=10)


def key(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def test_a_rate_limit_window_is_shared(cluster):
    a, b = cluster["urls"]
    k = key("rate")
    codes = [httpx.get(f"{url}/scenario/rate-limit/{k}?limit=3&window=60").status_code for url in (a, b, a, b)]
    assert codes == [200, 200, 200, 429]
    last = httpx.get(f"{b}/scenario/rate-limit/{k}?limit=3&window=60")
    assert last.headers["ratelimit"].startswith('"window";r=0;t=')
    assert 0 < int(last.headers["retry-after"]) <= 60


def test_a_flaky_count_is_shared(cluster):
    a, b = cluster["urls"]
    k = key("flaky")
    codes = [httpx.get(f"{url}/scenario/flaky/{k}?fail=2&status=503").status_code for url in (a, b, a, b)]
    assert codes == [503, 503, 200, 200]


def test_a_conditional_resource_is_shared(cluster):
    a, b = cluster["urls"]
    k = key("cond")
    etag = httpx.get(f"{a}/scenario/conditional/{k}").headers["etag"]
    assert httpx.get(f"{b}/scenario/conditional/{k}", headers={"If-None-Match": etag}).status_code == 304
    written = httpx.put(f"{b}/scenario/conditional/{k}", headers={"If-Match": etag}, content=b"v2")
    assert written.status_code == 204
    # The write on b is what a reads: the old ETag is stale there too.
    assert httpx.put(f"{a}/scenario/conditional/{k}", headers={"If-Match": etag}, content=b"v3").status_code == 412
    assert httpx.get(f"{a}/scenario/conditional/{k}").text == "v2"


def test_items_and_maintenance_are_shared(cluster):
    a, b = cluster["urls"]
    k = key("items")
    item = {"name": "apple", "quantity": 3}
    assert httpx.post(f"{a}/scenario/items/{k}", json=item).status_code == 201
    assert httpx.post(f"{b}/scenario/items/{k}", json=item).status_code == 409
    assert httpx.delete(f"{b}/scenario/items/{k}/apple").status_code == 204
    assert httpx.get(f"{a}/scenario/items/{k}/apple").status_code == 410
    m = key("maint")
    first = httpx.get(f"{a}/scenario/maintenance/{m}?seconds=60")
    second = httpx.get(f"{b}/scenario/maintenance/{m}?seconds=600")
    assert first.status_code == second.status_code == 503
    assert int(second.headers["retry-after"]) <= 60, "b uses the window a started"


def test_keys_live_under_the_prefix_with_a_ttl(cluster):
    a, _ = cluster["urls"]
    k = key("ttl")
    httpx.get(f"{a}/scenario/flaky/{k}?fail=1")
    with socket.create_connection(("127.0.0.1", cluster["redis_port"]), timeout=5) as s:
        s.sendall(f"PTTL httpstatus:scenario:flaky:{k}\r\n".encode())
        reply = s.recv(64)
    assert reply.startswith(b":") and 0 < int(reply[1:].strip()) <= 600_000, reply


def test_redis_gone_is_503_then_recovers(cluster):
    a, _ = cluster["urls"]
    port = cluster["redis_port"]
    cluster["redis"].terminate()
    cluster["redis"].wait(timeout=10)
    gone = httpx.get(f"{a}/scenario/flaky/{key('gone')}?fail=0", timeout=30)
    assert gone.status_code == 503
    assert gone.headers["retry-after"] == "5"
    assert "state store is unavailable" in gone.json()["detail"]
    # Pages and /status do not need the store.
    assert httpx.get(f"{a}/status/200").status_code == 200
    cluster["redis"] = start_redis(port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if httpx.get(f"{a}/scenario/flaky/{key('back')}?fail=0", timeout=30).status_code == 200:
            return
        time.sleep(0.5)
    pytest.fail("the server did not reconnect to Redis")
