#!/usr/bin/env bash
# One Quartz job per feed (clustered ADO.NET job store) against our feed claims, on a PostgreSQL server started here
# in BENCH_ROOT the way bench/cluster.sh starts it (fsync off: a benchmark, not a store). See bench/QuartzBench/Program.cs.
#   bench/quartz.sh [feeds, default 1000]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "bench/quartz.sh: needs PostgreSQL's server: apt-get install -y postgresql" >&2; exit 2; }
ROOT=${BENCH_ROOT:-/tmp/aggregator-bench}; PG_PORT=${PG_PORT:-18432}
pg="$ROOT/quartz-pg"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'as_postgres "$pgbin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
rm -rf "$pg"; mkdir -p "$pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg"
as_postgres "$pgbin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "$n feeds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project "$repo/bench/QuartzBench" -- "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres" "$n"
