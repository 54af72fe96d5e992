#!/usr/bin/env bash
# `make serve-varnish`: Varnish on PORT in front of the app served as `make serve` does on
# PORT+1, the app purging Varnish by tag after every change. Ctrl-C stops both.
set -euo pipefail
port=${1:-8000}
app_port=$((port + 1))
root=$(cd "$(dirname "$0")/../.." && pwd)
# Varnish reads its configuration and keeps its work folder as its own user (`varnish` and
# `vcache` when started as root): a folder of their own that they may read, not .cache (which
# the page cache keeps private) nor a checkout in a private home.
work=$(mktemp -d /tmp/newsroom-varnish.XXXXXX)
chmod 755 "$work"
sed "s/\.port = \"8001\";/.port = \"$app_port\";/" "$root/deploy/varnish/newsroom.vcl" >"$work/newsroom.vcl"

pids=()
stop() {
  # Signals that come while stopping (make passes its own on) must not cut the stop short.
  trap '' INT TERM
  trap - EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT INT TERM

# The app: purges go to Varnish; readers' addresses come from the X-Forwarded-For it adds.
CACHE_PURGE_URLS="http://127.0.0.1:$port/" TRUSTED_PROXIES=127.0.0.1 SITE_URL="http://127.0.0.1:$port" \
  setsid make --no-print-directory -C "$root" serve PORT="$app_port" &
pids+=($!)
setsid varnishd -F -f "$work/newsroom.vcl" -a "127.0.0.1:$port" -n "$work/state" -s malloc,256m &
pids+=($!)
echo "Varnish on http://127.0.0.1:$port/ in front of the app on http://127.0.0.1:$app_port/ (Ctrl-C stops both)"
wait -n
