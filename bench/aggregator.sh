# The aggregator as a tool of ../shared/bench: parse_bench.sh and poll_bench.sh source this file.
# Build once, outside the measurement:  bench/run.sh does it, or
#   dotnet publish src/Aggregator -c Release --use-current-runtime -p:PublishReadyToRun=true -o /tmp/agg && export AGGREGATOR=/tmp/agg/aggregator
# Every function runs with cwd=$WORK and BENCH PY WORK URLS OPML DATA PORT SMTP_PORT MAILDIR FILES_LIST set.
AGG=${AGGREGATOR:-aggregator}
TOOL_DESC="aggregator (C#/.NET)"
USES_SMTP=1

# parse benchmark (measured): every file in one process.
parse_cmd() {
    local files; mapfile -t files < "$FILES_LIST"
    "$AGG" parse --json "${files[@]}"
}
parse_normalize() { "$PY" "$BENCH/lib/json_to_tsv.py" < "$1" > "$2"; }

# poll benchmark: a content root with the feeds, a fresh database, SMTP = the bench's sink.
poll_setup() {
    mkdir -p "$WORK/config"
    "$PY" - "$URLS" "$WORK/config/feeds.json" <<'PYEOF'
import json, sys
urls = [u.strip() for u in open(sys.argv[1]) if u.strip()]
json.dump({"feeds": [{"name": "feed%05d" % i, "url": u} for i, u in enumerate(urls)]}, open(sys.argv[2], "w"), indent=1)
PYEOF
    cat > "$WORK/config/rules.json" <<EOF2
{ "rules": [ { "name": "bench", "query": "Iran OR Russia OR Hezbollah OR sanctions", "notify": ["email"] } ] }
EOF2
    cat > "$WORK/appsettings.json" <<EOF2
{
  "Aggregator": { "Database": "$WORK/aggregator.db" },
  "Notifiers": { "email": { "Type": "smtp", "Host": "127.0.0.1", "Port": $SMTP_PORT, "Security": "none",
                            "From": "aggregator@example.invalid", "To": ["bench@example.invalid"] } },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
EOF2
}
poll_run() { "$AGG" poll --contentRoot "$WORK" > "$WORK/poll.out"; }

# entries stored during this cycle, as id TAB link TAB text
poll_collect() {
    "$PY" - "$WORK/aggregator.db" <<'PYEOF' | "$PY" "$BENCH/lib/delta.py" "$WORK/entries.snapshot" > "$2"
import sqlite3, sys
def flat(s): return " ".join(str(s or "").split())
con = sqlite3.connect(sys.argv[1])
for eid, link, title, summary, content in con.execute(
        "select guid, link, title, summary, content from entries order by id"):
    print(f"{flat(eid)}\t{flat(link)}\t{flat(title)} {flat(summary)} {flat(content)}")
PYEOF
}

# alerts mailed during this cycle
poll_alerts() {
    "$PY" "$BENCH/lib/maildir_to_tsv.py" "$MAILDIR" --id-header X-Aggregator-Entry-Id \
        --link-header X-Aggregator-Entry-Link --consume > "$2"
}
