"""Side-by-side reference: the SageMaker Python SDK's own RecordIO code on the same matrix shape.

Runs the vendored SDK functions (write_numpy_to_dense_tensor / read_records) from the package's
golden-vector folder (test/vectors/sdk_ref/, Apache-2.0) and prints JSON lines in the bench format
with "impl": "sagemaker-python-sdk".
Usage: python3 bench/sdk_bench.py [SDK_REF_PARENT_DIR]   (needs numpy and protobuf:
pip install numpy protobuf)
"""
import io
import json
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
ref_parent = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "test", "vectors")
sys.path.insert(0, ref_parent)

import numpy as np  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402
from sdk_ref.serializer_utils import read_records, write_numpy_to_dense_tensor  # noqa: E402

rows, cols = 284807, 30
rng = np.random.default_rng(42)
x = rng.standard_normal((rows, cols)).astype(np.float32)
y = (rng.random(rows) < 0.00173).astype(np.float32)


def best(fn, n=3):
    out = None
    m = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        m = min(m, time.perf_counter() - t0)
    return m, out


def enc():
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, x, y)
    return buf.getvalue()


s, data = best(enc)
meta = {"impl": "sagemaker-python-sdk", "protobuf": api_implementation.Type()}
print(json.dumps({"case": "dense-f32-284807x30-labels", "op": "encode", "rows": rows, "cols": cols,
                  "bytes": len(data), "seconds": round(s, 4), **meta}))
s, recs = best(lambda: read_records(io.BytesIO(data)))
print(json.dumps({"case": "dense-f32-284807x30-labels", "op": "decode", "rows": rows, "cols": cols,
                  "bytes": len(data), "seconds": round(s, 4), **meta}))
