#!/usr/bin/env bash
# The fleet's cost, from the sandbox request log: `pipewatch --fleet` over 500
# generated pipelines in two Regions (us-east-1, eu-west-1) of one account.
# Prints, for an idle fleet and for one with 20 pipelines building: the time
# to the first full list (every ListPipelines page of both Regions) and until
# every row's latest run is known, then requests/minute over the next minute.
# Usage: scripts/bench_fleet.sh [path/to/pipewatch]   (needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/pipewatch}")
work=$(mktemp -d)
sock="pwfleet-$$"
sb=""
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; [ -n "$sb" ] && kill $sb 2>/dev/null || true; rm -rf "$work"' EXIT

# Waits up to $2 seconds for $1 to appear in the app's log; prints its ms= field.
milestone() {
  for _ in $(seq $(( $2 * 10 ))); do
    line=$(grep -F "$1" "$work/pw.log" 2>/dev/null | head -1 || true)
    if [ -n "$line" ]; then echo "$line" | sed -E 's/.*ms=([0-9]+).*/\1/'; return; fi
    sleep 0.1
  done
  echo "never"
}

scenario() {
  local running=$1
  cat > "$work/sandbox.json" <<JSON
{ "pipelines": [], "generate": [ { "count": 500, "running": $running, "waiting": 10, "failed": 25 } ] }
JSON
  : > "$work/req.jsonl"
  : > "$work/pw.log"
  "$bin" sandbox --addr 127.0.0.1:0 --config "$work/sandbox.json" --request-log "$work/req.jsonl" > "$work/sb.out" &
  sb=$!
  for _ in $(seq 50); do grep -q '^listening' "$work/sb.out" 2>/dev/null && break; sleep 0.1; done
  local key secret endpoint
  key=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$work/sb.out")
  secret=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$work/sb.out")
  endpoint=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$work/sb.out")
  printf '[profile bench]\nendpoint_url = %s\n' "$endpoint" > "$work/aws_config"
  printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$key" "$secret" > "$work/aws_credentials"
  printf '[[fleet]]\nname = "bench"\nprofile = "bench"\nregions = ["us-east-1", "eu-west-1"]\n' > "$work/config.toml"
  tmux -L "$sock" new -d -s fleet -x 120 -y 40 \
    "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE -u AWS_REGION -u AWS_ENDPOINT_URL \
     AWS_CONFIG_FILE=$work/aws_config AWS_SHARED_CREDENTIALS_FILE=$work/aws_credentials \
     $bin --config $work/config.toml --fleet bench --log-file $work/pw.log"
  local listed known
  listed=$(milestone "every place listed" 60)
  known=$(milestone "every row's latest run known" 600)
  sleep 5
  local a b
  a=$(wc -l < "$work/req.jsonl"); sleep 60; b=$(wc -l < "$work/req.jsonl")
  echo "== 500 pipelines, $running building =="
  echo "time to first full list (both Regions, all pages): ${listed} ms"
  echo "time until every row's latest run is known: ${known} ms"
  echo "requests/min afterwards: $((b - a))"
  python3 - "$work/req.jsonl" <<'PY'
import json, sys, collections
c = collections.Counter(json.loads(l)["operation"] for l in open(sys.argv[1]))
print("by operation over the whole run:", dict(c))
PY
  tmux -L "$sock" kill-server 2>/dev/null || true
  kill $sb 2>/dev/null || true
  wait $sb 2>/dev/null || true
  sb=""
}

scenario 0
scenario 20
