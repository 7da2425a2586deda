#!/usr/bin/env python3
"""Turns the raw outputs of bench/run (wrk, oha, hyperfine, criterion, VmHWM) into one Markdown table.

Usage: python3 bench/report.py RESULTS_DIR CRITERION_DIR
Standard library only, so that it runs before any virtual environment exists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text().splitlines() if line.strip()]


def wrk(path: Path) -> dict | None:
    """Requests per second, latency percentiles and errors from `wrk --latency` output."""
    if not path.exists():
        return None
    text = path.read_text()
    found = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not found:
        return None
    result = {"rps": float(found.group(1)), "errors": 0}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if m:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            result[f"p{pct}_ms"] = float(m.group(1)) * scale
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        result["errors"] += sum(int(g) for g in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        result["errors"] += int(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    result["requests"] = int(m.group(1)) if m else 0
    return result


def best_wrk(results: Path, stem: str) -> dict | None:
    """The run with the most requests per second among `stem.txt` and its rounds `stem-r1.txt`, `stem-r2.txt`."""
    runs = [wrk(p) for p in sorted(results.glob(f"{stem}.txt")) + sorted(results.glob(f"{stem}-r*.txt"))]
    runs = [r for r in runs if r]
    if not runs:
        return None
    best = dict(max(runs, key=lambda r: r["rps"]))
    best["all"] = [r["rps"] for r in runs]
    return best


def oha(path: Path) -> dict | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    summary = data.get("summary", {})
    codes = data.get("statusCodeDistribution", {})
    percentiles = data.get("latencyPercentiles", {})
    # Requests still in flight when `-z` runs out are reported as "aborted due to deadline": not errors.
    errors = sum(n for kind, n in data.get("errorDistribution", {}).items() if "deadline" not in kind)
    errors += sum(n for code, n in codes.items() if code != "200")
    return {
        "rps": float(summary.get("requestsPerSec") or 0),
        "p50_ms": float(percentiles.get("p50") or 0) * 1000,
        "p99_ms": float(percentiles.get("p99") or 0) * 1000,
        "errors": errors,
        "requests": sum(codes.values()),
    }


def hyperfine(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return {r["command"]: r for r in json.loads(path.read_text())["results"]}


def criterion(directory: Path, since: float) -> dict[str, float]:
    """Median time in nanoseconds of each benchmark that ran after `since`."""
    out: dict[str, float] = {}
    for bench in sorted(directory.glob("**/new/benchmark.json")):
        estimates = bench.with_name("estimates.json")
        if not estimates.exists() or estimates.stat().st_mtime < since:
            continue
        title = json.loads(bench.read_text()).get("title") or bench.parent.parent.name
        out[title] = json.loads(estimates.read_text())["median"]["point_estimate"]
    return out


def kib(path: Path) -> int | None:
    return int(path.read_text().strip()) if path.exists() else None


def rps(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} req/s"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def mb(kib_value: float | None) -> str:
    return "-" if kib_value is None else f"{kib_value / 1024:.1f} MB"


def ratio(ours: float | None, theirs: float | None) -> str:
    if not ours or not theirs:
        return "-"
    return f"{ours / theirs:.2f}x"


def verdict(ok: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "-"}[ok]


def main() -> int:
    results = Path(sys.argv[1])
    criterion_dir = Path(sys.argv[2])
    rows: list[tuple[str, str, str, str, str, str, str]] = []

    def row(measure, ours="-", peer="", theirs="-", r="-", target="", ok=None):
        rows.append((measure, ours, peer, theirs, r, target, verdict(ok) if target else ""))

    # Live endpoint: GET /status/200 at 64 connections.
    hs = best_wrk(results, "wrk-httpstatus-status200-c64")
    ng = best_wrk(results, "wrk-nginx-status200-c64")
    hb = best_wrk(results, "wrk-httpbin-status200-c64")
    hs_rps = hs and hs["rps"]
    ok = bool(hs and ng and hs["rps"] >= 0.9 * ng["rps"]) if hs and ng else None
    row("GET /status/200, wrk -t1 -c64, keep-alive (best of 2 rounds)", rps(hs_rps), "nginx `return 200`",
        rps(ng and ng["rps"]), ratio(hs_rps, ng and ng["rps"]), ">= 0.90x nginx", ok)
    row("", "", "httpbin on gunicorn", rps(hb and hb["rps"]), ratio(hs_rps, hb and hb["rps"]))
    row("  p99 latency at 64 connections", ms(hs and hs.get("p99_ms")), "nginx",
        ms(ng and ng.get("p99_ms")))

    # Server memory under that load.
    hs_mem = kib(results / "hwm-httpstatus-status200")
    ng_mem = kib(results / "hwm-nginx-status200")
    hb_mem = kib(results / "hwm-httpbin-status200")
    row("server peak memory (VmHWM) after that load", mb(hs_mem), "nginx, master + workers", mb(ng_mem),
        ratio(hs_mem, ng_mem), "<= 30 MB", None if hs_mem is None else hs_mem / 1024 <= 30)
    row("", "", "gunicorn + httpbin, all processes", mb(hb_mem), ratio(hs_mem, hb_mem))
    all_mem = kib(results / "hwm-httpstatus-all")
    row("  server peak memory over the whole run (incl. 256 connections)", mb(all_mem),
        target="<= 30 MB", ok=None if all_mem is None else all_mem / 1024 <= 30)

    # Pages.
    hs404 = best_wrk(results, "wrk-httpstatus-page404-c64")
    ng404 = best_wrk(results, "wrk-nginx-page404-c64")
    ok = bool(hs404["rps"] >= 0.9 * ng404["rps"]) if hs404 and ng404 else None
    row("GET /404, Accept-Encoding: gzip, wrk -t1 -c64 (best of 2 rounds)", rps(hs404 and hs404["rps"]),
        "nginx, export + `gzip_static on`", rps(ng404 and ng404["rps"]),
        ratio(hs404 and hs404["rps"], ng404 and ng404["rps"]), ">= 0.90x nginx", ok)

    # Interim responses (oha).
    plain = oha(results / "oha-plain.json")
    for name, label in (("interim103", "103 Early Hints"), ("interim102", "102 Processing")):
        got = oha(results / f"oha-{name}.json")
        row(f"GET /status/200?interim={name[-3:]} ({label} then 200), oha -c64", rps(got and got["rps"]),
            "same server, no interim (oha)", rps(plain and plain["rps"]),
            ratio(got and got["rps"], plain and plain["rps"]))

    # Scaling with connections.
    for connections in (1, 16, 64, 256):
        ours = best_wrk(results, f"wrk-httpstatus-status200-c{connections}")
        peer = best_wrk(results, f"wrk-nginx-status200-c{connections}")
        bin_ = best_wrk(results, f"wrk-httpbin-status200-c{connections}")
        row(f"GET /status/200 at {connections} connection{'s' if connections > 1 else ''}",
            rps(ours and ours["rps"]), "nginx", rps(peer and peer["rps"]),
            ratio(ours and ours["rps"], peer and peer["rps"]))
        row("", "", "httpbin on gunicorn", rps(bin_ and bin_["rps"]),
            ratio(ours and ours["rps"], bin_ and bin_["rps"]))

    # CLI.
    lookup = hyperfine(results / "cli-lookup.json")
    search = hyperfine(results / "cli-search.json")
    rss = {name: float(value) for name, value in read_tsv(results / "cli-rss.tsv")}

    def median_ms(table: dict, name: str) -> float | None:
        return table[name]["median"] * 1000 if name in table else None

    ours = median_ms(lookup, "httpstatus 404")
    row("CLI `httpstatus 404`, median of whole process", ms(ours), "`heman code 404`",
        ms(median_ms(lookup, "heman code 404")), ratio(ours, median_ms(lookup, "heman code 404")),
        "<= 3 ms", None if ours is None else ours <= 3.0)
    row("", "", "`hc 404`", ms(median_ms(lookup, "hc 404")), ratio(ours, median_ms(lookup, "hc 404")))
    row("CLI `httpstatus 404 --short`", ms(median_ms(lookup, "httpstatus 404 --short")))
    ours_s = median_ms(search, "httpstatus search gateway timeout")
    row("CLI `httpstatus search gateway timeout`", ms(ours_s), "`heman search gateway`",
        ms(median_ms(search, "heman search gateway")), ratio(ours_s, median_ms(search, "heman search gateway")))
    row("", "", "`hc 5xx` (hc has no search)", ms(median_ms(search, "hc 5xx (listing)")),
        ratio(ours_s, median_ms(search, "hc 5xx (listing)")))
    row("CLI search / CLI lookup (same binary)", ratio(ours_s, ours))
    ours_rss = rss.get("httpstatus 404")
    row("CLI `httpstatus 404` peak RSS", mb(ours_rss * 1024 if ours_rss else None), "`heman code 404`",
        mb(rss["heman code 404"] * 1024 if "heman code 404" in rss else None),
        ratio(ours_rss, rss.get("heman code 404")), "<= 8 MB", None if ours_rss is None else ours_rss <= 8)
    row("", "", "`hc 404`", mb(rss["hc 404"] * 1024 if "hc 404" in rss else None),
        ratio(ours_rss, rss.get("hc 404")))
    search_rss = rss.get("httpstatus search gateway timeout")
    row("CLI `httpstatus search gateway timeout` peak RSS", mb(search_rss * 1024 if search_rss else None))

    # In-process search (criterion medians).
    start = results / "criterion-start"
    benches = criterion(criterion_dir, start.stat().st_mtime if start.exists() else 0)
    for title, nanos in benches.items():
        target = "< 50 us" if title.startswith("search") else ""
        figure = f"{nanos / 1000:.2f} us" if nanos >= 1000 else f"{nanos:.1f} ns"
        row(f"in-process `{title}` (criterion median)", figure, target=target,
            ok=(nanos < 50_000) if target else None)

    print("| measure | httpstatus | peer | peer figure | httpstatus / peer | target | |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")

    errors = []
    for path in sorted(results.glob("wrk-*.txt")):
        got = wrk(path)
        if got is None:
            errors.append(f"{path.name}: no figures")
        elif got["errors"]:
            errors.append(f"{path.name}: {got['errors']} errors or non-2xx answers")
    for path in sorted(results.glob("oha-*.json")):
        got = oha(path)
        if got and got["errors"]:
            errors.append(f"{path.name}: {got['errors']} errors or non-200 answers")
    print()
    for label, got in (("httpstatus /status/200", hs), ("nginx /status/200", ng),
                       ("httpstatus /404", hs404), ("nginx /404", ng404)):
        if got and len(got["all"]) > 1:
            print(f"Rounds at 64 connections, {label}: " + ", ".join(f"{r:,.0f}" for r in got["all"]) + " req/s")
    print("Errors during the load runs: " + ("none" if not errors else "; ".join(errors)))

    machine = read_tsv(results / "machine.tsv")
    print()
    print("Machine and tools: " + "; ".join(f"{k} {v}" for k, v in machine))
    loads = read_tsv(results / "load.tsv")
    if loads:
        ones = [float(v.split()[0]) for _, v in loads]
        print(f"Load average (1 min) during the run: start {loads[0][1]}, end {loads[-1][1]}, "
              f"min {min(ones):.2f}, max {max(ones):.2f} over {len(loads)} samples")
    interim = results / "interim-check.txt"
    if interim.exists():
        lines = " / ".join(interim.read_text().split("\n")[:4]).strip(" /")
        print(f"What `curl -v '/status/200?interim=103,102'` received: {lines}")
    workers = results / "gunicorn-workers"
    if workers.exists():
        print(f"gunicorn workers: {workers.read_text().strip()} (sync, 2 x cores + 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
