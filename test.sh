#!/usr/bin/env bash
# The test command: installs what the tests need (Debian's python3-aiosmtpd for the real SMTP server, and
# postgresql for the real PostgreSQL server the tests start themselves), runs every test, and ends with one
# line "N passed, N failed, N skipped" read from the TRX results.
# Extra arguments go to the test runner, e.g. ./test.sh --filter-class 'Aggregator.Tests.Rules.*'
set -euo pipefail
cd "$(dirname "$0")"

if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing python3-aiosmtpd (the tests' SMTP server)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-aiosmtpd >/dev/null
  else
    echo "The tests need Debian's python3-aiosmtpd: sudo apt-get install python3-aiosmtpd" >&2
    exit 1
  fi
fi

# The PostgreSQL tests start their own server from /usr/lib/postgresql/*/bin (no service needs to run).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing postgresql (the tests' PostgreSQL server)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    echo "The tests need Debian's postgresql: sudo apt-get install postgresql" >&2
    exit 1
  fi
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
dotnet test Aggregator.sln -c Release -- --report-xunit-trx --results-directory "$results" "$@"
code=$?
set -e

passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted); x=$(get executed)
  passed=$((passed + p)); failed=$((failed + f + e + t + a)); skipped=$((skipped + total - x))
done
if [ "$found" = 0 ]; then
  echo "No test results were written (the build or the test host failed); see above." >&2
  exit $(( code == 0 ? 1 : code ))
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $code
