#!/usr/bin/env python3
"""Writes the demo's CSVs: sensor readings of machines, and whether each one
failed within a month. Deterministic (fixed seed): rerun it and the files come
out byte for byte the same.

    python3 data/make_data.py        (from the workspace root, or anywhere)

train.csv      480 rows, a few with a missing reading (dropped by training)
validation.csv 120 rows, checked after every epoch
test.csv       120 rows, held out for the final evaluation
baseline.csv   the first 160 complete rows of train.csv: the "clean"
               reference data the quality gate compares the model against
"""
import math
import os
import random

FEATURES = ["temperature_c", "vibration_mm_s", "age_months", "load_pct"]
HEADER = FEATURES + ["failure"]
HERE = os.path.dirname(os.path.abspath(__file__))


def machine(rng):
    """One row: readings, then a label drawn from a known logistic rule."""
    temperature = rng.gauss(70.0, 8.0)
    vibration = max(0.2, rng.gauss(4.0, 1.5))
    age = rng.uniform(1.0, 96.0)
    load = rng.uniform(20.0, 100.0)
    logit = -1.2 + 0.22 * (temperature - 70.0) + 1.3 * (vibration - 4.0) + 0.03 * (age - 48.0) + 0.04 * (load - 60.0)
    failure = 1 if rng.random() < 1.0 / (1.0 + math.exp(-logit)) else 0
    return [f"{temperature:.1f}", f"{vibration:.2f}", f"{age:.0f}", f"{load:.0f}", str(failure)]


def write(name, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        for row in rows:
            f.write(",".join(row) + "\n")


def main():
    rng = random.Random(20261126)
    train = [machine(rng) for _ in range(480)]
    # Real exports have gaps: blank one reading in every 40th row.
    for i in range(17, len(train), 40):
        train[i][rng.randrange(len(FEATURES))] = ""
    validation = [machine(rng) for _ in range(120)]
    test = [machine(rng) for _ in range(120)]
    baseline = [row for row in train if all(row)][:160]
    write("train.csv", train)
    write("validation.csv", validation)
    write("test.csv", test)
    write("baseline.csv", baseline)
    for name, rows in [("train", train), ("validation", validation), ("test", test), ("baseline", baseline)]:
        failures = sum(row[-1] == "1" for row in rows)
        print(f"data/{name}.csv: {len(rows)} rows, {failures} failures")


if __name__ == "__main__":
    main()
