"""Fits y = w*x + b to data/train.csv by gradient descent (standard library only)."""
import argparse
import csv
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

with open("data/train.csv") as f:
    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]

w, b, lr = 0.0, 0.0, 0.01
for epoch in range(1, args.epochs + 1):
    for _ in range(200):
        gw = sum((w * x + b - y) * x for x, y in rows) / len(rows)
        gb = sum((w * x + b - y) for x, y in rows) / len(rows)
        w, b = w - lr * gw, b - lr * gb
    mse = sum((w * x + b - y) ** 2 for x, y in rows) / len(rows)
    print(f"epoch {epoch}/{args.epochs}: w={w:.3f} b={b:.3f} mse={mse:.4f}", flush=True)
    time.sleep(0.5)

os.makedirs("out", exist_ok=True)
with open("out/model.json", "w") as f:
    json.dump({"w": w, "b": b, "mse": mse}, f)
