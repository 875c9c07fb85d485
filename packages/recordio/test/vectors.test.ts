// Golden vectors: every case in RECORDIO_VECTORS_DIR (default ../shared/recordio-vectors), made by
// the SageMaker Python SDK's own code. Encodes must match byte for byte, decodes value for value,
// and error cases must raise the matching typed error.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  RecordIOError,
  RecordIOWriter,
  decodeDense,
  decodeRecords,
  encodeDense,
  encodeSparse,
  readRecords,
  serializeInferenceRequest,
} from "@fraud/recordio";
import type { Dtype, LabelsInput, MatrixInput, RecordIOErrorCode, RecordIORecord, Value } from "@fraud/recordio";

const here = dirname(fileURLToPath(import.meta.url));
const VECTORS_DIR = resolve(process.env["RECORDIO_VECTORS_DIR"] || resolve(here, "../../../../shared/recordio-vectors"));

interface JsonTensor {
  type: string | null;
  values: (number | string)[];
  keys: number[];
  shape: number[];
}
interface JsonRecord {
  features: Record<string, JsonTensor>;
  label: Record<string, JsonTensor>;
  uid?: string;
  metadata?: string;
  configuration?: string;
}
interface VectorCase {
  name: string;
  direction: "encode" | "decode";
  kind: "dense" | "sparse" | "serializer" | "decode";
  dtype?: string | null;
  shape?: number[];
  array?: unknown;
  labels?: unknown;
  labelsDtype?: string | null;
  labelsShape?: number[] | null;
  input?: string;
  error: { type: string; message: string } | null;
  bytesWrittenBeforeError?: number;
  expected?: { byteLength?: number; recordCount: number; framing: { offset: number; payloadLength: number; padding: number }[]; records: JsonRecord[] } | null;
}

function loadCases(): VectorCase[] {
  if (!existsSync(VECTORS_DIR)) return [];
  return readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "index.json")
    .sort()
    .map((f) => JSON.parse(readFileSync(join(VECTORS_DIR, f), "utf8")) as VectorCase)
    .filter((c) => c.direction === "encode" || c.direction === "decode");
}

const cases = loadCases();

// ---- numpy dtype → JavaScript input (the mapping documented in the README) ---------------------

const TENSOR_DTYPE: Record<string, string> = { float32_tensor: "float32", float64_tensor: "float64", int32_tensor: "int64" };
/** dtypes the package accepts beyond the SDK, writing what int64 would for the same values */
const EXTENSIONS = new Set(["int32"]);

function num(v: unknown): number {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v as number;
}

function unsupportedDtypeInMessage(c: VectorCase): string | undefined {
  return /^Unsupported dtype (\S+) on array$/.exec(c.error?.message ?? "")?.[1];
}

/** The numpy dtype of the feature array (the vectors' `dtype` field may read "object"). */
function featureDtype(c: VectorCase): string {
  if (c.dtype && c.dtype !== "object") return c.dtype;
  const t = c.expected?.records[0]?.features["values"]?.type;
  if (t && TENSOR_DTYPE[t]) return TENSOR_DTYPE[t]!;
  const bad = unsupportedDtypeInMessage(c);
  if (bad && bad !== c.labelsDtype) return bad;
  const flat = JSON.stringify(c.array ?? []);
  if (/"re"/.test(flat)) return "complex128";
  if (/true|false/.test(flat)) return "bool";
  const values = Array.isArray(c.array) ? (c.array as unknown[]).flat(Infinity) : [];
  if (values.some((v) => typeof v === "string" && !["NaN", "Infinity", "-Infinity"].includes(v))) return "<U";
  if (values.length > 0 && values.every((v) => Number.isInteger(v))) return "int64";
  return "float64";
}

function typedOf(dtype: string, values: unknown[]): unknown {
  switch (dtype) {
    case "float32":
      return Float32Array.from(values, num);
    case "float64":
      return Float64Array.from(values, num);
    case "int64":
      return BigInt64Array.from(values, (v) => BigInt(v as number));
    case "int32":
      return Int32Array.from(values as number[]);
    case "uint8":
      return Uint8Array.from(values as number[]);
    case "int16":
      return Int16Array.from(values as number[]);
    case "uint32":
      return Uint32Array.from(values as number[]);
    case "int8":
      return Int8Array.from(values as number[]);
    case "uint16":
    case "float16": // no Float16Array in Node 20: its bits in a Uint16Array, equally unsupported
      return Uint16Array.from(values as number[]);
    case "uint64":
      return BigUint64Array.from(values as number[], (v) => BigInt(v));
    case "bool":
    case "complex64":
    case "complex128":
      return values; // booleans and {re, im} objects: plain values of an unsupported kind
    default:
      // strings, objects and any other numpy dtype: values of a kind JavaScript numbers cannot stand for
      if (/^[<>|=]?[USa]/.test(dtype)) return values;
      return values.map((v) => ({ value: v }));
  }
}

function flatten(rows: unknown[]): unknown[] {
  return rows.flatMap((r) => (Array.isArray(r) ? r : [r]));
}

/** Builds the matrix argument. 2-D input becomes a {@link Matrix} over the typed array. */
function matrixOf(c: VectorCase, dtype = featureDtype(c)): MatrixInput {
  const arr = c.array as unknown[];
  const shape = c.shape ?? [];
  if (shape.length !== 2) return arr as MatrixInput; // 1-D or 3-D: nested arrays as given
  const typed = typedOf(dtype, flatten(arr));
  if (ArrayBuffer.isView(typed)) return { data: typed as Float32Array, shape };
  // values of an unsupported kind, as rows of plain JavaScript values
  const values = typed as unknown[];
  const cols = shape[1]!;
  return Array.from({ length: shape[0]! }, (_, r) => values.slice(r * cols, (r + 1) * cols)) as unknown as MatrixInput;
}

function labelsOf(c: VectorCase): LabelsInput | undefined {
  if (c.labels === null || c.labels === undefined) return undefined;
  const labels = c.labels as unknown[];
  if ((c.labelsShape ?? [labels.length]).length !== 1) return labels as LabelsInput;
  return typedOf(c.labelsDtype ?? "float64", labels) as LabelsInput;
}

function expectedCode(c: VectorCase): RecordIOErrorCode {
  const { type, message } = c.error!;
  if (type === "AssertionError") return "BAD_MAGIC";
  if (message === "Array must be a Matrix" || message.startsWith("Expected a 1D or 2D array")) return "NOT_A_MATRIX";
  if (message === "Labels must be a Vector") return "LABELS_NOT_A_VECTOR";
  if (message.startsWith("Label shape")) return "LABEL_SHAPE_MISMATCH";
  if (message.startsWith("Unsupported dtype")) return "UNSUPPORTED_DTYPE";
  if (message.startsWith("Value out of range")) return "VALUE_OUT_OF_RANGE";
  if (message === "Array must be sparse") return "NOT_SPARSE";
  throw new Error(`vector ${c.name}: no mapping for SDK error ${type}: ${message}`);
}

/** Error codes whose messages are the SDK's, word for word. */
const SDK_MESSAGES = new Set<RecordIOErrorCode>(["NOT_A_MATRIX", "LABELS_NOT_A_VECTOR", "LABEL_SHAPE_MISMATCH", "VALUE_OUT_OF_RANGE", "NOT_SPARSE"]);

function run(c: VectorCase, dtype?: string): Uint8Array {
  const labels = labelsOf(c);
  if (c.kind === "dense") return encodeDense(matrixOf(c, dtype), { labels });
  if (c.kind === "serializer") {
    const shape = c.shape ?? [];
    if (shape.length === 1) return serializeInferenceRequest(typedOf(dtype ?? featureDtype(c), c.array as unknown[]) as Float32Array);
    return serializeInferenceRequest(matrixOf(c, dtype));
  }
  // sparse: scipy built the matrix from triplets, so COO → canonical CSR, whatever the format
  const a = c.array as { format?: string; shape: number[]; rows: number[]; cols: number[]; data: unknown[] };
  if (!a || Array.isArray(a) || !a.format) return encodeSparse(matrixOf(c) as never, { labels });
  const data = typedOf(dtype ?? featureDtype(c), a.data) as Float32Array;
  return encodeSparse({ format: "coo", shape: a.shape, row: a.rows, col: a.cols, data }, { labels });
}

// ---- comparison ---------------------------------------------------------------------------------

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function compareValue(actual: Value | undefined, expected: JsonTensor, where: string): void {
  expect(actual, where).toBeDefined();
  if (expected.type === null) {
    expect(actual!.type, where).toBe("none");
    return;
  }
  expect(actual!.type, where).toBe(TENSOR_DTYPE[expected.type] === "int64" ? "int32" : TENSOR_DTYPE[expected.type]);
  if (actual!.type === "bytes" || actual!.type === "none") return;
  const values = Array.from(actual!.values);
  expect(values.length, `${where} length`).toBe(expected.values.length);
  values.forEach((v, i) => {
    if (!sameNumber(v, num(expected.values[i]))) expect.fail(`${where}[${i}]: ${v} !== ${String(expected.values[i])}`);
  });
  expect(actual!.keys, `${where} keys`).toEqual(expected.keys);
  expect(actual!.shape, `${where} shape`).toEqual(expected.shape);
}

function compareRecords(actual: RecordIORecord[], expected: JsonRecord[], name: string): void {
  expect(actual.length, `${name}: record count`).toBe(expected.length);
  expected.forEach((exp, i) => {
    const got = actual[i]!;
    for (const map of ["features", "label"] as const) {
      expect(Object.keys(got[map]).sort(), `${name}[${i}].${map} keys`).toEqual(Object.keys(exp[map]).sort());
      for (const key of Object.keys(exp[map])) compareValue(got[map][key], exp[map][key]!, `${name}[${i}].${map}.${key}`);
    }
    for (const f of ["uid", "metadata", "configuration"] as const) {
      if (exp[f] !== undefined) expect(got[f], `${name}[${i}].${f}`).toBe(exp[f]);
    }
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function* everySplit(bytes: Uint8Array, step: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, Math.min(bytes.length, i + step));
}

async function collect(source: AsyncIterable<RecordIORecord>): Promise<RecordIORecord[]> {
  const out: RecordIORecord[] = [];
  for await (const r of source) out.push(r);
  return out;
}

// ---- the tests ----------------------------------------------------------------------------------

describe(`golden vectors in ${VECTORS_DIR}`, () => {
  it("the folder holds vectors", () => {
    expect(cases.length, `no vectors found in ${VECTORS_DIR}`).toBeGreaterThan(0);
  });

  const encodes = cases.filter((c) => c.direction === "encode");
  const decodes = cases.filter((c) => c.direction === "decode");

  describe.each(encodes.filter((c) => !c.error).map((c) => [c.name, c] as const))("encode %s", (name, c) => {
    const golden = new Uint8Array(readFileSync(join(VECTORS_DIR, `${name}.rio`)));

    it("writes the SDK's bytes", () => {
      const bytes = run(c);
      expect(bytes.length).toBe(golden.length);
      expect(Buffer.from(bytes).equals(Buffer.from(golden)), "bytes differ").toBe(true);
    });

    it("reads back what the SDK's reader reads", () => {
      compareRecords(decodeRecords(golden), c.expected!.records, name);
      expect(c.expected!.recordCount).toBe(c.expected!.records.length);
    });

    if (c.kind === "dense" && (c.shape?.[0] ?? 0) > 0) {
      it("decodes into one matrix", () => {
        const m = decodeDense(golden);
        expect(m.shape).toEqual(c.shape);
        const want = flatten(c.array as unknown[]).map(num);
        Array.from(m.data).forEach((v, i) => expect(sameNumber(v, want[i]!), `element ${i}`).toBe(true));
        if (c.labels) Array.from(m.labels!).forEach((v, i) => expect(sameNumber(v, num((c.labels as unknown[])[i])), `label ${i}`).toBe(true));
        else expect(m.labels).toBeUndefined();
      });

      it("streams the same bytes row by row", () => {
        const dtype = featureDtype(c) as Dtype;
        const writer = new RecordIOWriter({
          cols: c.shape![1]!,
          dtype,
          labelDtype: c.labels ? ((c.labelsDtype ?? "float64") as Dtype) : null,
          chunkBytes: 64,
        });
        const rows = c.array as unknown[][];
        rows.forEach((row, i) => {
          const features = row.map(num);
          writer.write(c.labels ? { features, label: num((c.labels as unknown[])[i]) } : features);
        });
        const chunks = [...writer.take(), writer.flush()];
        expect(Buffer.concat(chunks).equals(Buffer.from(golden))).toBe(true);
      });
    }
  });

  describe.each(encodes.filter((c) => c.error).map((c) => [c.name, c] as const))("encode error %s", (name, c) => {
    const code = expectedCode(c);
    const bad = unsupportedDtypeInMessage(c);
    if (code === "UNSUPPORTED_DTYPE" && bad && EXTENSIONS.has(bad)) {
      it(`accepts ${bad} (documented extension) and writes the bytes int64 input gives`, () => {
        const asExtension = run(c);
        const asInt64 = run(c, "int64");
        expect(Buffer.from(asExtension).equals(Buffer.from(asInt64))).toBe(true);
      });
      return;
    }
    it(`raises ${code}`, () => {
      const err = catchError(() => run(c));
      expect(err, `${name} did not raise`).toBeInstanceOf(RecordIOError);
      expect((err as RecordIOError).code).toBe(code);
      if (SDK_MESSAGES.has(code)) expect((err as RecordIOError).message).toBe(c.error!.message);
    });
    if ((c.bytesWrittenBeforeError ?? 0) > 0 && c.kind === "dense") {
      it("a streaming writer stops where the SDK stopped", () => {
        const rows = c.array as number[][];
        const writer = new RecordIOWriter({ cols: c.shape![1]!, dtype: featureDtype(c) as Dtype, labelDtype: null });
        const err = catchError(() => rows.forEach((r) => writer.write(r)));
        expect((err as RecordIOError).code).toBe(code);
        expect(writer.bytesWritten).toBe(c.bytesWrittenBeforeError);
        expect(writer.flush().length).toBe(c.bytesWrittenBeforeError);
      });
    }
  });

  describe.each(decodes.map((c) => [c.name, c] as const))("decode %s", (name, c) => {
    const input = new Uint8Array(readFileSync(join(VECTORS_DIR, c.input ?? `${name}.rio`)));

    if (c.error) {
      const code = expectedCode(c);
      it(`raises ${code}`, async () => {
        const err = catchError(() => decodeRecords(input));
        expect(err).toBeInstanceOf(RecordIOError);
        expect((err as RecordIOError).code).toBe(code);
        expect(typeof (err as RecordIOError).offset).toBe("number");
        await expect(collect(readRecords(everySplit(input, 3)))).rejects.toMatchObject({ code });
      });
      return;
    }

    it("reads what the SDK's reader reads", () => {
      compareRecords(decodeRecords(input), c.expected!.records, name);
    });

    it.each([1, 2, 3, 5, 7, 64])("reads the same from %i-byte chunks", async (step) => {
      compareRecords(await collect(readRecords(everySplit(input, step))), c.expected!.records, name);
    });
  });
});
