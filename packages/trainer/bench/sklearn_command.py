"""The yardstick of the whole-command bench: scikit-learn's read + StandardScaler +
LogisticRegression fit, as a user would write it.

Reads TRAIN.csv and TEST.csv with pandas, fits make_pipeline(StandardScaler(), LogisticRegression(
max_iter=1000)) on the training file and prints one JSON line: the test average precision and the
seconds of each step.

usage: python3 sklearn_command.py TRAIN.csv TEST.csv
"""
import json
import sys
import time
import warnings

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

warnings.filterwarnings("ignore")
t1 = time.perf_counter()
train = pd.read_csv(sys.argv[1])
test = pd.read_csv(sys.argv[2])
t2 = time.perf_counter()
x, y = train.drop(columns="Class").to_numpy(), train["Class"].to_numpy()
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x, y)
t3 = time.perf_counter()
ap = average_precision_score(test["Class"].to_numpy(), model.predict_proba(test.drop(columns="Class").to_numpy())[:, 1])
t4 = time.perf_counter()
print(json.dumps({"ap": ap, "import": t1 - t0, "read": t2 - t1, "fit": t3 - t2, "score": t4 - t3}), flush=True)
