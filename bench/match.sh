#!/usr/bin/env bash
# Rule matching throughput: N rules (default 1000) against M synthetic entries (default 100000).
# Prints microseconds per entry for all rules together (wall clock and CPU time), entries/s and rule-evaluations/s.
# WORKLOAD: "mixed" (default: a quarter of the rules use term lists, a fifth of the entries are Russian or
# Arabic) or "latin" (the workload before term lists, draw for draw).
#   bench/match.sh [RULES] [ENTRIES] [WORKLOAD]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/MatchBench -- "${1:-1000}" "${2:-100000}" "${3:-mixed}"
