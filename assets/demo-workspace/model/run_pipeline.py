#!/usr/bin/env python3
"""The demo's ML pipeline, with python3's standard library only. One step per
buildspec phase, run from the workspace root ($CODEBUILD_SRC_DIR):

    python3 model/run_pipeline.py check    pre_build: read the config, check the data
    python3 model/run_pipeline.py train    build: train, evaluate, quality gate
    python3 model/run_pipeline.py package  post_build: write the deploy template

--config FILE picks another configuration (default model/config.json).

Environment:
    FAIL_QUALITY_GATE=1  invert the training labels (a simulated bad data drop):
                         the model fails the quality gate and BUILD fails
    DEMO_DELAY_SCALE=0   no pauses (they only make the demo watchable; 1 = as configured)
"""
import argparse
import csv
import hashlib
import json
import math
import os
import sys
import time
import xml.etree.ElementTree as ET


class PipelineError(Exception):
    """A problem the user can fix; printed as one ERROR line, exit status 1."""


def say(message):
    # Flushed at once so the build log streams line by line.
    print(message, flush=True)


def pause(config, kind):
    raw = os.environ.get("DEMO_DELAY_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        raise PipelineError(f"DEMO_DELAY_SCALE must be a number, found {raw!r}")
    time.sleep(max(0.0, config["delays_seconds"][kind] * scale))


def load_config(path):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        raise PipelineError(f"cannot read the config {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise PipelineError(f"{path} line {e.lineno} column {e.colno}: {e.msg}")


def read_rows(path, features, label):
    """(rows, skipped): rows are (feature values, 0 or 1); rows with a blank or
    non-numeric value are skipped and counted."""
    try:
        f = open(path, newline="")
    except OSError as e:
        raise PipelineError(f"cannot read {path}: {e.strerror}")
    with f:
        reader = csv.DictReader(f)
        missing = [c for c in features + [label] if c not in (reader.fieldnames or [])]
        if missing:
            raise PipelineError(f"{path} has no column {', '.join(missing)}")
        rows, skipped = [], 0
        for record in reader:
            try:
                x = [float(record[c]) for c in features]
                y = int(record[label])
            except (TypeError, ValueError):
                skipped += 1
                continue
            if y not in (0, 1):
                skipped += 1
                continue
            rows.append((x, y))
    if not rows:
        raise PipelineError(f"{path} has no usable rows")
    return rows, skipped


def load_split(config, split):
    data = config["data"]
    return read_rows(data[split], data["features"], data["label"])


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def standardize(model, x):
    return [(v - m) / s for v, m, s in zip(x, model["mean"], model["std"])]


def probability(model, x):
    z = model["bias"] + sum(w * v for w, v in zip(model["weights"], standardize(model, x)))
    return sigmoid(z)


def evaluate(model, rows, threshold):
    tp = fp = tn = fn = 0
    loss = 0.0
    for x, y in rows:
        p = probability(model, x)
        loss -= math.log(max(p if y else 1.0 - p, 1e-12))
        predicted = 1 if p >= threshold else 0
        tp += predicted and y
        fp += predicted and not y
        fn += y and not predicted
        tn += not predicted and not y
    n = len(rows)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / n
    return {
        "rows": n,
        "loss": round(loss / n, 4),
        "accuracy": round(accuracy, 4),
        "error": round(1.0 - accuracy, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def gradient_step(model, rows, learning_rate, l2):
    """One full-batch gradient descent step on the log loss (L2-regularised)."""
    grad_w = [0.0] * len(model["weights"])
    grad_b = 0.0
    for x, y in rows:
        xs = standardize(model, x)
        err = sigmoid(model["bias"] + sum(w * v for w, v in zip(model["weights"], xs))) - y
        for i, v in enumerate(xs):
            grad_w[i] += err * v
        grad_b += err
    n = len(rows)
    model["weights"] = [w - learning_rate * (g / n + l2 * w) for w, g in zip(model["weights"], grad_w)]
    model["bias"] -= learning_rate * grad_b / n


def new_model(config, rows):
    """Zero weights; the scaling comes from the training data and ships with the model."""
    columns = list(zip(*(x for x, _ in rows)))
    mean = [sum(c) / len(c) for c in columns]
    std = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(columns, mean)]
    return {
        "name": config["model_name"],
        "features": config["data"]["features"],
        "mean": mean,
        "std": std,
        "weights": [0.0] * len(mean),
        "bias": 0.0,
        "threshold": config["hyperparameters"]["threshold"],
    }


def drift(baseline_rows, rows, features):
    """Per feature: how far the mean moved from the baseline's, in baseline standard deviations."""
    out = {}
    for i, name in enumerate(features):
        base = [x[i] for x, _ in baseline_rows]
        mean = sum(base) / len(base)
        std = math.sqrt(sum((v - mean) ** 2 for v in base) / len(base)) or 1.0
        other = sum(x[i] for x, _ in rows) / len(rows)
        out[name] = round((other - mean) / std, 3)
    return out


def quality_gate(gate, baseline, test):
    """The model must do well on the clean baseline data, and no worse than
    max_error_gap on the test data than on the baseline."""
    need = gate["min_baseline_accuracy"]
    allowed = round(baseline["error"] + gate["max_error_gap"], 4)
    return [
        {
            "check": "baseline accuracy",
            "passed": baseline["accuracy"] >= need,
            "detail": f"accuracy on the baseline (clean) data {baseline['accuracy']:.3f} (needs at least {need:.3f})",
            "problem": f"accuracy on the baseline (clean) data is {baseline['accuracy']:.3f}, below {need:.3f}",
        },
        {
            "check": "test error vs baseline",
            "passed": test["error"] <= allowed,
            "detail": f"test error {test['error']:.3f} (needs at most baseline error {baseline['error']:.3f}"
            f" + {gate['max_error_gap']:.3f})",
            "problem": f"test error {test['error']:.3f} is more than baseline error {baseline['error']:.3f}"
            f" + {gate['max_error_gap']:.3f}",
        },
    ]


def output_path(config, name):
    return os.path.join(config["output_dir"], name)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def fail_switch():
    return os.environ.get("FAIL_QUALITY_GATE", "0").strip() not in ("", "0", "false", "no")


def cmd_check(config, args):
    hp = config["hyperparameters"]
    say(f"config {args.config}: model {config['model_name']}")
    say("hyperparameters: " + ", ".join(f"{k}={v}" for k, v in hp.items()))
    for split in ("train", "validation", "test", "baseline"):
        rows, skipped = load_split(config, split)
        failures = sum(y for _, y in rows)
        say(f"{config['data'][split]}: {len(rows)} rows, {failures} failures, {skipped} skipped")
        if split == "baseline" and skipped:
            raise PipelineError(f"the baseline must be clean data, but {skipped} of its rows have missing values")
        pause(config, "step")
    if fail_switch():
        say("FAIL_QUALITY_GATE is set: this build will train on inverted labels and fail its quality gate")
    say("data ok")


def cmd_train(config, args):
    hp = config["hyperparameters"]
    features = config["data"]["features"]
    train, skipped = load_split(config, "train")
    validation, _ = load_split(config, "validation")
    test, _ = load_split(config, "test")
    baseline, _ = load_split(config, "baseline")
    say(f"training on {len(train)} rows ({skipped} skipped: missing or invalid values)")
    simulated = fail_switch()
    if simulated:
        say("FAIL_QUALITY_GATE=1: inverting the training labels to simulate a bad data drop")
        train = [(x, 1 - y) for x, y in train]
    model = new_model(config, train)
    say(
        f"logistic regression, {hp['epochs']} epochs x {hp['steps_per_epoch']} gradient steps,"
        f" learning rate {hp['learning_rate']}, l2 {hp['l2']}"
    )
    history = []
    for epoch in range(1, hp["epochs"] + 1):
        for _ in range(hp["steps_per_epoch"]):
            gradient_step(model, train, hp["learning_rate"], hp["l2"])
        t = evaluate(model, train, hp["threshold"])
        v = evaluate(model, validation, hp["threshold"])
        history.append({"epoch": epoch, "train": t, "validation": v})
        say(
            f"epoch {epoch:2}/{hp['epochs']} train_loss={t['loss']:.4f} train_acc={t['accuracy']:.3f}"
            f" val_loss={v['loss']:.4f} val_acc={v['accuracy']:.3f}"
        )
        pause(config, "epoch")

    say("evaluating on the test data")
    test_m = evaluate(model, test, hp["threshold"])
    say(f"test:     accuracy={test_m['accuracy']:.3f} error={test_m['error']:.3f} f1={test_m['f1']:.3f}")
    pause(config, "step")
    say("comparing with the baseline (clean reference) data")
    base_m = evaluate(model, baseline, hp["threshold"])
    say(f"baseline: accuracy={base_m['accuracy']:.3f} error={base_m['error']:.3f} f1={base_m['f1']:.3f}")
    shift = drift(baseline, test, features)
    say("test data drift from the baseline (std devs): " + ", ".join(f"{k} {v:+.2f}" for k, v in shift.items()))
    pause(config, "step")

    checks = quality_gate(config["quality_gate"], base_m, test_m)
    for c in checks:
        say(f"quality gate: {'ok  ' if c['passed'] else 'FAIL'} {c['detail']}")
    passed = all(c["passed"] for c in checks)

    os.makedirs(config["output_dir"], exist_ok=True)
    # A model from an earlier local run must not pass for this one's.
    for stale in ("model.json", "deploy-model.json"):
        if os.path.exists(output_path(config, stale)):
            os.remove(output_path(config, stale))
    metrics = {
        "model_name": config["model_name"],
        "hyperparameters": hp,
        "train_rows": len(train),
        "skipped_rows": skipped,
        "simulated_bad_data": simulated,
        "history": history,
        "validation": history[-1]["validation"],
        "test": test_m,
        "baseline": base_m,
        "drift_from_baseline": shift,
        "quality_gate": {"passed": passed, "checks": checks},
    }
    write_json(output_path(config, "metrics.json"), metrics)
    write_test_report(config, test_cases(config, skipped_by_split(config), shift, checks))
    write_report(output_path(config, "evaluation.md"), metrics)
    say(f"wrote {output_path(config, 'metrics.json')} and {output_path(config, 'evaluation.md')}")
    if not passed:
        problems = "; ".join(c["problem"] for c in checks if not c["passed"])
        raise PipelineError(f"quality gate failed, the model is not published: {problems}")
    model["metrics"] = {"test": test_m, "baseline": base_m}
    write_json(output_path(config, "model.json"), model)
    say(f"quality gate passed: wrote {output_path(config, 'model.json')}")


def skipped_by_split(config):
    return {split: load_split(config, split) for split in ("train", "validation", "test", "baseline")}


def test_cases(config, splits, shift, checks):
    """The build's checks as test cases (name, failure message or None) for the
    JUnit report the buildspec's reports: section hands to CodeBuild."""
    cases = []
    limit = config["tests"]["max_skipped_share"]
    for split, (rows, skipped) in splits.items():
        share = skipped / (len(rows) + skipped)
        problem = f"{skipped} of {len(rows) + skipped} rows skipped, more than {limit:.0%}" if share > limit else None
        cases.append(("data", f"test_{split}_rows_usable", problem))
    max_drift = config["tests"]["max_drift_std"]
    for feature, d in shift.items():
        problem = f"drifted {d:+.2f} std devs from the baseline, more than {max_drift}" if abs(d) > max_drift else None
        cases.append(("drift", f"test_{feature}_drift", problem))
    for c in checks:
        cases.append(("quality_gate", "test_" + c["check"].replace(" ", "_"), None if c["passed"] else c["problem"]))
    return cases


def write_test_report(config, cases):
    path = os.path.join(config["reports_dir"], "quality-gate.xml")
    os.makedirs(config["reports_dir"], exist_ok=True)
    failed = [name for _, name, problem in cases if problem]
    root = ET.Element("testsuites", name=config["model_name"], tests=str(len(cases)), failures=str(len(failed)))
    suites = {}
    for suite, name, problem in cases:
        if suite not in suites:
            suites[suite] = ET.SubElement(root, "testsuite", name=suite)
        case = ET.SubElement(suites[suite], "testcase", classname=f"{config['model_name']}.{suite}", name=name, time="0")
        if problem:
            ET.SubElement(case, "failure", message=problem)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    say(f"wrote {path}: {len(cases)} tests, {len(failed)} failed")


def write_report(path, m):
    lines = [
        f"# Evaluation of {m['model_name']}",
        "",
        f"Trained on {m['train_rows']} rows ({m['skipped_rows']} skipped) for {len(m['history'])} epochs."
        + (" Training labels were inverted (FAIL_QUALITY_GATE=1)." if m["simulated_bad_data"] else ""),
        "",
        "| data | rows | accuracy | error | precision | recall | f1 | loss |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("validation", "test", "baseline"):
        r = m[name]
        lines.append(
            f"| {name} | {r['rows']} | {r['accuracy']:.3f} | {r['error']:.3f} | {r['precision']:.3f}"
            f" | {r['recall']:.3f} | {r['f1']:.3f} | {r['loss']:.4f} |"
        )
    lines += ["", f"Quality gate: {'passed' if m['quality_gate']['passed'] else 'FAILED'}", ""]
    lines += [f"- {'ok' if c['passed'] else 'FAIL'}: {c['detail']}" for c in m["quality_gate"]["checks"]]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def cmd_package(config, args):
    # post_build runs after a failed build too; there is nothing to deploy then.
    if os.environ.get("CODEBUILD_BUILD_SUCCEEDING") == "0":
        say("the build failed: no deploy template written")
        return
    model_path = output_path(config, "model.json")
    try:
        with open(model_path, "rb") as f:
            body = f.read()
    except OSError:
        raise PipelineError(f"{model_path} is missing: run 'train' first")
    model = json.loads(body)
    version = os.environ.get("CODEBUILD_BUILD_NUMBER", "local")
    template = {
        "description": f"Deploys {config['model_name']} version {version} (written by the build's post_build phase)",
        "model": {
            "name": config["model_name"],
            "version": version,
            "artifact": model_path,
            "sha256": hashlib.sha256(body).hexdigest(),
            "source_version": os.environ.get("CODEBUILD_RESOLVED_SOURCE_VERSION", "local"),
        },
        "endpoint": config["deploy"],
        "metrics": {
            "test_accuracy": model["metrics"]["test"]["accuracy"],
            "baseline_accuracy": model["metrics"]["baseline"]["accuracy"],
        },
    }
    path = output_path(config, "deploy-model.json")
    write_json(path, template)
    pause(config, "step")
    say(f"wrote {path}: endpoint {config['deploy']['endpoint_name']}, model version {version}")


def main():
    parser = argparse.ArgumentParser(description="Train, evaluate and package the demo model.")
    parser.add_argument("step", choices=["check", "train", "package"])
    parser.add_argument("--config", default="model/config.json")
    args = parser.parse_args()
    steps = {"check": cmd_check, "train": cmd_train, "package": cmd_package}
    try:
        config = load_config(args.config)
        steps[args.step](config, args)
    except PipelineError as e:
        print(f"ERROR {e}", file=sys.stderr, flush=True)
        return 1
    except KeyError as e:
        print(f"ERROR {args.config} is missing the setting {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
