"""Side-by-side benchmark of `fraud-train local` against scikit-learn's LogisticRegression, same data,
same machine, same run.

Splits a creditcard.csv-layout file 70/30 (stratified), writes both parts, then times on them:
  - scikit-learn LogisticRegression(max_iter=1000) on the raw features, and after a StandardScaler:
    the fit alone, and end to end (read both CSVs, fit, score the test part);
  - `fraud-train local --train --test` as a child process (wall time of the whole command: reading
    both CSVs, training, evaluation, report and artifact) plus its own training seconds;
and prints one JSON line per case (seconds and test average precision), then one line comparing
fraud-train's wall time with each scikit-learn figure.

usage: python3 sklearn_compare.py DATA.csv OUT_DIR [SEED] [-- extra fraud-train arguments]
  env FRAUD_TRAIN: the fraud-train launcher (default: bin/fraud-train.js beside this folder)
      SKLEARN_RAW=0: skip the unscaled LogisticRegression (slow: it runs all 1000 iterations)
"""
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
args = sys.argv[1:]
extra = args[args.index("--") + 1 :] if "--" in args else []
args = args[: args.index("--")] if "--" in args else args
data, out = args[0], args[1]
seed = int(args[2]) if len(args) > 2 else 0
here = os.path.dirname(os.path.abspath(__file__))
launcher = os.environ.get("FRAUD_TRAIN", os.path.join(here, "..", "bin", "fraud-train.js"))


def r4(x):
    return round(float(x), 4)


df = pd.read_csv(data)
train, test = train_test_split(df, test_size=0.3, stratify=df["Class"], random_state=seed)
train.to_csv(f"{out}/train.csv", index=False)
test.to_csv(f"{out}/test.csv", index=False)
del df, train, test

results = {}
cases = [("sklearn LogisticRegression(max_iter=1000)", lambda: LogisticRegression(max_iter=1000))]
if os.environ.get("SKLEARN_RAW", "1") == "0":
    cases = []
cases.append(("sklearn StandardScaler + LogisticRegression(max_iter=1000)", lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))))
for name, make in cases:
    started = time.perf_counter()
    tr = pd.read_csv(f"{out}/train.csv")
    te = pd.read_csv(f"{out}/test.csv")
    xtr, ytr = tr.drop(columns=["Class"]).values, tr["Class"].values
    xte, yte = te.drop(columns=["Class"]).values, te["Class"].values
    model = make()
    fit_started = time.perf_counter()
    model.fit(xtr, ytr)
    fit = time.perf_counter() - fit_started
    s = model.predict_proba(xte)[:, 1]
    total = time.perf_counter() - started
    results[name] = {"fit": fit, "total": total}
    print(json.dumps({"case": name, "fitSeconds": round(fit, 3), "endToEndSeconds": round(total, 3), "prAuc": r4(average_precision_score(yte, s)),
                      "precision": r4(precision_score(yte, s >= 0.5)), "recall": r4(recall_score(yte, s >= 0.5))}), flush=True)

run_out = f"{out}/fraud-train"
started = time.perf_counter()
subprocess.run(["node", launcher, "local", "--train", f"{out}/train.csv", "--test", f"{out}/test.csv", "--out", run_out, "--seed", str(seed), "--quiet", *extra],
               check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - started
m = json.load(open(f"{run_out}/metrics.json"))
print(json.dumps({"case": "fraud-train local " + " ".join(extra) if extra else "fraud-train local (Linear Learner defaults)", "wallSeconds": round(wall, 3),
                  "trainSeconds": round(m["trainSeconds"], 3), "prAuc": r4(m["test"]["prAuc"]), "precision": r4(m["test"]["precision"]),
                  "recall": r4(m["test"]["recall"]), "threshold": r4(m["threshold"]), "thresholdCriterion": m.get("thresholdCriterion")}), flush=True)
ratios = {f"{name} {kind}": round(wall / secs, 2) for name, r in results.items() for kind, secs in (("fit", r["fit"]), ("end to end", r["total"]))}
print(json.dumps({"case": "fraud-train wall time / scikit-learn time", **ratios}), flush=True)
