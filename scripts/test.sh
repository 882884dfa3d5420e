#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what the tests need (a
# pinned Python venv with moto, awscli and cfn-lint in .venv/), then lints the
# CloudFormation template and runs rustfmt, clippy with warnings denied, and
# every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The PTY end-to-end tests drive the real binary inside tmux.
if ! command -v tmux >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq tmux >/dev/null
    else
        echo "scripts/test.sh: tmux is needed for the terminal tests; install it (e.g. sudo apt-get install tmux)" >&2
        exit 2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt

# The real-AWS template must stay deployable: no cfn-lint errors or warnings.
.venv/bin/cfn-lint assets/aws/pipeline.yml

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
