#!/usr/bin/env bash
# Rule matching throughput: N rules (default 1000) against M synthetic entries (default 100000).
# Prints microseconds per entry for all rules together, entries/s and rule-evaluations/s.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/MatchBench -- "${1:-1000}" "${2:-100000}"
