#!/usr/bin/env bash
# What a near-duplicate lookup costs one match: N candidates (default 500, the pipeline's bound) compared with each of
# M new headlines (default 2000), CPU only and through SQLite's candidate query. Prints µs per match (wall and CPU).
#   bench/stories.sh [CANDIDATES] [MATCHES]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/StoryBench -- "${1:-500}" "${2:-2000}"
