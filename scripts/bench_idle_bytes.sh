#!/bin/sh
# Bytes the monitor writes to its terminal while idle, and its CPU use.
# Runs `pipewatch --sandbox` in a private tmux server at 120x40, waits for the
# demo run to settle, then records the pane's raw output for SECONDS seconds.
# Usage: scripts/bench_idle_bytes.sh [BINARY] [SECONDS]   (needs tmux)
set -eu
BIN=${1:-target/release/pipewatch}
SECS=${2:-60}
SOCK=pipewatch-bench-$$
DIR=$(mktemp -d)
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$DIR"' EXIT
tmux -L "$SOCK" new-session -d -s b -x 120 -y 40 "$BIN --sandbox --log-file $DIR/log"
# The demo build takes a few seconds; the approval then waits: that is idle.
sleep 20
SHELL_PID=$(tmux -L "$SOCK" display-message -p -t b '#{pane_pid}')
# tmux's shell may exec the app directly; otherwise the app is its child.
if [ "$(ps -o comm= -p "$SHELL_PID")" = pipewatch ]; then APP_PID=$SHELL_PID; else APP_PID=$(pgrep -P "$SHELL_PID" | head -n1); fi
ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }
T0=$(ticks)
tmux -L "$SOCK" pipe-pane -o -t b "cat > $DIR/raw"
sleep "$SECS"
tmux -L "$SOCK" pipe-pane -t b
T1=$(ticks)
BYTES=$(wc -c < "$DIR/raw")
HZ=$(getconf CLK_TCK)
echo "idle terminal bytes: $BYTES in ${SECS}s ($(( BYTES * 60 / SECS )) per minute)"
awk -v t="$((T1 - T0))" -v hz="$HZ" -v s="$SECS" 'BEGIN { printf "idle CPU: %.2f%% of a core\n", 100 * t / hz / s }'
