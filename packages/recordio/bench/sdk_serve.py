"""The SageMaker Python SDK's RecordIO code, timed on request, for interleaved comparisons.

Runs the vendored SDK functions (write_numpy_to_dense_tensor / read_records; Apache-2.0, in
test/vectors/sdk_ref/ or RECORDIO_SDK_DIR) on the 284,807 x 30 float32 + labels matrix. Protocol:
one op per stdin line ("encode" or "decode"); one JSON line per op on stdout with its wall seconds.
Kept running so bench/run.mjs can alternate the SDK's runs with ours under the same load.
Usage: python3 bench/sdk_serve.py [SDK_REF_PARENT_DIR]   (needs numpy and protobuf)
"""
import io
import json
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
ref_parent = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("RECORDIO_SDK_DIR") or os.path.join(here, "..", "test", "vectors")
sys.path.insert(0, ref_parent)

import numpy as np  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402
from sdk_ref.serializer_utils import read_records, write_numpy_to_dense_tensor  # noqa: E402

rows, cols = 284807, 30
rng = np.random.default_rng(42)
x = rng.standard_normal((rows, cols)).astype(np.float32)
y = (rng.random(rows) < 0.00173).astype(np.float32)


def enc():
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, x, y)
    return buf.getvalue()


data = enc()
print(json.dumps({"ready": True, "protobuf": api_implementation.Type(), "numpy": np.__version__, "bytes": len(data)}), flush=True)
for line in sys.stdin:
    op = line.strip()
    if not op:
        continue
    t0 = time.perf_counter()
    if op == "encode":
        enc()
    elif op == "decode":
        read_records(io.BytesIO(data))
    else:
        print(json.dumps({"error": "unknown op " + op}), flush=True)
        continue
    print(json.dumps({"op": op, "seconds": time.perf_counter() - t0}), flush=True)
