"""Split a creditcard.csv-layout file 70/30 (stratified), write both parts, and time scikit-learn's
LogisticRegression on them. Prints one JSON line per model.

usage: python3 sklearn_compare.py DATA.csv OUT_DIR [SEED]
"""
import json, sys, time
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import warnings

warnings.filterwarnings("ignore")
data, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
df = pd.read_csv(data)
train, test = train_test_split(df, test_size=0.3, stratify=df["Class"], random_state=seed)
train.to_csv(f"{out}/train.csv", index=False)
test.to_csv(f"{out}/test.csv", index=False)
Xtr, ytr = train.drop(columns=["Class"]).values, train["Class"].values
Xte, yte = test.drop(columns=["Class"]).values, test["Class"].values
for name, model in [
    ("sklearn LogisticRegression() (defaults, raw features)", LogisticRegression()),
    ("sklearn StandardScaler + LogisticRegression()", make_pipeline(StandardScaler(), LogisticRegression())),
]:
    t = time.perf_counter()
    model.fit(Xtr, ytr)
    seconds = time.perf_counter() - t
    s = model.predict_proba(Xte)[:, 1]
    print(json.dumps({"case": name, "trainSeconds": round(seconds, 3), "prAuc": round(average_precision_score(yte, s), 4),
                      "rocAuc": round(roc_auc_score(yte, s), 4), "precision": round(precision_score(yte, s >= 0.5), 4),
                      "recall": round(recall_score(yte, s >= 0.5), 4)}), flush=True)
