#!/usr/bin/env bash
# Requests per minute the monitor makes (from the sandbox request log): while a
# 60 s build prints a line every 0.5 s, and while idle (waiting at approval).
# Usage: [SIZE=80x24] scripts/bench_api_budget.sh [path/to/pipewatch]   (needs tmux, .venv/bin/aws)
# SIZE is the terminal (default 120x40, where the pipeline list is a pane).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/pipewatch}
work=$(mktemp -d)
# A private tmux server, so the app gets this shell's AWS_* exports.
sock="pwbudget-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill $sb 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" sandbox --addr 127.0.0.1:0 --request-log "$work/req.jsonl" > "$work/sb.out" &
sb=$!
for _ in $(seq 50); do grep -q '^listening' "$work/sb.out" 2>/dev/null && break; sleep 0.1; done
eval "$(grep '^export' "$work/sb.out")"
mkdir -p "$work/ws/model"
# The demo project reads model/buildspec.yml from the source zip.
cat > "$work/ws/model/buildspec.yml" <<'YAML'
version: 0.2
phases:
  build:
    commands:
      - 'for i in $(seq 1 120); do echo "tick $i"; sleep 0.5; done'
artifacts:
  files:
    - '**/*'
YAML
(cd "$work/ws" && python3 -c "import zipfile; z=zipfile.ZipFile('../ws.zip','w'); z.write('model/buildspec.yml'); z.close()")
size=${SIZE:-120x40}
tmux -L "$sock" new -d -s pwbudget -x "${size%x*}" -y "${size#*x}" "$bin --endpoint-url $AWS_ENDPOINT_URL --region us-east-1 --pipeline mlops-demo --log-file $work/pw.log"
sleep 3
.venv/bin/aws s3api put-object --bucket pipewatch-demo-source --key workspace.zip --body "$work/ws.zip" > /dev/null
sleep 5   # source stage and build start
count() { wc -l < "$work/req.jsonl"; }
a=$(count); sleep 60; b=$(count)
echo "requests/min while a build runs: $((b - a))"
sleep 25  # build done (and its log settled), run waits at the manual approval
a=$(count); sleep 60; b=$(count)
echo "requests/min idle (run waiting at approval): $((b - a))"
python3 - "$work/req.jsonl" <<'PY'
import json, sys, collections
c = collections.Counter(json.loads(l)["operation"] for l in open(sys.argv[1]))
print("by operation over the whole run:", dict(c))
PY
