#!/bin/sh
# Upload throughput to a local sandbox: `pipewatch push` (one streamed
# PutObject) against `aws s3api put-object` of the same zip.
# Usage: scripts/bench_push_upload.sh [MB]   (default 200; needs the AWS CLI)
# SKIP_BUILD=1 uses an existing target/release/pipewatch.
set -eu
MB=${1:-200}
cd "$(dirname "$0")/.."
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin pipewatch -q
BIN=$PWD/target/release/pipewatch
AWS=$(command -v aws || echo "$PWD/.venv/bin/aws")
DIR=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" sandbox --addr "127.0.0.1:$PORT" > "$DIR/env" 2>&1 &
SANDBOX=$!
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do grep -q listening "$DIR/env" && break; sleep 0.2; done
eval "$(grep '^export' "$DIR/env")"
mkdir "$DIR/ws"
printf 'version: 0.2\nphases:\n  build:\n    commands:\n      - "true"\nartifacts:\n  files:\n    - buildspec.yml\n' > "$DIR/ws/buildspec.yml"
head -c "$((MB * 1000000))" /dev/urandom > "$DIR/ws/blob.bin"
"$BIN" push --workspace "$DIR/ws" --dry-run --zip-out "$DIR/ws.zip" 2>/dev/null
"$BIN" push --workspace "$DIR/ws" --execution-timeout 1 2>&1 | grep '^pushed' | sed 's/.*) in/pipewatch push:/'
START=$(date +%s.%N)
"$AWS" s3api put-object --bucket pipewatch-demo-source --key workspace.zip --body "$DIR/ws.zip" > /dev/null
END=$(date +%s.%N)
SIZE=$(stat -c %s "$DIR/ws.zip")
python3 -c "s=$END-$START; print(f'aws s3api put-object: {s:.2f} s, {$SIZE/1e6/s:.1f} MB/s')"
