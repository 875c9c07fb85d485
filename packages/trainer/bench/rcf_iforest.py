"""scikit-learn's IsolationForest(n_estimators=100, max_samples=256) on a creditcard.csv-layout file:
fit on the features alone, score every row (higher = more anomalous: -score_samples), and print one
JSON line with the fraud ROC AUC and average precision, and the fit and scoring seconds.

usage: python3 rcf_iforest.py DATA.csv SEED
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        next(f)
        data = np.loadtxt(f, delimiter=",", converters={30: lambda s: float(s.strip(b'"' if isinstance(s, bytes) else '"'))})
    x, y = data[:, :30], data[:, 30]
    t0 = time.perf_counter()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=1).fit(x)
    t1 = time.perf_counter()
    s = -forest.score_samples(x)
    t2 = time.perf_counter()
    print(json.dumps({"rocAuc": roc_auc_score(y, s), "ap": average_precision_score(y, s), "fitSeconds": t1 - t0, "scoreSeconds": t2 - t1, "rows": len(y)}))


if __name__ == "__main__":
    main()
