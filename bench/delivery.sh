#!/usr/bin/env bash
# Delivery throughput: N queued alerts (default 10,000) delivered to a receiver on loopback: a webhook
# (a threaded Python HTTP server) or SMTP (aiosmtpd writing a maildir).
# Cycle 1 polls one feed of N matching items with the receiver down, so every alert waits in the
# outbox; cycle 2 runs with the receiver up and only delivers (the feed answers 304). Prints cycle 2's
# wall time and deliveries per second, and checks that the receiver got each delivery id once; also cycle 1's
# wall time (fetch, parse, store and queue N matches).
# The rule has "limit": "none" (LIMIT=none), so that all N go out one by one: the default flood guard (20/h)
# would send 20 and hold the rest for one digest at the end of the hour. LIMIT=default leaves the key out
# (the rule gets the default, and cycle 1 counts every alert); LIMIT= (empty) leaves it out for a build
# older than the flood guard.
#   bench/delivery.sh [N] [CONCURRENCY] [webhook|smtp]
set -euo pipefail
n=${1:-10000}; concurrency=${2:-1}; kind=${3:-webhook}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
out=${AGG_PUBLISH:-/tmp/aggregator-publish}
[ -n "${NO_PUBLISH:-}" ] || dotnet publish "$repo/src/Aggregator" -c Release --use-current-runtime -p:PublishReadyToRun=true -o "$out" --nologo -v quiet >/dev/null
PY=/usr/bin/python3
feed_port=18181; receiver_port=18182

mkdir -p "$work/www" "$work/config"
$PY - "$n" "$work/www/feed.xml" <<'PYEOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
items = "".join(f"<item><guid isPermaLink='false'>item-{i}</guid><title>Hezbollah report {i}</title><link>https://example.org/{i}</link></item>" for i in range(n))
open(path, "w").write(f"<rss version='2.0'><channel><title>Bench</title>{items}</channel></rss>")
PYEOF
$PY -m http.server "$feed_port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
echo "{ \"feeds\": [ { \"name\": \"bench\", \"url\": \"http://127.0.0.1:$feed_port/feed.xml\" } ] }" > "$work/config/feeds.json"
limit=${LIMIT-none}
if [ -z "$limit" ] || [ "$limit" = default ]; then limit_key=""; else limit_key=", \"limit\": \"$limit\""; fi
echo "{ \"rules\": [ { \"name\": \"bench\", \"query\": \"Hezbollah\"$limit_key } ] }" > "$work/config/rules.json"
if [ "$kind" = smtp ]; then
  notifier="{ \"Type\": \"smtp\", \"Host\": \"127.0.0.1\", \"Port\": $receiver_port, \"Security\": \"none\", \"From\": \"a@example.invalid\", \"To\": [\"b@example.invalid\"] }"
else
  notifier="{ \"Type\": \"webhook\", \"Url\": \"http://127.0.0.1:$receiver_port/hook\", \"Timeout\": \"00:00:10\" }"
fi
cat > "$work/appsettings.json" <<EOF2
{ "Aggregator": { "Polling": { "AlertOnFirstPoll": true },
                  "Delivery": { "FirstRetryDelay": "00:00:01", "MaxRetryDelay": "00:00:01", "MaxConcurrency": $concurrency } },
  "Notifiers": { "out": $notifier },
  "Logging": { "LogLevel": { "Default": "Error" } } }
EOF2
sleep 0.5
queue_start=$(date +%s.%N)
"$out/aggregator" poll --contentRoot "$work" | tail -1      # receiver down: everything waits in the outbox
queue_end=$(date +%s.%N)
$PY -c "import sys; print(f'cycle 1 (queue {sys.argv[3]} matches, receiver down): {float(sys.argv[2])-float(sys.argv[1]):.2f} s')" "$queue_start" "$queue_end" "$n"
sleep 1.2

if [ "$kind" = smtp ]; then
  $PY -m aiosmtpd -n -l "127.0.0.1:$receiver_port" -c aiosmtpd.handlers.Mailbox "$work/mail" >/dev/null 2>&1 &
else
  # A threaded receiver that answers 200 and writes each delivery id to a file.
  $PY - "$receiver_port" "$work/received.txt" <<'PYEOF' &
import sys, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
port, path = int(sys.argv[1]), sys.argv[2]
lock, out = threading.Lock(), open(path, "w")
class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            out.write(self.headers["X-Aggregator-Delivery"] + "\n"); out.flush()
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
ThreadingHTTPServer(("127.0.0.1", port), Hook).serve_forever()
PYEOF
fi
sleep 1
start=$(date +%s.%N)
"$out/aggregator" poll --contentRoot "$work" | tail -1
end=$(date +%s.%N)
if [ "$kind" = smtp ]; then
  $PY - "$work/mail" > "$work/received.txt" <<'PYEOF'
import mailbox, sys
for message in mailbox.Maildir(sys.argv[1], create=False):
    print(message["X-Aggregator-Delivery"])
PYEOF
fi
received=$(wc -l < "$work/received.txt"); unique=$(sort -u "$work/received.txt" | wc -l)
$PY -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print(f'{sys.argv[5]}: delivered {n} (unique {sys.argv[4]}) in {s:.2f} s, process start included: {n/s:,.0f} deliveries/s (MaxConcurrency {sys.argv[6]})')" \
  "$start" "$end" "$received" "$unique" "$kind" "$concurrency"
