#!/usr/bin/env bash
# httpstatus logs against goaccess on the same generated nginx combined log: wall time, throughput and peak
# memory of each, in alternating rounds A B B A (A = httpstatus, B = goaccess), then a memory check on a log
# twice the size. Usage: bench/logs.sh [SIZE] (default 1G). Needs goaccess (apt-get install goaccess).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1G}
bin=${HTTPSTATUS_BIN:-target/release/httpstatus}
work=${BENCH_DIR:-/tmp/httpstatus-logs-bench}
mkdir -p "$work"
log="$work/access-$size.log"
[ -s "$log" ] || python3 bench/logs_gen.py --size "$size" --out "$log"
bytes=$(stat -c %s "$log")
uptime
echo "log: $log, $bytes bytes, $(wc -l < "$log") lines; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "httpstatus: $("$bin" --version); goaccess: $(goaccess --version | head -1)"
cat "$log" > /dev/null   # both runs read from the page cache

run() { # name command...
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || { cat "$work/stderr"; exit 1; }
  read -r secs user system kib < "$work/time"
  awk -v n="$name" -v s="$secs" -v u="$user" -v y="$system" -v b="$bytes" -v k="$kib" \
    'BEGIN { printf "%-11s %7.2f s wall  %7.1f MiB/s  %7.2f s CPU  peak RSS %6.1f MiB\n", n, s, b / 1048576 / s, u + y, k / 1024 }'
}
a() { run httpstatus "$bin" --json logs "$log"; }
b() { run goaccess goaccess --log-format=COMBINED --no-progress -o "$work/report.json" "$log"; }
for round in a b b a; do $round; done

if [ "${BENCH_MEMORY:-1}" = 1 ]; then
  double="$work/access-double.log"
  [ -s "$double" ] || cat "$log" "$log" > "$double"
  echo "the same log twice ($(stat -c %s "$double") bytes):"
  log=$double bytes=$(stat -c %s "$double") a
fi
