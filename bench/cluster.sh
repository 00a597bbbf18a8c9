#!/usr/bin/env bash
# Several nodes on one PostgreSQL against one SQLite process: the same N generated feeds (the shared harness's
# gen_feeds.py, served by its serve.sh with nginx), a fresh database per configuration, alerts mailed to an aiosmtpd
# sink. Not a speed-up test on two cores: it shows what the cluster costs and that the work is shared.
#   bench/cluster.sh [-n 1000] [-k 50] [-c "1 2 3"]
# Rows:
#   poll    one `aggregator poll` (the command bench/run.sh poll times): wall seconds (start-up included), the cycle
#           and feeds/s as below, peak RSS; on SQLite and on PostgreSQL, the figure the README compares (PostgreSQL
#           within 2x of SQLite).
#   run xK  K `aggregator run` nodes started together, timed from their launch until every feed has been polled and
#           every alert sent (read from the database); per node: the feeds it polled (feeds.last_checked_by), its CPU
#           seconds and peak RSS (VmHWM); the total. "cycle" is first to last poll as the database recorded them
#           (without the start-up), and feeds/s is N / cycle.
# Needs: ../shared (SHARED=...), nginx, postgresql (initdb, pg_ctl, psql), sqlite3, python3-aiosmtpd.
# The PostgreSQL server is started here (as the postgres user when root), in BENCH_ROOT, and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
shared=${SHARED:-$repo/../shared}
n=1000; k=50; configs="1 2 3"
while getopts "n:k:c:" opt; do
  case "$opt" in n) n=$OPTARG ;; k) k=$OPTARG ;; c) configs=$OPTARG ;; *) echo "usage: bench/cluster.sh [-n feeds] [-k entries] [-c \"1 2 3\"]" >&2; exit 2 ;; esac
done
if [ ! -f "$shared/bench/gen_feeds.py" ] || [ ! -f "$shared/bench/serve.sh" ]; then
  echo "bench/cluster.sh: $shared/bench is missing (it has gen_feeds.py and serve.sh, which make and serve the feeds);" >&2
  echo "  put the shared benchmark kit beside the repository, or point SHARED at it: SHARED=/path/to/shared bench/cluster.sh" >&2
  exit 2
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for need in nginx sqlite3; do command -v "$need" >/dev/null || { echo "bench/cluster.sh: needs $need: apt-get install -y nginx sqlite3" >&2; exit 2; }; done
[ -x "$pgbin/initdb" ] || { echo "bench/cluster.sh: needs PostgreSQL's server: apt-get install -y postgresql" >&2; exit 2; }
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "bench/cluster.sh: needs python3-aiosmtpd: apt-get install -y python3-aiosmtpd" >&2; exit 2; }

ROOT=${BENCH_ROOT:-/tmp/aggregator-bench}; mkdir -p "$ROOT"; ROOT=$(cd "$ROOT" && pwd)
PORT=${PORT:-18480}; SMTP_PORT=${SMTP_PORT:-18425}; PG_PORT=${PG_PORT:-18432}
export BENCH_ROOT=$ROOT
base="$ROOT/cluster"; data="$base/feeds-n$n-k$k"; pg="$base/pg"; work="$base/work"
mkdir -p "$base"

out=${AGG_PUBLISH:-/tmp/aggregator-publish}
if [ -z "${NO_PUBLISH:-}" ]; then
  if [ -e "$out/aggregator" ]; then rm -rf "$out" "$out.build"; fi
  dotnet publish "$repo/src/Aggregator" -c Release --use-current-runtime -p:PublishReadyToRun=true \
    --artifacts-path "$out.build" -o "$out" --nologo -v quiet >/dev/null
fi
AGG="$out/aggregator"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
sink_pid=""; node_pids=()
cleanup() {
  for pid in "${node_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  "$shared/bench/serve.sh" stop "$PORT" >/dev/null 2>&1 || true
  [ -d "$pg/data" ] && as_postgres "$pgbin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -f "$data/urls.txt" ]; then
  echo "generating $n feeds x $k entries into $data" >&2
  $PY "$shared/bench/gen_feeds.py" gen --out "$data" --feeds "$n" --entries "$k" --seed 1 --port "$PORT" --quiet >/dev/null
fi
"$shared/bench/serve.sh" stop "$PORT" >/dev/null 2>&1 || true
"$shared/bench/serve.sh" start "$data" "$PORT" >&2

$PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Sink >/dev/null 2>&1 & sink_pid=$!

# PostgreSQL as the tests start it: a data directory of our own, loopback only, no fsync (a benchmark, not a store).
rm -rf "$pg"; mkdir -p "$pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg"
as_postgres "$pgbin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
psql_() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atq "$@"; }
echo "PostgreSQL $(psql_ -d postgres -c 'SHOW server_version') on 127.0.0.1:$PG_PORT; feeds on http://127.0.0.1:$PORT/; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# A content root for one configuration; $1 = sqlite|postgres.
setup() {
  rm -rf "$work"; mkdir -p "$work/config"
  $PY - "$data/urls.txt" "$work/config/feeds.json" <<'PYEOF'
import json, sys
urls = [u.strip() for u in open(sys.argv[1]) if u.strip()]
json.dump({"feeds": [{"name": "feed%05d" % i, "url": u} for i, u in enumerate(urls)]}, open(sys.argv[2], "w"), indent=1)
PYEOF
  echo '{ "rules": [ { "name": "bench", "query": "Iran OR Russia OR Hezbollah OR sanctions" } ] }' > "$work/config/rules.json"
  local storage="\"Database\": \"$work/aggregator.db\""
  if [ "$1" = postgres ]; then
    psql_ -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
    storage="\"Storage\": { \"Provider\": \"postgres\", \"ConnectionString\": \"Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench\" }"
  fi
  cat > "$work/appsettings.json" <<EOF2
{ "Aggregator": { $storage, "Polling": { "Tick": "1s", "Interval": "1h" }, "Delivery": { "Tick": "1s" } },
  "Notifiers": { "email": { "Type": "smtp", "Host": "127.0.0.1", "Port": $SMTP_PORT, "Security": "none",
                            "From": "aggregator@example.invalid", "To": ["bench@example.invalid"] } },
  "Logging": { "LogLevel": { "Default": "Warning" } } }
EOF2
}

# feeds polled, alerts pending, cycle seconds (first to last poll), as the database says.
progress() {
  if [ "$1" = postgres ]; then
    psql_ -d bench -F ' ' -c "SELECT (SELECT count(*) FROM feeds WHERE last_checked_at IS NOT NULL),
      (SELECT count(*) FROM outbox WHERE status = 'pending'),
      (SELECT round(extract(epoch FROM max(last_checked_at) - min(last_checked_at))::numeric, 2) FROM feeds)" 2>/dev/null || echo "0 0 0"
  elif [ ! -f "$work/aggregator.db" ]; then
    echo "0 0 0"
  else
    sqlite3 -separator ' ' "$work/aggregator.db" "SELECT (SELECT count(*) FROM feeds WHERE last_checked_at IS NOT NULL),
      (SELECT count(*) FROM outbox WHERE status = 'pending'),
      (SELECT round((julianday(max(last_checked_at)) - julianday(min(last_checked_at))) * 86400, 2) FROM feeds)" 2>/dev/null || echo "0 0 0"
  fi
}

rows=()
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
row() { rows+=("$(printf '| %-8s | %-13s | %6s | %6s | %7s | %s |' "$@")"); }

for engine in sqlite postgres; do
  setup "$engine"
  echo "poll on $engine..." >&2
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$AGG" poll --contentRoot "$work" >/dev/null 2>"$work/poll.err" || { cat "$work/poll.err" >&2; exit 1; }
  read -r wall rss user sys < "$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  read -r polled pending cycle <<< "$(progress "$engine")"
  row "$engine" "poll" "$wall" "$cycle" "$(per_second "$polled" "$cycle")" "$polled feeds, ${cpu} s CPU, peak RSS $((rss / 1024)) MB"
done

for nodes in $configs; do
  for engine in sqlite postgres; do
    # SQLite is one process by design (its delivery lock keeps a second `run` off the file).
    if [ "$engine" = sqlite ] && [ "$nodes" -gt 1 ]; then continue; fi
    setup "$engine"
    echo "run x$nodes on $engine..." >&2
    node_pids=()
    start=$(date +%s.%N)
    for ((i = 0; i < nodes; i++)); do "$AGG" run --contentRoot "$work" >/dev/null 2>"$work/node$i.err" & node_pids+=($!); done
    deadline=$(( $(date +%s) + 1800 ))
    while true; do
      read -r polled pending cycle <<< "$(progress "$engine")"
      if [ "${polled:-0}" -ge "$n" ] && [ "${pending:-1}" = 0 ]; then break; fi
      for pid in "${node_pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a node exited:" >&2; cat "$work"/node*.err >&2; exit 1; }; done
      [ "$(date +%s)" -lt "$deadline" ] || { echo "not done within 30 minutes ($polled polled, $pending pending)" >&2; exit 1; }
      sleep 0.2
    done
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    detail=""; total_rss=0
    for pid in "${node_pids[@]}"; do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
      cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat")
      mine=$n
      if [ "$engine" = postgres ]; then
        mine=$(psql_ -d bench -c "SELECT count(*) FROM feeds f JOIN nodes d ON f.last_checked_by = d.id WHERE d.pid = $pid")
      fi
      detail+="node $pid: $mine feeds, ${cpu} s CPU, $((hwm / 1024)) MB; "
      total_rss=$((total_rss + hwm))
    done
    for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    node_pids=()
    row "$engine" "run x$nodes" "$wall" "$cycle" "$(per_second "$n" "$cycle")" "${detail}total $((total_rss / 1024)) MB"
  done
done

echo
echo "$n feeds x $k entries, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| engine   | command       | wall s | cycle s | feeds/s | per node (feeds polled, CPU, peak RSS) |"
echo "|----------|---------------|--------|--------|---------|----------------------------------------|"
printf '%s\n' "${rows[@]}"
