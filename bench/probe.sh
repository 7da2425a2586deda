#!/usr/bin/env bash
# Probe benchmark: `httpstatus probe` of a local HTTPS/HTTP/2 URL as a whole process, beside
# `curl -so /dev/null -w ...` on the same URL, in the same run, alternating A B B A; then peak memory of each.
# The server is `httpstatus serve --tls` on free ports with its local CA in a temporary directory; both clients
# trust that CA with --cacert, both speak HTTP/2 (ALPN) and both open a new connection and TLS session per run.
# Usage: bash bench/probe.sh   (needs hyperfine, curl and GNU time: apt-get install hyperfine curl time)
# BENCH_PROBE_RUNS sets the runs per round (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench/probe.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/probe.sh: GNU time is missing (apt-get install time)" >&2; exit 2; }
# BENCH_PROBE_BIN names an already built release binary; otherwise this builds one.
ours="${BENCH_PROBE_BIN:-}"
if [ -z "$ours" ]; then
  cargo build --quiet --release -p httpstatus
  ours="${CARGO_TARGET_DIR:-$PWD/target}/release/httpstatus"
fi
runs="${BENCH_PROBE_RUNS:-200}"
results="$PWD/bench/.tools/results"
mkdir -p "$results"

data=$(mktemp -d)
log="$data/serve.log"
HTTPSTATUS_DATA_DIR="$data" "$ours" serve --addr 127.0.0.1:0 --tls --tls-addr 127.0.0.1:0 --quiet >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q '^listening on https://' "$log" && break; sleep 0.05; done
base=$(grep -m1 '^listening on https://' "$log" | awk '{print $3}')
ca="$data/ca/ca.pem"
url="$base/status/200"

probe=("$ours" probe --cacert "$ca" "$url")
curl=(curl -so /dev/null -w '%{http_version}:%{http_code}:%{time_total}\n' --cacert "$ca" "$url")
# Both must reach the server over HTTP/2 before anything is timed.
"${probe[@]}" | grep -q '^< HTTP/2 200' || { echo "bench/probe.sh: the probe did not get HTTP/2 200" >&2; exit 1; }
[ "$("${curl[@]}" | cut -d: -f1,2)" = "2:200" ] || { echo "bench/probe.sh: curl did not get HTTP/2 200" >&2; exit 1; }

echo "## machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$ours" --version; curl --version | head -1; hyperfine --version; uptime

q() { printf '%q ' "$@"; }
rm -f "$results"/probe-round-*
n=0
for round in A B B A; do
  n=$((n + 1))
  if [ "$round" = A ]; then order=(probe curl); else order=(curl probe); fi
  args=()
  for who in "${order[@]}"; do
    if [ "$who" = probe ]; then args+=(-n "httpstatus probe" "$(q "${probe[@]}")"); else args+=(-n "curl -so /dev/null -w" "$(q "${curl[@]}")"); fi
  done
  echo; echo "## round $n ($round: ${order[*]}), $runs runs each"
  hyperfine -N --warmup 20 --runs "$runs" --style basic --export-json "$results/probe-round-$n.json" \
    --export-markdown "$results/probe-round-$n.md" "${args[@]}" >/dev/null
  cat "$results/probe-round-$n.md"
done

echo; echo "## peak RSS (median of 21 runs of /usr/bin/time -f %M, KB)"
for who in probe curl; do
  if [ "$who" = probe ]; then cmd=("${probe[@]}"); else cmd=("${curl[@]}"); fi
  for _ in $(seq 21); do /usr/bin/time -f %M "${cmd[@]}" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 11p | sed "s/^/$who /"
done
