#!/usr/bin/env bash
# Scores our parser against the reference parser (feedparser) on the shared corpus:
#   scripts/conformance.sh [../shared/feed-corpus] [--verbose]
# Runs `aggregator parse --json` once over every file (one process), splits its JSON Lines into
# OUT/F.json (or OUT/F.error), and runs the corpus's compare.py. Prints its table and last line:
#   entries agree: X/Y (P%), files crashed: C, version agree: V/F
# The corpus is not part of this repository: without an argument it is looked for in ${SHARED:-../shared}/feed-corpus.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then corpus=$1; shift; else corpus=${SHARED:-$repo/../shared}/feed-corpus; fi
if [ ! -f "$corpus/compare.py" ] || [ ! -d "$corpus/feeds" ] || [ ! -d "$corpus/golden" ]; then
  echo "scripts/conformance.sh: needs the feed corpus (feeds/, golden/ and compare.py, from the shared checkout beside this repository), expected at $corpus; give its path (scripts/conformance.sh PATH [--verbose]) or set SHARED=/path/to/shared" >&2
  exit 2
fi
corpus=$(cd "$corpus" && pwd)
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
publish=${AGG_PUBLISH:-/tmp/aggregator-publish}
dotnet publish "$repo/src/Aggregator" -c Release --use-current-runtime -p:PublishReadyToRun=true -o "$publish" --nologo -v quiet >/dev/null
mapfile -t files < <(find "$corpus/feeds" -type f | sort)
"$publish/aggregator" parse --json "${files[@]}" > "$out/all.jsonl" 2> "$out/stderr.txt" || true
/usr/bin/python3 - "$out" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
for line in open(os.path.join(out, "all.jsonl"), encoding="utf-8"):
    if not line.strip():
        continue
    doc = json.loads(line)
    name = os.path.basename(doc.pop("source"))
    if "error" in doc:
        open(os.path.join(out, name + ".error"), "w", encoding="utf-8").write(doc["error"] + "\n")
    else:
        json.dump(doc, open(os.path.join(out, name + ".json"), "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
/usr/bin/python3 "$corpus/compare.py" "$corpus/golden" "$out" "$@"
echo "outputs: $out"
