// numpy/scipy input of an encode vector → the JavaScript input the README maps it to.
import { encodeDense, encodeSparse, serializeInferenceRequest } from "@fraud/recordio";
import type { EncodeDenseOptions, LabelsInput, MatrixInput } from "@fraud/recordio";
import type { VectorCase } from "./format.js";

/** Tensor type in the vectors → the numpy dtype that produces it. */
export const TENSOR_DTYPE: Record<string, string> = { float32_tensor: "float32", float64_tensor: "float64", int32_tensor: "int64" };

/** A JSON number of the vectors (NaN and infinities are strings). */
export function num(v: unknown): number {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v as number;
}

/** The dtype an `Unsupported dtype X on array` message names. */
export function unsupportedDtypeInMessage(c: VectorCase): string | undefined {
  return /^Unsupported dtype (\S+) on array$/.exec(c.error?.message ?? "")?.[1];
}

/** The numpy dtype of the feature array (the vectors' `dtype` field may read "object"). */
export function featureDtype(c: VectorCase): string {
  if (c.dtype && c.dtype !== "object") return c.dtype;
  const t = c.expected?.records[0]?.features["values"]?.type;
  if (t && TENSOR_DTYPE[t]) return TENSOR_DTYPE[t]!;
  const bad = unsupportedDtypeInMessage(c);
  if (bad && bad !== c.labelsDtype) return bad;
  const sparse = c.array as { format?: string; data?: unknown[] } | undefined;
  const values = Array.isArray(c.array) ? (c.array as unknown[]).flat(Infinity) : Array.isArray(sparse?.data) ? sparse.data : [];
  const flat = JSON.stringify(values);
  if (/"re"/.test(flat)) return "complex128";
  if (/true|false/.test(flat)) return "bool";
  if (values.some((v) => typeof v === "string" && !["NaN", "Infinity", "-Infinity"].includes(v))) return "<U";
  if (values.length > 0 && values.every((v) => Number.isInteger(v))) return "int64";
  return "float64";
}

/** Values as the typed array of a numpy dtype, or plain values of a kind the format cannot carry. */
export function typedOf(dtype: string, values: unknown[]): unknown {
  const ints = (): number[] => values.map((v) => Number(v));
  switch (dtype) {
    case "float32":
      return Float32Array.from(values, num);
    case "float64":
      return Float64Array.from(values, num);
    case "int64":
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(num(v))));
    case "int32":
      return Int32Array.from(ints());
    case "uint8":
      return Uint8Array.from(ints());
    case "int16":
      return Int16Array.from(ints());
    case "uint32":
      return Uint32Array.from(ints());
    case "int8":
      return Int8Array.from(ints());
    case "uint16":
    case "float16": // no Float16Array in Node 20: its bits in a Uint16Array, equally unsupported
      return Uint16Array.from(ints());
    case "uint64":
      return BigUint64Array.from(values, (v) => BigInt(Math.max(0, Math.trunc(num(v)))));
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

export function flatten(rows: unknown[]): unknown[] {
  return rows.flatMap((r) => (Array.isArray(r) ? r : [r]));
}

/** The matrix argument: 2-D input becomes a {@link Matrix} over the typed array. */
export function matrixOf(c: VectorCase, dtype = featureDtype(c)): MatrixInput {
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

export function labelsOf(c: VectorCase): LabelsInput | undefined {
  if (c.labels === null || c.labels === undefined) return undefined;
  const labels = c.labels as unknown[];
  if ((c.labelsShape ?? [labels.length]).length !== 1) return labels as LabelsInput;
  return typedOf(c.labelsDtype ?? "float64", labels) as LabelsInput;
}

/** Number of rows of the input matrix, when it is two-dimensional. */
export function rowsOf(c: VectorCase): number | undefined {
  const a = c.array as { format?: string; shape?: number[] } | undefined;
  const shape = a && !Array.isArray(a) && a.format ? a.shape : c.shape;
  return shape?.length === 2 ? shape[0] : undefined;
}

/** The arguments of the dense encoder for a case, or `undefined` for other kinds. */
export function denseArgs(c: VectorCase, dtype?: string): [MatrixInput, EncodeDenseOptions] | undefined {
  if (c.kind !== "dense") return undefined;
  return [matrixOf(c, dtype), { labels: labelsOf(c) }];
}

/** Runs the encoder the vector names on its input. */
export function runEncode(c: VectorCase, dtype?: string): Uint8Array {
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
