#!/usr/bin/env bash
# Checks the unit files with `systemd-analyze verify`, as CI does (.ci/run). verify also checks that ExecStart's
# program exists: where /opt/aggregator/aggregator is not installed, a stand-in is put there for the check and removed
# after it (so this needs root on such a machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
program=/opt/aggregator/aggregator
cleanup=()
if [ ! -e "$program" ]; then
  [ -d /opt/aggregator ] || cleanup+=(/opt/aggregator)
  mkdir -p /opt/aggregator
  printf '#!/bin/sh\n' > "$program"
  chmod +x "$program"
  cleanup=("$program" "${cleanup[@]}")
fi
trap 'for p in "${cleanup[@]}"; do rm -rf "$p"; done' EXIT
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$here/aggregator.service" "$here/aggregator-poll.service" "$here/aggregator-poll.timer"
echo "deploy/: systemd-analyze verify passed (aggregator.service, aggregator-poll.service, aggregator-poll.timer)"
