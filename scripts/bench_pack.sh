#!/bin/sh
# Pack speed and memory: generates a tree of FILES files totalling about MB
# megabytes (half text-like, half incompressible), packs it with
# `examples/bench_pack` (release) and with Info-ZIP `zip -qr -6` on the same
# tree, and prints wall time and peak RSS of both.
# Usage: scripts/bench_pack.sh [FILES] [MB]     (defaults: 20000 files, 200 MB; needs zip, python3)
# SKIP_BUILD=1 uses an existing target/release/examples/bench_pack.
set -eu
FILES=${1:-20000}
MB=${2:-200}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cd "$(dirname "$0")/.."
python3 - "$DIR/tree" "$FILES" "$MB" <<'PY'
import base64, os, random, sys
root, files, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = mb * 1_000_000 // files
rng = random.Random(42)
words = [base64.b32encode(rng.randbytes(5)).decode().lower() for _ in range(2000)]
for i in range(files):
    d = os.path.join(root, f"pkg{i % 50:02d}", f"mod{i % 7}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:05d}.txt"), "wb") as f:
        if i % 2:
            f.write(rng.randbytes(size))
        else:
            text = " ".join(rng.choice(words) for _ in range(size // 6 + 1))
            f.write(text.encode()[:size])
PY
echo "tree: $FILES files, $(du -sm "$DIR/tree" | cut -f1) MB on disk"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --example bench_pack -q
/usr/bin/time -f "  (pipewatch: %e s wall, %M KB peak RSS, %P CPU)" target/release/examples/bench_pack "$DIR/tree"
cd "$DIR/tree"
/usr/bin/time -f "zip -qr -6: %e s wall, %M KB peak RSS, %P CPU" zip -qr -6 "$DIR/info.zip" .
echo "info-zip size: $(($(stat -c %s "$DIR/info.zip") / 1000000)) MB"
