#!/usr/bin/env python3
"""Generates a large nginx access log (combined, optionally with $request_time and $upstream_status) with a
realistic mix of status codes and one injected incident: a burst of 502s and 499s on one endpoint.

    bench/logs_gen.py --size 1G --out /tmp/access.log
    bench/logs_gen.py --lines 20000 --incident-at 60 --timing --out tests/output/gen.log

The incident starts --incident-at minutes after the first line and lasts --incident-minutes; it is printed
on stderr so a test can check that `httpstatus logs` reports it as a spike at that time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

PATHS = [
    ("/", 20), ("/index.html", 6), ("/api/orders", 12), ("/api/cart", 10), ("/api/search", 9),
    ("/static/app.js", 14), ("/static/app.css", 12), ("/images/logo.png", 8), ("/login", 4),
    ("/api/report/export", 2), ("/favicon.ico", 5), ("/wp-login.php", 1), ("/.env", 1),
]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
# Ordinary traffic: mostly 200, then 304, 301/302, 404, a few 401/403/429, rare 5xx and 499.
CODES = [(200, 8600), (304, 500), (301, 120), (302, 150), (404, 380), (401, 40), (403, 30),
         (429, 20), (400, 25), (499, 40), (500, 30), (502, 15), (503, 20), (504, 10)]
START = 1714557600  # 2024-05-01T10:00:00Z


def weighted(pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return values, weights


def size_arg(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper()
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=size_arg, help="stop at about this many bytes (1G, 200M)")
    p.add_argument("--lines", type=int, help="stop after this many lines")
    p.add_argument("--rate", type=float, default=0, help="requests per second (default: spread over 24 hours)")
    p.add_argument("--incident-at", type=float, default=None, help="minutes after the start (default: 60%% in)")
    p.add_argument("--incident-minutes", type=int, default=5)
    p.add_argument("--timing", action="store_true", help="append $request_time $upstream_status")
    p.add_argument("--seed", type=int, default=13)
    a = p.parse_args()
    if not a.size and not a.lines:
        p.error("give --size or --lines")
    rng = random.Random(a.seed)
    expected = a.lines or max(1, a.size // 230)
    rate = a.rate or expected / 86400.0
    span_minutes = expected / rate / 60.0
    at = a.incident_at if a.incident_at is not None else span_minutes * 0.6
    incident_start = START + int(at * 60) // 60 * 60
    incident_end = incident_start + a.incident_minutes * 60
    codes, code_weights = weighted(CODES)
    paths, path_weights = weighted(PATHS)
    clients = [f"203.0.113.{i}" for i in range(1, 200)] + [f"2001:db8::{i:x}" for i in range(1, 40)]
    # Precomputed choices keep the generator fast enough for a gigabyte.
    batch = 4096
    written = 0
    n = 0
    month = time.strftime("%d/%b/%Y", time.gmtime(START))
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        while True:
            cs = rng.choices(codes, code_weights, k=batch)
            ps = rng.choices(paths, path_weights, k=batch)
            lines = []
            for i in range(batch):
                t = START + n / rate
                sec = int(t)
                code, path = cs[i], ps[i]
                if incident_start <= sec < incident_end and rng.random() < 0.6:
                    path = "/api/orders"
                    code = 502 if rng.random() < 0.6 else 499
                client = clients[(n * 7919 + i) % len(clients)]
                agent = AGENTS[(n * 31 + i) % len(AGENTS)]
                stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(sec)) if month else ""
                size = 0 if code in (304, 499) else 512 + (n * 131) % 20000
                line = f'{client} - - [{stamp}] "GET {path}?id={n % 977} HTTP/1.1" {code} {size} "-" "{agent}"'
                if a.timing:
                    upstream = "-" if code == 499 or path.startswith("/static") else str(code)
                    rt = 30.0 if code in (502, 504) and n % 2 else (n % 900) / 1000
                    line += f" {rt:.3f} {upstream}"
                lines.append(line)
                n += 1
            chunk = "\n".join(lines) + "\n"
            out.write(chunk)
            written += len(chunk)
            if (a.size and written >= a.size) or (a.lines and n >= a.lines):
                break
    print(
        f"wrote {n} lines, {written} bytes; incident of 502 and 499 on /api/orders from "
        f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(incident_start))} to "
        f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(incident_end))}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
