#!/usr/bin/env python3
"""Uploads a large sparse file to `pipewatch sandbox` with the AWS CLI and
reports the upload time and the sandbox's peak RSS (VmHWM), to show that S3
bodies stream to disk instead of sitting in memory.

usage: scripts/bench_upload_rss.py [BINARY] [--size-mb N]
  BINARY defaults to target/release/pipewatch; the AWS CLI is taken from .venv.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kb(pid, field):
    """A `VmXXX:   1234 kB` line of /proc/PID/status, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/{pid}/status")


def wait_listening(proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox exited early with {proc.poll()}")
        if line.startswith("listening on"):
            return
    raise RuntimeError("sandbox did not start listening")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", nargs="?", default=os.path.join(REPO, "target/release/pipewatch"))
    ap.add_argument("--size-mb", type=int, default=1024)
    args = ap.parse_args()
    aws = os.path.join(REPO, ".venv/bin/aws")
    for path in (args.binary, aws):
        if not os.access(path, os.X_OK):
            sys.exit(f"not executable: {path}")

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        PIPEWATCH_SANDBOX_ACCESS_KEY_ID="AKIABENCHUPLOAD00001",
        PIPEWATCH_SANDBOX_SECRET_ACCESS_KEY="bench-secret-bench-secret-bench-secret00",
    )
    cli_env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=env["PIPEWATCH_SANDBOX_ACCESS_KEY_ID"],
        AWS_SECRET_ACCESS_KEY=env["PIPEWATCH_SANDBOX_SECRET_ACCESS_KEY"],
        AWS_DEFAULT_REGION="us-east-1",
        # Keep the user's own AWS profile out of the measurement.
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    with tempfile.TemporaryDirectory(prefix="pipewatch-bench-") as tmp:
        body = os.path.join(tmp, "body.bin")
        with open(body, "wb") as f:
            f.truncate(args.size_mb * 1024 * 1024)
        proc = subprocess.Popen(
            [args.binary, "sandbox", "--addr", f"127.0.0.1:{port}", "--state-dir", os.path.join(tmp, "state")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            wait_listening(proc)

            def cli(*argv):
                subprocess.run([aws, "--endpoint-url", endpoint, *argv], env=cli_env, check=True, stdout=subprocess.DEVNULL)

            cli("s3api", "create-bucket", "--bucket", "bench-upload")
            before = status_kb(proc.pid, "VmHWM")
            peak_rss = [status_kb(proc.pid, "VmRSS")]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak_rss[0] = max(peak_rss[0], status_kb(proc.pid, "VmRSS"))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.monotonic()
            cli("s3api", "put-object", "--bucket", "bench-upload", "--key", "big.bin", "--body", body)
            seconds = time.monotonic() - started
            done.set()
            sampler.join()
            hwm = status_kb(proc.pid, "VmHWM")
            head = subprocess.run(
                [aws, "--endpoint-url", endpoint, "s3api", "head-object", "--bucket", "bench-upload", "--key", "big.bin",
                 "--query", "ContentLength", "--output", "text"],
                env=cli_env, check=True, capture_output=True, text=True,
            ).stdout.strip()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    size = args.size_mb * 1024 * 1024
    if head != str(size):
        sys.exit(f"stored object has ContentLength {head}, expected {size}")
    print(f"uploaded {args.size_mb} MiB in {seconds:.2f} s ({args.size_mb / seconds:.1f} MiB/s)")
    print(f"sandbox peak RSS before upload: {before / 1024:.1f} MB")
    # VmHWM is updated lazily by the kernel, so the sampled VmRSS can edge past it.
    peak = max(hwm, peak_rss[0])
    print(f"sandbox peak RSS during upload: {peak / 1024:.1f} MB (VmHWM {hwm / 1024:.1f} MB, sampled VmRSS {peak_rss[0] / 1024:.1f} MB)")


if __name__ == "__main__":
    main()
