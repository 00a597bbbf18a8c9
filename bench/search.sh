#!/usr/bin/env bash
# `aggregator search` over stored entries: polls N generated feeds of K entries (default 1,000 x 50 = 50,000
# entries, from ../shared/bench/gen_feeds.py, served by nginx on loopback with ../shared/bench/serve.sh) into a
# fresh database, then times the first search of each query (the first of all brings the full-text index up to
# date: all N x K entries) and the median of three searches after it, in wall and CPU seconds.
#   bench/search.sh [FEEDS] [ENTRIES]            AGGREGATOR=/path/to/aggregator to time another build
set -euo pipefail
feeds=${1:-1000}; entries=${2:-50}
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$repo/../shared}
PY=/usr/bin/python3
port=18183
work=$(mktemp -d); chmod 755 "$work"   # nginx's workers (user nobody) read the feeds from here
export BENCH_RUN="$work/run"
cleanup() { "$shared/bench/serve.sh" stop "$port" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${AGGREGATOR:-}" ]; then
  out=${AGG_PUBLISH:-/tmp/aggregator-publish}
  dotnet publish "$repo/src/Aggregator" -c Release --use-current-runtime -p:PublishReadyToRun=true \
    --artifacts-path "$out.build" -o "$out" --nologo -v quiet >/dev/null
  AGGREGATOR="$out/aggregator"
fi

"$PY" "$shared/bench/gen_feeds.py" gen --out "$work/data" --feeds "$feeds" --entries "$entries" --seed 1 \
  --base-url "http://127.0.0.1:$port/feeds/" --no-gz >/dev/null
"$shared/bench/serve.sh" start "$work/data" "$port" >/dev/null

mkdir -p "$work/root/config"
"$PY" - "$work/data/urls.txt" "$work/root/config/feeds.json" <<'PYEOF'
import json, sys
urls = [u.strip() for u in open(sys.argv[1]) if u.strip()]
json.dump({"feeds": [{"name": "feed%05d" % i, "url": u} for i, u in enumerate(urls)]}, open(sys.argv[2], "w"))
PYEOF
echo '{ "rules": [] }' > "$work/root/config/rules.json"
echo '{ "Logging": { "LogLevel": { "Default": "Warning" } } }' > "$work/root/appsettings.json"
"$AGGREGATOR" poll --contentRoot "$work/root" | tail -n 1

# Wall and CPU seconds of one search (CPU: user + system, what the machine's other work does not inflate).
measure() { /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null; awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$work/time"; }
search() { "$AGGREGATOR" search "$@" --limit 100000 --contentRoot "$work/root"; }
median() { sort -n | sed -n 2p; }
printf '%-24s %6s %16s %16s\n' query hits "first: wall/CPU" "then: wall/CPU"
for query in 'Hezbollah AND Russia' 'sanctions' 'Iran NEAR/5 Russia' 'Zürich' 'Kraków AND Iran' 'title:hezbollah' 'sanct*'; do
  read -r first_wall first_cpu <<< "$(measure "$AGGREGATOR" search "$query" --limit 100000 --contentRoot "$work/root")"
  runs=$(for _ in 1 2 3; do measure "$AGGREGATOR" search "$query" --limit 100000 --contentRoot "$work/root"; echo; done)
  hits=$(search "$query" --json | wc -l)
  printf '%-24s %6s %10s/%-5s %10s/%-5s\n' "$query" "$hits" "$first_wall" "$first_cpu" \
    "$(echo "$runs" | awk '{print $1}' | median)" "$(echo "$runs" | awk '{print $2}' | median)"
done
