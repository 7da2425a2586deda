"""The known HTTP/2 attacks, each sent frame by frame (h2c with prior knowledge on the cleartext port) against a
server of its own, while a normal client on another connection (TLS h2, in its own process) keeps asking for
/status/200. Each attack is bounded in frames and seconds. Each test checks the server's defence, that the
normal client kept getting its answers with p99 under 100 ms, and that the server's memory stayed bounded."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from hyperframe.frame import HeadersFrame, SettingsFrame

from rawh2 import RawH2

from servers import data_dir, fresh_server, quick_write_server  # noqa: F401  (fixtures)

HERE = Path(__file__).resolve().parent

# The bound on the server's memory: its peak resident size (VmHWM) after an attack may exceed its resident size
# before it (VmRSS, after a warm-up) by at most this much.
MEMORY_GROWTH_BOUND_KIB = 16 * 1024
P99_BOUND_MS = 100
ENHANCE_YOUR_CALM = 0xB
REFUSED_STREAM = 0x7
CANCEL = 0x8
SETTINGS_INITIAL_WINDOW_SIZE = 0x4


@contextmanager
def bystander(server):
    """A normal client beside the attack; yields a dict filled with its figures when the block ends."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "bystander.py"), str(server.tls_port), server.ca],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    figures: dict = {}
    try:
        ready = process.stdout.readline().strip()
        assert ready == "ready", f"the normal client did not start: {ready!r} {process.stderr.read()}"
        yield figures
    finally:
        try:
            out, err = process.communicate(input="", timeout=15)  # closing its input tells it to stop and report
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    lines = out.strip().splitlines()
    assert lines, f"the normal client printed nothing: {err}"
    figures.update(json.loads(lines[-1]))


def check_bystander(figures: dict, min_count: int = 20) -> None:
    assert figures["failure_count"] == 0, figures
    assert figures["count"] >= min_count, figures
    assert figures["p99_ms"] < P99_BOUND_MS, figures


def warm_up(server) -> int:
    """A few ordinary requests, then the resident size to compare against (KiB)."""
    connection = connect(server)
    for _ in range(20):
        stream_id = connection.request("/status/200")
        assert connection.read_until(lambda c: c.finished(stream_id), 5)
    connection.close()
    return server.memory_kib()["VmRSS"]


def check_memory(server, baseline_kib: int) -> dict:
    memory = server.memory_kib()
    growth = memory["VmHWM"] - baseline_kib
    assert growth <= MEMORY_GROWTH_BOUND_KIB, (
        f"peak memory grew by {growth} KiB (bound {MEMORY_GROWTH_BOUND_KIB} KiB): {memory}, before {baseline_kib}"
    )
    assert server.alive()
    return memory


def connect(server, settings: dict[int, int] | None = None, timeout: float = 5.0) -> RawH2:
    connection = RawH2("127.0.0.1", server.port, timeout=timeout)
    connection.start(settings)
    assert connection.read_until(lambda c: c.settings_acks > 0, 5), "no SETTINGS ACK from the server"
    return connection


def answers_204(connection: RawH2) -> None:
    stream_id = connection.request("/status/204")
    assert connection.read_until(lambda c: c.finished(stream_id), 5)
    assert connection.streams[stream_id].statuses() == [204]


def still_serves(server) -> None:
    connection = connect(server)
    answers_204(connection)
    connection.close()


def test_rapid_reset_connections_are_closed_with_enhance_your_calm(fresh_server):
    # CVE-2023-44487: HEADERS then RST_STREAM in a tight loop, on one connection after another.
    baseline = warm_up(fresh_server)
    per_connection: list[int] = []
    goaways: Counter = Counter()
    deadline = time.monotonic() + 3.0
    with bystander(fresh_server) as figures:
        while time.monotonic() < deadline and len(per_connection) < 60:
            connection = connect(fresh_server)
            sent = 0
            try:
                while sent < 10_000 and connection.goaway is None and not connection.closed:
                    pairs = []
                    for _ in range(50):
                        stream_id = connection.new_stream_id()
                        pairs += [connection.request_frame(stream_id, "/status/200"), connection.rst(stream_id)]
                    connection.send(*pairs)
                    sent += 50
                    connection.read_until(lambda c: False, 0.001)
            except OSError:
                pass  # the server closed the connection under us
            connection.read_until(lambda c: c.goaway is not None or c.closed, 5)
            per_connection.append(sent)
            goaways[connection.goaway.error_code if connection.goaway else None] += 1
            connection.close()
    check_bystander(figures)
    check_memory(fresh_server, baseline)
    still_serves(fresh_server)
    # Every attacking connection was ended by the server with GOAWAY ENHANCE_YOUR_CALM, each after a few
    # dozen streams, not the 10 000 it would have taken.
    assert goaways == Counter({ENHANCE_YOUR_CALM: len(per_connection)}), goaways
    assert len(per_connection) >= 10, per_connection
    assert max(per_connection) <= 500, per_connection


def test_continuation_flood_is_ended_with_a_goaway(fresh_server):
    # Endless CONTINUATION frames without END_HEADERS, on one connection after another.
    baseline = warm_up(fresh_server)
    frames_sent: list[int] = []
    reasons: Counter = Counter()
    deadline = time.monotonic() + 2.0
    fragment = b"\x00\x05x-aaa\x05bbbbb" * 100  # literal fields, never indexed: 1.3 KB a frame
    with bystander(fresh_server) as figures:
        while time.monotonic() < deadline and len(frames_sent) < 40:
            connection = connect(fresh_server)
            stream_id = connection.new_stream_id()
            head = connection.request_frame(stream_id, "/status/200")
            head.flags.discard("END_HEADERS")
            sent = 0
            try:
                connection.send(head)
                while sent < 100_000 and connection.goaway is None:
                    connection.send(*[connection.continuation(stream_id, fragment) for _ in range(20)])
                    sent += 20
                    connection.read_until(lambda c: False, 0.001)
            except OSError:
                pass
            connection.read_until(lambda c: c.goaway is not None or c.closed, 5)
            frames_sent.append(sent)
            reasons[(connection.goaway.error_code, connection.goaway.additional_data) if connection.goaway else None] += 1
            connection.close()
        # Forty connections can be refused in well under the 2 s: keep the bystander running to the deadline
        # so that its figures cover the whole attack window, not only the part the server needed.
        while time.monotonic() < deadline:
            time.sleep(0.05)
    check_bystander(figures)
    check_memory(fresh_server, baseline)
    still_serves(fresh_server)
    assert set(reasons) == {(ENHANCE_YOUR_CALM, b"too_many_continuations")}, reasons
    # About 1.3 MB of header block a connection at most, against the 32 KiB header list limit.
    assert max(frames_sent) <= 1000, frames_sent


def flood(connection: RawH2, frame: bytes, limit: int, seconds: float) -> tuple[int, bool]:
    """Sends `frame` over and over without reading: at most `limit` frames and `seconds` seconds. Returns how
    many were sent and whether the server stopped reading (a send that could not finish in a second)."""
    batch = frame * 1000
    connection.sock.settimeout(1.0)
    deadline = time.monotonic() + seconds
    sent = 0
    while sent < limit and time.monotonic() < deadline:
        try:
            connection.sock.sendall(batch)
        except TimeoutError:
            return sent, True
        except OSError:
            return sent, False
        sent += 1000
    return sent, False


@pytest.mark.parametrize("kind", ["settings", "ping"])
def test_settings_and_ping_floods_without_reading_the_acks(fresh_server, kind):
    baseline = warm_up(fresh_server)
    connection = connect(fresh_server)
    if kind == "settings":
        frame = SettingsFrame(0)
        frame.settings = {SETTINGS_INITIAL_WINDOW_SIZE: 65535}
    else:
        frame = RawH2.ping()
    with bystander(fresh_server) as figures:
        sent, pushed_back = flood(connection, frame.serialize(), limit=300_000, seconds=2.5)
        during = check_memory(fresh_server, baseline)
    check_bystander(figures)
    # The server did not buffer an ACK per frame: it stopped reading once the client stopped reading, or it
    # ended the connection; when we read again, it either answers a request or has said GOAWAY.
    assert sent >= 10_000, sent
    connection.sock.settimeout(5)
    stream_id = None
    if not connection.closed:
        try:
            stream_id = connection.request("/status/204")
        except OSError:
            pass
    ended = connection.read_until(
        lambda c: c.goaway is not None or c.closed or (stream_id is not None and c.finished(stream_id)), 15)
    assert ended, (sent, connection.settings_acks, connection.ping_acks)
    if connection.goaway is None and not connection.closed:
        assert connection.streams[stream_id].statuses() == [204]
    acks = connection.settings_acks - 1 if kind == "settings" else connection.ping_acks
    print(f"{kind} flood: {sent} frames sent, server stopped reading: {pushed_back}, {acks} ACKs read after, "
          f"memory during {during}, GOAWAY {connection.goaway and connection.goaway.error_code}")
    connection.close()
    check_memory(fresh_server, baseline)
    still_serves(fresh_server)


def test_hpack_bomb_is_refused_without_decoding_it_all(fresh_server):
    # A 4000-byte field added to the dynamic table, then referenced by one-byte indexed fields: a 12 KB header
    # block that decodes to 48 MB.
    baseline = warm_up(fresh_server)
    reasons: Counter = Counter()
    deadline = time.monotonic() + 2.0
    with bystander(fresh_server) as figures:
        while time.monotonic() < deadline and sum(reasons.values()) < 30:
            connection = connect(fresh_server)
            stream_id = connection.new_stream_id()
            block = connection.encoder.encode([
                (":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/status/200"),
                ("x-big", "v" * 4000),
            ])
            head = HeadersFrame(stream_id, block + b"\xbe" * 12_000)  # 0xbe: indexed field 62, the newest entry
            head.flags.add("END_HEADERS")
            head.flags.add("END_STREAM")
            connection.send(head)
            connection.read_until(lambda c: c.goaway is not None or c.closed or c.finished(stream_id), 5)
            reasons[(connection.goaway.error_code, connection.goaway.additional_data) if connection.goaway else None] += 1
            connection.close()
    check_bystander(figures)
    check_memory(fresh_server, baseline)
    assert set(reasons) == {(ENHANCE_YOUR_CALM, b"header_list_way_too_large")}, reasons

    # Just past the 32 KiB header list limit (ten references, 40 KB): that stream gets a 431, and the same
    # connection serves the next request.
    connection = connect(fresh_server)
    stream_id = connection.new_stream_id()
    block = connection.encoder.encode([
        (":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/status/200"),
        ("x-big", "v" * 4000),
    ])
    head = HeadersFrame(stream_id, block + b"\xbe" * 9)
    head.flags.add("END_HEADERS")
    head.flags.add("END_STREAM")
    connection.send(head)
    assert connection.read_until(lambda c: c.finished(stream_id), 5)
    assert connection.streams[stream_id].statuses() == [431]
    answers_204(connection)
    connection.close()


def test_streams_past_the_advertised_limit_are_refused(fresh_server):
    baseline = warm_up(fresh_server)
    connections: list[tuple[RawH2, list[int]]] = []
    with bystander(fresh_server) as figures:
        for _ in range(3):
            connection = connect(fresh_server)
            assert connection.server_settings[0x3] == 100  # SETTINGS_MAX_CONCURRENT_STREAMS
            ids = [connection.new_stream_id() for _ in range(300)]
            connection.send(*[connection.request_frame(i, "/status/200?sleep=1000") for i in ids])
            connections.append((connection, ids))
        for connection, ids in connections:
            assert connection.read_until(lambda c: all(c.finished(i) for i in ids), 10)
    check_bystander(figures)
    check_memory(fresh_server, baseline)
    for connection, ids in connections:
        outcomes = Counter(
            (tuple(connection.streams[i].statuses()), connection.streams[i].reset) for i in ids
        )
        # The first 100 are served after their second; the 200 past the limit are refused at once, and the
        # connection stays open.
        assert outcomes == Counter({((200,), None): 100, ((), REFUSED_STREAM): 200}), outcomes
        assert connection.streams[ids[0]].statuses() == [200]
        assert connection.goaway is None and not connection.closed
        connection.close()


def test_a_client_that_never_opens_its_window_holds_bounded_memory_until_the_write_timeout(quick_write_server):
    fresh_server = quick_write_server
    # Initial window 0, 100 requests for a 29 KB page on each of 10 connections, and never a WINDOW_UPDATE: 1000
    # stalled responses. The server holds them within the memory bound and resets each stream with CANCEL once
    # the write timeout (`--write-timeout 3` here; 30 s by default) has passed.
    baseline = warm_up(fresh_server)
    connections: list[tuple[RawH2, list[int]]] = []
    started = time.monotonic()
    with bystander(fresh_server) as figures:
        for _ in range(10):
            connection = connect(fresh_server, {SETTINGS_INITIAL_WINDOW_SIZE: 0}, timeout=45)
            connection.auto_window = lambda *args: None
            ids = [connection.new_stream_id() for _ in range(100)]
            connection.send(*[connection.request_frame(i, "/api/v1/codes") for i in ids])
            connections.append((connection, ids))
        for connection, ids in connections:
            assert connection.read_until(lambda c: all(i in c.streams and c.streams[i].heads for i in ids), 10)
        stalled = check_memory(fresh_server, baseline)
        for connection, ids in connections:
            assert connection.read_until(lambda c: all(c.finished(i) for i in ids), 45)
    freed_after = time.monotonic() - started
    check_bystander(figures)
    check_memory(fresh_server, baseline)
    for connection, ids in connections:
        assert all(connection.streams[i].statuses() == [200] for i in ids)
        assert sum(len(connection.streams[i].data) for i in ids) == 0  # not one byte past the window
        assert Counter(connection.streams[i].reset for i in ids) == Counter({CANCEL: 100})
        connection.close()
    assert 2.5 < freed_after < 15, freed_after
    print(f"1000 stalled streams: memory {stalled} (before {baseline} KiB), freed after {freed_after:.1f} s")
    still_serves(fresh_server)
