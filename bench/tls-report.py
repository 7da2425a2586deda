#!/usr/bin/env python3
"""bench/tls-report.py RESULTS: the table of bench/tls from its raw outputs (h2load, wrk, openssl s_time,
VmHWM, load average), every round listed, ratios and targets."""

import re
import statistics
import sys
from pathlib import Path

results = Path(sys.argv[1])
SERVERS = ("httpstatus", "nginx")


def read(name):
    path = results / name
    return path.read_text(errors="replace") if path.exists() else ""


def rounds_of(prefix):
    """{server: [(round, text)]} for files PREFIX-SERVER-rN.txt, in round order."""
    found = {server: [] for server in SERVERS}
    for server in SERVERS:
        for path in results.glob(f"{prefix}-{server}-r*.txt"):
            match = re.fullmatch(rf"{re.escape(prefix)}-{server}-r(\d+)\.txt", path.name)
            if match:
                found[server].append((int(match.group(1)), path.read_text(errors="replace")))
        found[server].sort()
    return found


def h2load(text):
    rate = re.search(r"finished in [\d.]+\w*, ([\d.]+) req/s", text)
    done = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                     r"(\d+) errored, (\d+) timeout", text)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    problems = []
    if done and (int(done.group(5)) or int(done.group(6)) or int(done.group(7))):
        problems.append(f"{done.group(5)} failed, {done.group(6)} errored, {done.group(7)} timeout")
    if codes and (int(codes.group(2)) or int(codes.group(3)) or int(codes.group(4))):
        problems.append("non-2xx answers")
    return (float(rate.group(1)) if rate else None), problems, (int(done.group(4)) if done else None)


def wrk(text):
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    problems = []
    errors = re.search(r"Socket errors: (.*)", text)
    if errors:
        problems.append("socket errors: " + errors.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        problems.append(non2xx.group(1) + " non-2xx")
    count = re.search(r"(\d+) requests in", text)
    return ((float(rate.group(1)) if rate else None), problems, (p99.group(1) if p99 else "-"),
            (int(count.group(1)) if count else None))


def s_time(server, round_):
    base = f"handshake-{server}-r{round_}"
    connections = 0
    problems = []
    byte_counts = set()
    for path in sorted(results.glob(f"{base}-*.txt")):
        text = path.read_text(errors="replace")
        match = re.search(r"(\d+) connections in \d+ real seconds, (\d+) bytes read per connection", text)
        if not match:
            problems.append(f"{path.name}: no count")
            continue
        connections += int(match.group(1))
        byte_counts.add(int(match.group(2)))
    try:
        wall = float(read(base + ".end")) - float(read(base + ".start"))
    except ValueError:
        return None, problems + ["no wall time"], byte_counts, connections
    return connections / wall, problems, byte_counts, connections


CLK_TCK = int(read("clk_tck").strip() or 100)


def cpu_per_request(name, count):
    """Microseconds of the server's CPU time (user + system) per request in run NAME."""
    ticks = read(name + ".cpu").split()
    if len(ticks) != 2 or not count:
        return None
    return (int(ticks[1]) - int(ticks[0])) * 1e6 / CLK_TCK / count


def handshake_rounds():
    found = {server: [] for server in SERVERS}
    for server in SERVERS:
        for path in results.glob(f"handshake-{server}-r*.start"):
            match = re.fullmatch(rf"handshake-{server}-r(\d+)\.start", path.name)
            if match:
                found[server].append(int(match.group(1)))
        found[server].sort()
    return found


def fmt(rate):
    return "-" if rate is None else f"{rate:,.0f}"


def mb(kib):
    return f"{kib / 1024:.1f} MB"


rows = []      # (measure, ours best, nginx best, best ratio, mean ratio, target, verdict)
listing = []   # every round
problems_all = []
verdicts = []
cpu_cells = {}


def us(value):
    return "-" if value is None else f"{value:.1f}"


def compare(measure, per_server, target=0.9, unit="req/s"):
    best = {}
    mean = {}
    cpu = {}
    for server in SERVERS:
        rates = [rate for _, rate, _ in per_server[server] if rate is not None]
        best[server] = max(rates) if rates else None
        mean[server] = statistics.mean(rates) if rates else None
        costs = [cost for _, _, cost in per_server[server] if cost is not None]
        cpu[server] = statistics.median(costs) if costs else None
        listing.append(f"{measure}, {server}: " + ", ".join(
            f"r{round_} {fmt(rate)}" for round_, rate, _ in per_server[server]) + f" {unit}; server CPU per "
            + ("connection" if unit == "conn/s" else "request") + ": " + ", ".join(
            f"r{round_} {us(cost)} us" for round_, _, cost in per_server[server]))
    cpu_cells[measure] = cpu
    ratio_best = best["httpstatus"] / best["nginx"] if best["httpstatus"] and best["nginx"] else None
    ratio_mean = mean["httpstatus"] / mean["nginx"] if mean["httpstatus"] and mean["nginx"] else None
    verdict = ""
    if target is not None and ratio_best is not None:
        verdict = "met" if ratio_best >= target else "missed"
        verdicts.append((measure, f">= {target:.2f}x nginx", f"{ratio_best:.2f}x (means {ratio_mean:.2f}x)", verdict))
    rows.append((measure, f"{fmt(best['httpstatus'])} {unit}", f"{fmt(best['nginx'])} {unit}",
                 "-" if ratio_best is None else f"{ratio_best:.2f}x",
                 "-" if ratio_mean is None else f"{ratio_mean:.2f}x",
                 f"{us(cpu['httpstatus'])} / {us(cpu['nginx'])}",
                 "-" if target is None else f">= {target:.2f}x", verdict))


# 1. HTTP/2
per_server = {}
for server, items in rounds_of("h2").items():
    per_server[server] = []
    for round_, text in items:
        rate, problems, count = h2load(text)
        per_server[server].append((round_, rate, cpu_per_request(f"h2-{server}-r{round_}", count)))
        problems_all += [f"h2 {server} r{round_}: {p}" for p in problems]
compare("GET /status/200 over HTTP/2, h2load -c64 -m10", per_server)

# 2. HTTPS/1.1
per_server = {}
p99s = {}
for server, items in rounds_of("https").items():
    per_server[server] = []
    for round_, text in items:
        rate, problems, p99, count = wrk(text)
        per_server[server].append((round_, rate, cpu_per_request(f"https-{server}-r{round_}", count)))
        p99s.setdefault(server, []).append(p99)
        problems_all += [f"https {server} r{round_}: {p}" for p in problems]
compare("GET /status/200 over HTTPS/1.1 keep-alive, wrk -c64", per_server)
listing.append("HTTPS/1.1 p99 latency by round: " + "; ".join(
    f"{server} {', '.join(p99s.get(server, []))}" for server in SERVERS))

# 3. Handshakes
per_server = {}
bytes_seen = {}
for server, round_list in handshake_rounds().items():
    per_server[server] = []
    for round_ in round_list:
        rate, problems, byte_counts, count = s_time(server, round_)
        per_server[server].append((round_, rate, cpu_per_request(f"handshake-{server}-r{round_}", count)))
        bytes_seen.setdefault(server, set()).update(byte_counts)
        problems_all += [f"handshake {server} r{round_}: {p}" for p in problems]
compare("new TLS connections (full handshake + 1 request), openssl s_time -new", per_server, unit="conn/s")

# 4. Cleartext
for connections in (1, 16, 64, 256):
    per_server = {}
    for server, items in rounds_of(f"plain-c{connections}").items():
        per_server[server] = []
        for round_, text in items:
            rate, problems, _, count = wrk(text)
            name = f"plain-c{connections}-{server}-r{round_}"
            per_server[server].append((round_, rate, cpu_per_request(name, count)))
            problems_all += [f"plain c{connections} {server} r{round_}: {p}" for p in problems]
    compare(f"cleartext GET /status/200, wrk -c{connections}", per_server)

# 5. Memory
hwm_h2 = read("hwm-httpstatus-h2").strip()
hwm_all = read("hwm-httpstatus-all").strip()
nginx_h2 = read("hwm-nginx-h2").strip()
nginx_all = read("hwm-nginx-all").strip()
if hwm_h2:
    verdict = "met" if int(hwm_h2) <= 30 * 1024 else "missed"
    rows.append(("server peak memory (VmHWM) after the HTTP/2 run", mb(int(hwm_h2)),
                 f"{mb(int(nginx_h2))} (master + workers)" if nginx_h2 else "-", "-", "-", "-", "<= 30 MB", verdict))
    verdicts.append(("server peak memory under h2load -c64 -m10", "<= 30 MB", mb(int(hwm_h2)), verdict))
if hwm_all:
    rows.append(("server peak memory over the whole run", mb(int(hwm_all)),
                 f"{mb(int(nginx_all))} (master + workers)" if nginx_all else "-", "-", "-", "-", "", ""))

print("| measure | httpstatus (best round) | nginx (best round) | best / best | mean / mean "
      "| server CPU per request, us (median of rounds): httpstatus / nginx | target | |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for row in rows:
    print("| " + " | ".join(row) + " |")
print()
print("Every round, in the order run (A B B A: r1 httpstatus then nginx, r2 nginx then httpstatus):")
print()
for line in listing:
    print("- " + line)
print()
print("Errors during the load runs: " + ("; ".join(problems_all) if problems_all else "none"))

# How the connections were set up.
def s_client(server, alpn):
    text = read(f"tls-{server}-{alpn}.txt")
    version = re.search(r"New, (\S+), Cipher is (\S+)", text)
    kx = re.search(r"Server Temp Key: ([^\n]+)", text)
    sig = re.search(r"Peer signature type: (\S+)", text)
    proto = re.search(r"ALPN protocol: (\S+)", text)
    return ", ".join(filter(None, [
        version and f"{version.group(1)} {version.group(2)}", kx and kx.group(1).strip(),
        sig and f"signature {sig.group(1)}", f"ALPN {proto.group(1) if proto else 'none'}"]))

print()
for server in SERVERS:
    print(f"TLS with {server} (openssl s_client, ALPN h2 / none): {s_client(server, 'h2')} / {s_client(server, 'none')}")
for server in SERVERS:
    text = next((t for _, t in rounds_of("h2")[server]), "")
    found = re.search(r"TLS Protocol: (\S+)\s+Cipher: (\S+)\s+Server Temp Key: ([^\n]+)\s+Application protocol: (\S+)", text)
    if found:
        print(f"h2load against {server}: {found.group(1)} {found.group(2)}, {found.group(3).strip()}, {found.group(4)}")
check = read("handshake-check.log").splitlines()
fresh = sum(1 for line in check if "reused=." in line)
print(f"Handshake check: nginx logged {len(check)} connections from the same s_time command, {fresh} full "
      f"handshakes (reused=.), {len(check) - fresh} resumed")
print("Bytes read per connection by s_time: " + "; ".join(
    f"{server} {sorted(bytes_seen.get(server, []))}" for server in SERVERS))
for server in SERVERS:
    head = (results / f"head-{server}-h1.txt").read_bytes() if (results / f"head-{server}-h1.txt").exists() else b""
    body = (results / f"body-{server}-h1.txt").read_bytes() if (results / f"body-{server}-h1.txt").exists() else b""
    fields = max(0, len([line for line in head.splitlines() if line.strip()]) - 1)
    print(f"{server} /status/200 over HTTPS/1.1: {len(head)}-byte head ({fields} fields), {len(body)}-byte body")

machine = dict(line.split("\t", 1) for line in read("machine.tsv").splitlines() if "\t" in line)
print()
print("Machine and tools: " + "; ".join(f"{k} {v}" for k, v in machine.items()))
print(f"Workers: nginx worker_processes {read('workers').strip()} ({read('nginx-workers').strip()} running); "
      f"httpstatus threads (worker threads and the accepting main thread) {read('httpstatus-threads').strip()}")
loads = [line.split("\t") for line in read("load.tsv").splitlines() if "\t" in line]
if loads:
    ones = [float(values.split()[0]) for _, values in loads]
    print(f"Load average (1 min) during the run: start {loads[0][1]}, end {loads[-1][1]}, min {min(ones):.2f}, "
          f"max {max(ones):.2f} over {len(loads)} samples")
print(f"Run: {read('started').strip()} to {read('finished').strip()}, {read('seconds').strip()} s per load run")

print()
print("| target | figure | verdict |")
print("| --- | --- | --- |")
for measure, target, figure, verdict in verdicts:
    print(f"| {measure}: {target} | {figure} | {verdict} |")
