#!/usr/bin/env bash
# CLI benchmark: `httpstatus 404` as a whole process beside the best existing CLIs, heman (crates.io) and hc
# (PyPI httpcode), in the same run; then peak memory of each. Installs the peers under bench/.tools.
# Usage: bash bench/cli.sh            (needs hyperfine and GNU time: apt-get install hyperfine time)
# BENCH_CLI_RUNS sets the number of hyperfine runs (default 300). Besides the Markdown printed here, the
# figures are left in bench/.tools as cli-lookup.json, cli-search.json (hyperfine) and cli-rss.tsv, which
# bench/run reads for its table.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/bench/.tools"
mkdir -p "$tools"

command -v hyperfine >/dev/null || { echo "bench/cli.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/cli.sh: GNU time is missing (apt-get install time)" >&2; exit 2; }
[ -x "$tools/bin/heman" ] || cargo install --quiet --root "$tools" heman
[ -x "$tools/venv/bin/hc" ] || { python3 -m venv "$tools/venv" && "$tools/venv/bin/pip" install -q httpcode; }
cargo build --quiet --release -p httpstatus

ours="$PWD/target/release/httpstatus"
runs="${BENCH_CLI_RUNS:-300}"
heman="$tools/bin/heman"
hc="$tools/venv/bin/hc"

echo "## machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$ours" --version; "$heman" --version; "$tools/venv/bin/pip" show httpcode | grep -i '^version' | sed 's/^/hc (httpcode) /'

echo; echo "## lookup: one code, whole process (median of $runs runs, output to /dev/null)"
hyperfine -N --warmup 30 --runs "$runs" --style basic --export-markdown bench/.tools/cli-lookup.md \
  --export-json bench/.tools/cli-lookup.json \
  -n "httpstatus 404" "$ours 404" \
  -n "httpstatus 404 --short" "$ours 404 --short" \
  -n "heman code 404" "$heman code 404" \
  -n "hc 404" "$hc 404" >/dev/null
cat bench/.tools/cli-lookup.md

echo; echo "## search: one query, whole process"
hyperfine -N --warmup 30 --runs "$runs" --style basic --export-markdown bench/.tools/cli-search.md \
  --export-json bench/.tools/cli-search.json \
  -n "httpstatus search gateway timeout" "$ours search gateway timeout" \
  -n "heman search gateway" "$heman search gateway" \
  -n "hc 5xx (listing)" "$hc 5xx" >/dev/null
cat bench/.tools/cli-search.md

echo; echo "## peak resident memory (max RSS, median of 21 runs)"
peak() {
  for _ in $(seq 21); do /usr/bin/time -f '%M' -a -o "$tools/rss.$$" "$@" >/dev/null 2>&1 || true; done
  sort -n "$tools/rss.$$" | awk '{a[NR]=$1} END {printf "%.1f MB\n", a[int((NR+1)/2)]/1024}'
  rm -f "$tools/rss.$$"
}
rss_file=bench/.tools/cli-rss.tsv
: >"$rss_file"
printf '| command | peak RSS |\n| --- | --- |\n'
for name in "httpstatus 404" "httpstatus search gateway timeout" "heman code 404" "hc 404"; do
  case "$name" in
    httpstatus\ 404) figure=$(peak "$ours" 404) ;;
    httpstatus\ search*) figure=$(peak "$ours" search gateway timeout) ;;
    heman*) figure=$(peak "$heman" code 404) ;;
    hc*) figure=$(peak "$hc" 404) ;;
  esac
  printf '| %s | %s |\n' "$name" "$figure"
  printf '%s\t%s\n' "$name" "${figure% MB}" >>"$rss_file"
done
