#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what the tests need (a
# pinned Python venv with moto and awscli in .venv/), then runs rustfmt,
# clippy with warnings denied, and every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
