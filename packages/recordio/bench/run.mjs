// Benchmarks of the codec's hot paths. Prints one JSON line per case and operation on stdout:
// {"case","op","rows","cols","bytes","seconds"} — seconds is the best wall time of several runs
// (cpuSeconds, the CPU time of the best run, shows what the machine's load hides). Unless
// --no-sdk is given, the SageMaker Python SDK's own code (bench/sdk_bench.py) runs first on the same
// shape, its lines carry "impl": "sagemaker-python-sdk", and ours carry "speedupVsSdk".
// Usage: node bench/run.mjs [--filter REGEX] [--runs N] [--no-sdk]
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import {
  RecordIOWriter,
  decodeDense,
  decodeDenseInto,
  decodeRecords,
  encodeDense,
  encodeDenseInto,
  encodeInferenceResponse,
  encodeSparse,
  encodedDenseSize,
  inspectDense,
  parseInferenceResponse,
  serializeInferenceRequest,
} from "../dist/index.js";
import { fraudMatrix, mulberry32 } from "./fixtures.mjs";
import { packedVsUnpacked } from "./unpacked.mjs";

const args = process.argv.slice(2);
const filter = new RegExp(args.includes("--filter") ? args[args.indexOf("--filter") + 1] : ".");
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 7;
const FRAUD = "dense-f32-284807x30-labels";

/** CPU seconds (user + system) of the best run of the last `best()` call. */
let lastCpu = 0;

/** Best wall time of `n` runs after a warm-up; also records the CPU time of the process in `lastCpu`. */
function best(fn, n = runs) {
  fn(); // warm-up
  let min = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (s < min) min = s;
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  lastCpu = cpu;
  return min;
}

/** The SDK's figures for the fraud case, measured now: { encode, decode } seconds, or undefined. */
function sdkFigures() {
  if (args.includes("--no-sdk") || !filter.test(FRAUD)) return undefined;
  try {
    const out = execFileSync("python3", [fileURLToPath(new URL("sdk_bench.py", import.meta.url))], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const figures = {};
    for (const line of out.trim().split("\n")) {
      process.stdout.write(line + "\n");
      const { op, seconds } = JSON.parse(line);
      figures[op] = seconds;
    }
    return figures;
  } catch (err) {
    process.stderr.write(`SDK comparison skipped (needs python3 with numpy and protobuf): ${String(err.message).split("\n")[0].slice(0, 200)}\n`);
    return undefined;
  }
}

const sdk = sdkFigures();

function emit(name, op, rows, cols, bytes, seconds, extra = {}) {
  const vsSdk = name === FRAUD && sdk ? sdk[op.replace(/-into$/, "")] : undefined;
  const speedup = vsSdk ? { speedupVsSdk: Number((vsSdk / seconds).toPrecision(3)) } : {};
  const cpuSeconds = Number(lastCpu.toPrecision(4));
  process.stdout.write(JSON.stringify({ case: name, op, rows, cols, bytes, seconds: Number(seconds.toPrecision(4)), cpuSeconds, ...extra, ...speedup }) + "\n");
}

/** Allocating a fresh buffer of `n` bytes and touching every page: the floor of any one-shot output. */
function allocTouch(...sizes) {
  for (const n of sizes) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4096) b[i] = 1;
  }
}

/** Allocating a fresh buffer of `n` bytes and writing every byte (a native fill): an output's bytes all have to be written. */
function allocFill(...sizes) {
  for (const n of sizes) new Uint8Array(n).fill(1);
}

function denseCase(name, rows, cols, Arr, withLabels, allocFree = false) {
  if (!filter.test(name)) return;
  const { data, labels } = fraudMatrix(rows, cols, 42, Arr);
  const options = withLabels ? { labels } : {};
  const matrix = { data, shape: [rows, cols] };
  // results are dropped at once, as allocTouch drops its buffer: the comparison is like for like
  emit(name, "encode", rows, cols, encodedDenseSize(matrix, options), best(() => void encodeDense(matrix, options)));
  const bytes = encodeDense(matrix, options);
  emit(name, "decode", rows, cols, bytes.length, best(() => void decodeDense(bytes)));
  if (!allocFree) return;
  const target = new Uint8Array(bytes.length);
  emit(name, "encode-into", rows, cols, bytes.length, best(() => encodeDenseInto(target, 0, matrix, options)));
  const info = inspectDense(bytes);
  const out = { data: new Arr(info.rows * info.cols), labels: withLabels ? new Arr(info.rows) : undefined };
  emit(name, "decode-into", rows, cols, bytes.length, best(() => decodeDenseInto(bytes, out)));
  emit(name, "inspect", rows, cols, bytes.length, best(() => inspectDense(bytes)));
  const outBytes = out.data.byteLength + (out.labels?.byteLength ?? 0);
  emit(name, "alloc-touch", rows, cols, bytes.length, best(() => allocTouch(bytes.length)), { for: "encode" });
  emit(name, "alloc-touch", rows, cols, outBytes, best(() => allocTouch(out.data.byteLength, out.labels?.byteLength ?? 0)), { for: "decode" });
  emit(name, "alloc-fill", rows, cols, bytes.length, best(() => allocFill(bytes.length)), { for: "encode" });
  emit(name, "alloc-fill", rows, cols, outBytes, best(() => allocFill(out.data.byteLength, out.labels?.byteLength ?? 0)), { for: "decode" });
}

denseCase(FRAUD, 284807, 30, Float32Array, true, true);
denseCase("dense-f64-284807x30-labels", 284807, 30, Float64Array, true);
denseCase("dense-f32-1000x1000", 1000, 1000, Float32Array, false);

if (filter.test("decode-records-f32-284807x30-labels")) {
  const { data, labels } = fraudMatrix(284807, 30);
  const bytes = encodeDense({ data, shape: [284807, 30] }, { labels });
  emit("decode-records-f32-284807x30-labels", "decode", 284807, 30, bytes.length, best(() => decodeRecords(bytes), 3));
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
  const s = best(() => (bytes = encodeSparse({ format: "csr", shape: [rows, cols], indptr, indices, data: values })), 3);
  emit("sparse-f32-100000x10000-1pct", "encode", rows, cols, bytes.length, s);
  emit("sparse-f32-100000x10000-1pct", "decode", rows, cols, bytes.length, best(() => decodeRecords(bytes), 3));
}

if (filter.test("writer-f32-284807x30-labels")) {
  const rows = 284807, cols = 30;
  const { data, labels } = fraudMatrix(rows, cols);
  let total = 0;
  const perRow = best(() => {
    const w = new RecordIOWriter({ cols });
    for (let r = 0; r < rows; r++) {
      w.write({ features: data.subarray(r * cols, (r + 1) * cols), label: labels[r] });
      for (const c of w.take()) total += c.length;
    }
    total += w.flush().length;
  }, 3);
  emit("writer-f32-284807x30-labels", "encode", rows, cols, total / 4, perRow);
  const matrix = best(() => {
    const w = new RecordIOWriter({ cols });
    w.writeMatrix({ data, shape: [rows, cols] }, labels);
    w.take();
    w.flush();
  }, 3);
  emit("writer-f32-284807x30-labels", "encode-matrix", rows, cols, total / 4, matrix);
}

packedVsUnpacked(filter, best, emit);

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

process.stderr.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
