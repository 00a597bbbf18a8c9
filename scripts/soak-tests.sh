#!/usr/bin/env bash
# Runs ./test.sh several times in a row while another build loads the machine: a test that depends on the machine's
# speed (a sleep, a deadline too tight) fails here sooner or later. The load is a loop of `dotnet build` of a second
# copy of this repository (a clone of HEAD in a temporary folder), started before the first run and stopped after
# the last.
#   scripts/soak-tests.sh [RUNS] [test.sh arguments]     RUNS defaults to 10; LOAD=none runs without the load
# Prints each run's closing line ("N passed, N failed, N skipped"), its duration and the load average, then a
# total; a failed run's whole output is kept in $SOAK_LOGS (default /tmp/aggregator-soak). Exit 1 if a run failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}; [ $# -gt 0 ] && shift
case "$runs" in ''|*[!0-9]*) echo "usage: scripts/soak-tests.sh [RUNS] [test.sh arguments]" >&2; exit 2 ;; esac
logs=${SOAK_LOGS:-/tmp/aggregator-soak}
mkdir -p "$logs"
work=$(mktemp -d)
load=

stop_load() {
  if [ -n "$load" ]; then
    # The loop runs in a process group of its own (setsid): this stops it and the build under way, nothing else.
    kill -TERM -- "-$load" 2>/dev/null || true
    wait "$load" 2>/dev/null || true
    load=
  fi
}
trap 'stop_load; rm -rf "$work"' EXIT

if [ "${LOAD:-build}" != none ]; then
  git clone -q "$repo" "$work/load"
  # No build servers: they would outlive the loop.
  setsid bash -c 'cd "$1" && while true; do dotnet build Aggregator.sln -c Release --no-incremental -nologo -v q -nodeReuse:false -p:UseSharedCompilation=false >/dev/null 2>&1 || true; done' \
    load "$work/load" &
  load=$!
  echo "load: dotnet build of a clone of HEAD in a loop (process group $load)"
fi

failed=0
started=$(date +%s)
for run in $(seq 1 "$runs"); do
  begin=$(date +%s)
  if "$repo/test.sh" "$@" > "$work/run.log" 2>&1; then status=0; else status=$?; fi
  summary=$(tail -n 1 "$work/run.log")
  if [ "$status" != 0 ]; then
    failed=$((failed + 1))
    cp "$work/run.log" "$logs/run-$run.log"
    summary="$summary (exit $status; output in $logs/run-$run.log)"
  fi
  echo "run $run/$runs: $summary  [$(( $(date +%s) - begin )) s, load average $(cut -d' ' -f1 /proc/loadavg)]"
done
stop_load
echo "$((runs - failed)) of $runs runs passed in $(( ($(date +%s) - started) / 60 )) min"
[ "$failed" = 0 ]
