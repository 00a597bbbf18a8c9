#!/usr/bin/env bash
# A longer fuzz run of the parser and the query language than every test run makes (tests/Aggregator.Tests/Fuzzing):
#   scripts/fuzz.sh [ITERATIONS] [SEED]      default 200000 iterations, a random seed (printed on failure)
# Needs only the .NET SDK. Each iteration parses one mutated document with both parse paths, and parses and matches
# one random query; a failure prints FUZZ_SEED and saves the input under /tmp for `aggregator parse FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_ITERATIONS=${1:-200000}
[ -n "${2:-}" ] && export FUZZ_SEED=$2
start=$(date +%s)
./test.sh --filter-class 'Aggregator.Tests.Fuzzing.*'
echo "fuzz: $FUZZ_ITERATIONS iterations each in $(( $(date +%s) - start )) s (build included)"
