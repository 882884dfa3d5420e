#!/usr/bin/env python3
"""Log latency: how long after a build prints a line the TUI and `pipewatch
logs -f` show it, against `pipewatch sandbox` with its AWS-like defaults
(log stream created as provisioning ends, events readable 0.5-5 s after they
are printed, request-rate buckets).

Two runs: the TUI started before the upload (idle until then: it finds the
new run at its idle pace, GetPipelineState every 15 s), and the TUI started
right after the upload, before the build (the pipeline is active: a build
about to start is polled for every second).

For each line it prints: the print time (in the line), the time CloudWatch
made it readable (ingestionTime, read back afterwards: the earliest any tailer
of the log group could show it), and when each client first showed it. The
TUI's screen is read with tmux capture-pane every 50 ms.

Usage: scripts/bench_log_latency.py [path/to/pipewatch]   (needs tmux, .venv/bin/aws)
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/pipewatch")
AWS = os.path.join(ROOT, ".venv/bin/aws")
LINES = 40
MARK = re.compile(r"mark (\d+) (\d+)")

BUILDSPEC = f"""version: 0.2
phases:
  build:
    commands:
      - 'for i in $(seq 1 {LINES}); do echo "mark $i $(date +%s%3N)"; sleep 0.5; done'
artifacts:
  files:
    - '**/*'
"""


def main():
    for tui_first in (True, False):
        print("== TUI started", "before the upload (idle)" if tui_first else "after the upload, before the build")
        once(tui_first)


def once(tui_first):
    work = tempfile.mkdtemp()
    sock = f"pwlat-{os.getpid()}"
    sb = subprocess.Popen([BIN, "sandbox", "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    env = dict(os.environ)
    for line in sb.stdout:
        if line.startswith("export "):
            k, v = line[len("export "):].strip().split("=", 1)
            env[k] = v.strip("'\"")
        if line.startswith("listening") and "AWS_ENDPOINT_URL" in env:
            break
        if "AWS_SECRET_ACCESS_KEY" in env and "AWS_ENDPOINT_URL" in env and "AWS_ACCESS_KEY_ID" in env:
            break
    endpoint = env["AWS_ENDPOINT_URL"]
    try:
        run(work, sock, env, endpoint, tui_first)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
        sb.terminate()


def aws(env, *args):
    out = subprocess.run([AWS, *args, "--output", "json"], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout) if out.stdout.strip() else {}


def run(work, sock, env, endpoint, tui_first):
    os.makedirs(os.path.join(work, "ws/model"))
    zpath = os.path.join(work, "ws.zip")
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("model/buildspec.yml", BUILDSPEC)
    tui_env = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith("AWS_"))
    cmd = f"env {tui_env} {BIN} --endpoint-url {endpoint} --region us-east-1 --pipeline mlops-demo"
    start_tui = ["tmux", "-L", sock, "new", "-d", "-s", "lat", "-x", "200", "-y", "50", cmd]
    if tui_first:
        subprocess.run(start_tui, check=True)
        time.sleep(3)
    seen_tui, seen_cli = {}, {}
    stop = threading.Event()

    def watch_tui():
        while not stop.is_set():
            screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "lat"],
                                    capture_output=True, text=True).stdout
            now = time.time() * 1000
            for m in MARK.finditer(screen):
                seen_tui.setdefault(int(m.group(1)), now)
            time.sleep(0.05)

    aws(env, "s3api", "put-object", "--bucket", "pipewatch-demo-source", "--key", "workspace.zip", "--body", zpath)
    if not tui_first:
        subprocess.run(start_tui, check=True)
    threading.Thread(target=watch_tui, daemon=True).start()
    # `logs -f` starts as soon as the build has an id (a script would do the same).
    build_id = None
    while build_id is None:
        state = aws(env, "codepipeline", "get-pipeline-state", "--name", "mlops-demo")
        for stage in state.get("stageStates", []):
            if stage.get("stageName") != "Build":
                continue
            for a in stage.get("actionStates", []):
                ex = a.get("latestExecution", {})
                if a.get("actionName") and ex.get("externalExecutionId") and ex.get("status") == "InProgress":
                    build_id = ex["externalExecutionId"]
        time.sleep(0.2)
    cli = subprocess.Popen([BIN, "logs", build_id, "-f", "--endpoint-url", endpoint, "--region", "us-east-1"],
                           env=env, stdout=subprocess.PIPE, text=True)
    for line in cli.stdout:
        m = MARK.search(line)
        if m:
            seen_cli.setdefault(int(m.group(1)), time.time() * 1000)
    time.sleep(2)
    stop.set()
    build = aws(env, "codebuild", "batch-get-builds", "--ids", build_id)["builds"][0]
    group, stream = build["logs"]["groupName"], build["logs"]["streamName"]
    events = aws(env, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream,
                 "--start-from-head")["events"]
    printed, ingested = {}, {}
    for e in events:
        m = MARK.search(e["message"])
        if m:
            printed[int(m.group(1))] = int(m.group(2))
            ingested[int(m.group(1))] = e["ingestionTime"]
    report("TUI", seen_tui, printed, ingested)
    report("logs -f", seen_cli, printed, ingested)
    pct = lambda xs, q: sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]
    ing = [ingested[i] - printed[i] for i in printed]
    print(f"CloudWatch ingestion delay (sandbox): p50 {pct(ing, .5)/1000:.2f} s, max {max(ing)/1000:.2f} s")


def report(name, seen, printed, ingested):
    got = sorted(i for i in seen if i in printed)
    if not got:
        print(f"{name}: showed no line")
        return
    after_print = [seen[i] - printed[i] for i in got]
    after_ingest = [seen[i] - ingested[i] for i in got]
    first = got[0]
    print(f"{name}: {len(got)}/{len(printed)} lines; first line {after_print[0]/1000:.2f} s after it was printed, "
          f"{after_ingest[0]/1000:.2f} s after it was readable (line {first})")
    steady_p = [d for i, d in zip(got, after_ingest) if i > 5]
    if steady_p:
        print(f"{name}: steady state after readable p50 {statistics.median(steady_p)/1000:.2f} s, "
              f"p90 {sorted(steady_p)[int(.9*len(steady_p))]/1000:.2f} s; after printed p50 "
              f"{statistics.median([d for i, d in zip(got, after_print) if i > 5])/1000:.2f} s")


if __name__ == "__main__":
    main()
