"""A normal HTTP/2 client beside an attack, in a process of its own: one TLS h2 connection doing GET /status/200
in a loop until its standard input closes, then one JSON line with the latencies it saw.

    python bystander.py PORT CA_FILE
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rawh2 import RawH2  # noqa: E402

# A request every few milliseconds: a steady client, not a second load generator on two shared cores.
PAUSE = 0.003
# A request unanswered this long counts as a failure (the server starved this client).
TIMEOUT = 3.0


def main() -> None:
    port, ca = int(sys.argv[1]), sys.argv[2]
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    latencies: list[float] = []
    failures: list[str] = []
    connection = RawH2("127.0.0.1", port, tls_ca=ca, timeout=TIMEOUT)
    connection.start()
    announced = False
    while not stop.is_set():
        started = time.monotonic()
        try:
            stream_id = connection.request("/status/200", extra=[("accept", "text/plain")])
            answered = connection.read_until(lambda c: c.finished(stream_id), TIMEOUT)
        except OSError as error:
            failures.append(f"{type(error).__name__}: {error}")
            break
        elapsed = time.monotonic() - started
        stream = connection.streams.pop(stream_id, None)
        if not answered or stream is None or stream.statuses() != [200]:
            failures.append(f"stream {stream_id}: {stream!r} after {elapsed:.3f}s")
            if connection.closed:
                break
            continue
        latencies.append(elapsed)
        if not announced:
            print("ready", flush=True)
            announced = True
        time.sleep(PAUSE)
    connection.close()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else None
    print(json.dumps({
        "count": len(latencies),
        "p50_ms": ordered[len(ordered) // 2] * 1000 if ordered else None,
        "p99_ms": p99 * 1000 if p99 is not None else None,
        "max_ms": ordered[-1] * 1000 if ordered else None,
        "failures": failures[:5],
        "failure_count": len(failures),
    }), flush=True)


if __name__ == "__main__":
    main()
