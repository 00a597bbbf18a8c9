#!/usr/bin/env bash
# Side-by-side benchmarks with the peers in ../shared/bench (sfeed, feedparser, rss2email, ...).
#   bench/run.sh parse [-n 1000] [-t "sfeed_stream feedparser"]    parse throughput, MB/s and entries/s
#   bench/run.sh poll  [-n "1000"] [-t "sfeed_cond rss2email"]     poll cycles: wall, CPU, RSS, 304s, correctness,
#                                                                   then the ratios to the fastest peer (bench/ratios.py)
# Publishes a Release build once (outside the measurement), then runs the shared script with our tool added.
# Needs (as root, once): apt-get install sfeed python3-feedparser rss2email feed2exec newsboat nginx python3-aiosmtpd time curl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
shared=${SHARED:-$repo/../shared}
kind=${1:-}; [ $# -gt 0 ] && shift
case "$kind" in
  parse|poll) ;;
  *) echo "usage: bench/run.sh parse|poll [options for the shared script]" >&2; exit 2 ;;
esac
# The harness and the peers' feeds are not part of this repository.
if [ ! -x "$shared/bench/${kind}_bench.sh" ]; then
  echo "bench/run.sh: needs the shared benchmark harness (bench/${kind}_bench.sh of the shared checkout beside this repository), expected at $shared; set SHARED=/path/to/shared" >&2
  exit 2
fi

out=${AGG_PUBLISH:-/tmp/aggregator-publish}
# As the README publishes for production, into a clean folder (files left by another kind of publish,
# a self-contained one, make the program abort at start). Its intermediate files go beside it, not into
# src/*/obj, where they would mix with the builds the tests run.
if [ -e "$out/aggregator" ]; then rm -rf "$out" "$out.build"; fi
dotnet publish "$repo/src/Aggregator" -c Release --use-current-runtime -p:PublishReadyToRun=true \
  --artifacts-path "$out.build" -o "$out" --nologo -v quiet >/dev/null
export AGGREGATOR="$out/aggregator"

peers_parse="${PEERS:-sfeed_stream feedparser}"
peers_poll="${PEERS:-sfeed_cond rss2email feed2exec}"
# A peer that is not installed would only show up as a failed row at the end of a long run.
for peer in $([ "$kind" = parse ] && echo "$peers_parse" || echo "$peers_poll"); do
  case "$peer" in sfeed*) bin=sfeed ;; rss2email) bin=r2e ;; feed2exec) bin=feed2exec ;; newsboat) bin=newsboat ;; *) bin= ;; esac
  if [ -n "$bin" ] && ! command -v "$bin" >/dev/null; then
    echo "bench/run.sh: peer $peer needs '$bin': apt-get install -y sfeed python3-feedparser rss2email feed2exec newsboat nginx python3-aiosmtpd time curl" >&2
    exit 2
  fi
done
case "$kind" in
  parse) exec "$shared/bench/parse_bench.sh" -t "$peers_parse $here/aggregator.sh" "$@" ;;
  poll)
    # Then our figures against the fastest peer of each cycle, and the targets, from the run's results file.
    results="${BENCH_ROOT:-/tmp/aggregator-bench}/results"
    marker=$(mktemp); trap 'rm -f "$marker"' EXIT
    "$shared/bench/poll_bench.sh" -t "$peers_poll $here/aggregator.sh" "$@" || exit
    latest=$(find "$results" -name 'poll-*.jsonl' -newer "$marker" 2>/dev/null | sort | tail -n 1)
    if [ -n "$latest" ]; then echo; /usr/bin/python3 "$here/ratios.py" "$latest"; fi ;;
esac
