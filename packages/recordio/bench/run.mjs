// Benchmarks of the codec's hot paths. Prints one JSON line per case and operation on stdout:
// {"case","op","rows","cols","bytes","seconds"} — seconds is the best wall time of several runs
// (cpuSeconds, the CPU time of the best run, shows what the machine's load hides). Unless
// --no-sdk is given, the SageMaker Python SDK's own code (bench/sdk_serve.py, a python3 with numpy
// and protobuf) runs interleaved with ours on the fraud shape — one SDK run, one of ours, in turn,
// so load hits both alike — and the "-into-vs-sdk" lines carry both times and "speedupVsSdk".
// Usage: node bench/run.mjs [--filter REGEX] [--runs N] [--no-sdk]
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
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

/** A running SDK process (bench/sdk_serve.py), or undefined with the reason printed. */
function startSdk() {
  if (args.includes("--no-sdk") || !filter.test(FRAUD)) return undefined;
  const script = fileURLToPath(new URL("sdk_serve.py", import.meta.url));
  const candidates = process.env.RECORDIO_PYTHON ? [process.env.RECORDIO_PYTHON] : ["python3", "/usr/bin/python3"];
  const python = candidates.find((p) => spawnSync(p, ["-c", "import numpy, google.protobuf"], { stdio: "ignore" }).status === 0);
  if (!python) {
    process.stderr.write(`SDK comparison skipped: no python with numpy and protobuf among ${candidates.join(", ")}\n`);
    return undefined;
  }
  const child = spawn(python, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value ?? "null");
  return {
    python,
    hello: next(),
    run: async (op) => {
      child.stdin.write(op + "\n");
      return (await next()).seconds;
    },
    stop: () => child.stdin.end(),
  };
}

const sdk = startSdk();
const sdkHello = sdk ? await sdk.hello : undefined;

/**
 * The fraud case against the SDK, interleaved: one SDK run, one of ours, `runs` times, so the
 * machine's load hits both alike. Returns the best seconds of each side per op.
 */
async function interleaved(ours) {
  const best = { encode: [Infinity, Infinity], decode: [Infinity, Infinity] };
  for (const op of ["encode", "decode"]) ours[op](); // warm-up
  for (let i = 0; i < Math.max(3, Math.min(runs, 5)); i++) {
    for (const op of ["encode", "decode"]) {
      const s = await sdk.run(op);
      const t0 = process.hrtime.bigint();
      ours[op]();
      const o = Number(process.hrtime.bigint() - t0) / 1e9;
      best[op] = [Math.min(best[op][0], s), Math.min(best[op][1], o)];
    }
  }
  return best;
}

function emit(name, op, rows, cols, bytes, seconds, extra = {}) {
  const speedup = {};
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

async function denseCase(name, rows, cols, Arr, withLabels, allocFree = false) {
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
  if (sdk && name === FRAUD) {
    const b = await interleaved({ encode: () => encodeDenseInto(target, 0, matrix, options), decode: () => decodeDenseInto(bytes, out) });
    for (const op of ["encode", "decode"]) {
      const [s, o] = b[op];
      process.stdout.write(
        JSON.stringify({
          case: name,
          op: `${op}-into-vs-sdk`,
          rows,
          cols,
          bytes: bytes.length,
          sdkSeconds: Number(s.toPrecision(4)),
          seconds: Number(o.toPrecision(4)),
          speedupVsSdk: Number((s / o).toPrecision(3)),
          impl: `sagemaker-python-sdk (${sdkHello.protobuf} protobuf, numpy ${sdkHello.numpy}, ${sdk.python}), interleaved`,
          load: loadavg().map((l) => l.toFixed(2)).join(" "),
        }) + "\n",
      );
    }
  }
  emit(name, "inspect", rows, cols, bytes.length, best(() => inspectDense(bytes)));
  const outBytes = out.data.byteLength + (out.labels?.byteLength ?? 0);
  emit(name, "alloc-touch", rows, cols, bytes.length, best(() => allocTouch(bytes.length)), { for: "encode" });
  emit(name, "alloc-touch", rows, cols, outBytes, best(() => allocTouch(out.data.byteLength, out.labels?.byteLength ?? 0)), { for: "decode" });
  emit(name, "alloc-fill", rows, cols, bytes.length, best(() => allocFill(bytes.length)), { for: "encode" });
  emit(name, "alloc-fill", rows, cols, outBytes, best(() => allocFill(out.data.byteLength, out.labels?.byteLength ?? 0)), { for: "decode" });
}

await denseCase(FRAUD, 284807, 30, Float32Array, true, true);
sdk?.stop();
await denseCase("dense-f64-284807x30-labels", 284807, 30, Float64Array, true);
await denseCase("dense-f32-1000x1000", 1000, 1000, Float32Array, false);

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
