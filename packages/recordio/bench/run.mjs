// Benchmarks of the codec's hot paths. Prints one JSON line per case and operation on stdout:
// {"case","op","rows","cols","bytes","seconds"} — seconds is the best of several runs.
// Usage: node bench/run.mjs [--filter REGEX] [--runs N]
import { decodeDense, decodeRecords, encodeDense, encodeSparse, RecordIOWriter, serializeInferenceRequest, parseInferenceResponse, encodeInferenceResponse } from "../dist/index.js";
import { fraudMatrix, mulberry32 } from "./fixtures.mjs";

const args = process.argv.slice(2);
const filter = new RegExp(args.includes("--filter") ? args[args.indexOf("--filter") + 1] : ".");
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 7;

function best(fn, n = runs) {
  fn(); // warm-up
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < min) min = s;
  }
  return min;
}

function emit(name, op, rows, cols, bytes, seconds, extra = {}) {
  process.stdout.write(JSON.stringify({ case: name, op, rows, cols, bytes, seconds: Number(seconds.toPrecision(4)), ...extra }) + "\n");
}

function denseCase(name, rows, cols, Arr, withLabels) {
  if (!filter.test(name)) return;
  const { data, labels } = fraudMatrix(rows, cols, 42, Arr);
  const options = withLabels ? { labels } : {};
  const matrix = { data, shape: [rows, cols] };
  let bytes;
  const enc = best(() => {
    bytes = encodeDense(matrix, options);
  });
  emit(name, "encode", rows, cols, bytes.length, enc);
  const dec = best(() => decodeDense(bytes));
  emit(name, "decode", rows, cols, bytes.length, dec);
}

denseCase("dense-f32-284807x30-labels", 284807, 30, Float32Array, true);
denseCase("dense-f64-284807x30-labels", 284807, 30, Float64Array, true);
denseCase("dense-f32-1000x1000", 1000, 1000, Float32Array, false);

if (filter.test("decode-records-f32-284807x30-labels")) {
  const { data, labels } = fraudMatrix(284807, 30);
  const bytes = encodeDense({ data, shape: [284807, 30] }, { labels });
  const s = best(() => decodeRecords(bytes), 3);
  emit("decode-records-f32-284807x30-labels", "decode", 284807, 30, bytes.length, s);
}

if (filter.test("sparse-f32-100000x10000-1pct")) {
  const rows = 100000, cols = 10000, perRow = 100;
  const rand = mulberry32(7);
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(rows * perRow);
  const values = new Float32Array(rows * perRow);
  for (let r = 0; r < rows; r++) {
    indptr[r + 1] = (r + 1) * perRow;
    const step = cols / perRow;
    for (let k = 0; k < perRow; k++) {
      indices[r * perRow + k] = Math.floor(k * step + rand() * step);
      values[r * perRow + k] = rand();
    }
  }
  let bytes;
  const s = best(() => {
    bytes = encodeSparse({ format: "csr", shape: [rows, cols], indptr, indices, data: values });
  }, 3);
  emit("sparse-f32-100000x10000-1pct", "encode", rows, cols, bytes.length, s);
  const d = best(() => decodeRecords(bytes), 3);
  emit("sparse-f32-100000x10000-1pct", "decode", rows, cols, bytes.length, d);
}

if (filter.test("writer-f32-284807x30-labels")) {
  const rows = 284807, cols = 30;
  const { data, labels } = fraudMatrix(rows, cols);
  let total = 0;
  const s = best(() => {
    const w = new RecordIOWriter({ cols });
    for (let r = 0; r < rows; r++) {
      w.write({ features: data.subarray(r * cols, (r + 1) * cols), label: labels[r] });
      for (const c of w.take()) total += c.length;
    }
    total += w.flush().length;
  }, 3);
  emit("writer-f32-284807x30-labels", "encode", rows, cols, total / 4, s);
}

if (filter.test("inference-1x30")) {
  const row = Array.from({ length: 30 }, (_, i) => i / 10);
  const n = 100000;
  let bytes;
  const s = best(() => {
    for (let i = 0; i < n; i++) bytes = serializeInferenceRequest([row], { dtype: "float32" });
  }, 3);
  emit("inference-1x30", "encode", n, 30, bytes.length * n, s, { nsPerOp: Math.round((s / n) * 1e9) });
  const resp = encodeInferenceResponse([{ score: 0.93, predicted_label: 1 }]);
  const d = best(() => {
    for (let i = 0; i < n; i++) parseInferenceResponse(resp);
  }, 3);
  emit("inference-1x30", "decode", n, 30, resp.length * n, d, { nsPerOp: Math.round((d / n) * 1e9) });
}
