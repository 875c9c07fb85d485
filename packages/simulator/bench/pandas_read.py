"""Reads creditcard.csv files with pandas' read_csv on request, for the ingest bench.

Protocol: one path per line on stdin; for each, one JSON line on stdout with the wall seconds of
pd.read_csv(path) and the row count. Kept running between requests so our reader and pandas can be
timed interleaved, under the same load.
"""
import gc
import json
import sys
import time

import pandas as pd

print(json.dumps({"ready": True, "pandas": pd.__version__}), flush=True)
for line in sys.stdin:
    path = line.strip()
    if not path:
        continue
    gc.collect()  # the previous read's garbage is not this one's cost (the Node side collects too)
    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "rows": int(frame.shape[0])}), flush=True)
    del frame
