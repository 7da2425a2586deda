#!/usr/bin/env bash
# CLI benchmark: `httpstatus 404` as a whole process beside the best existing CLIs, heman (crates.io) and hc
# (PyPI httpcode), in the same run; then peak memory of each. Installs the peers under bench/.tools.
# Usage: bash bench/cli.sh            (needs hyperfine and GNU time: apt-get install hyperfine time)
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
heman="$tools/bin/heman"
hc="$tools/venv/bin/hc"

echo "## machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$ours" --version; "$heman" --version; "$tools/venv/bin/pip" show httpcode | grep -i '^version' | sed 's/^/hc (httpcode) /'

echo; echo "## lookup: one code, whole process (median of 300 runs, output to /dev/null)"
hyperfine -N --warmup 30 --runs 300 --style basic --export-markdown bench/.tools/cli-lookup.md \
  -n "httpstatus 404" "$ours 404" \
  -n "httpstatus 404 --short" "$ours 404 --short" \
  -n "heman code 404" "$heman code 404" \
  -n "hc 404" "$hc 404" >/dev/null
cat bench/.tools/cli-lookup.md

echo; echo "## search: one query, whole process"
hyperfine -N --warmup 30 --runs 300 --style basic --export-markdown bench/.tools/cli-search.md \
  -n "httpstatus search gateway timeout" "$ours search gateway timeout" \
  -n "heman search gateway" "$heman search gateway" \
  -n "hc 5xx (listing)" "$hc 5xx" >/dev/null
cat bench/.tools/cli-search.md

echo; echo "## peak resident memory (max RSS, median of 21 runs)"
peak() {
  for _ in $(seq 21); do /usr/bin/time -f '%M' "$@" >/dev/null 2>>"$tools/rss.$$" || true; done
  sort -n "$tools/rss.$$" | awk '{a[NR]=$1} END {printf "%.1f MB\n", a[int((NR+1)/2)]/1024}'
  rm -f "$tools/rss.$$"
}
printf '| command | peak RSS |\n| --- | --- |\n'
printf '| httpstatus 404 | %s |\n' "$(peak "$ours" 404)"
printf '| httpstatus search gateway timeout | %s |\n' "$(peak "$ours" search gateway timeout)"
printf '| heman code 404 | %s |\n' "$(peak "$heman" code 404)"
printf '| hc 404 | %s |\n' "$(peak "$hc" 404)"
