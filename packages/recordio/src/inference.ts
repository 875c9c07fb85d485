/**
 * Inference responses in `application/x-recordio-protobuf`, as Linear Learner answers: one record per
 * input row, no features, `label["score"]` and (classifiers) `label["predicted_label"]`.
 * @packageDocumentation
 */
import { describeValue, invalidArgument, requireOptions } from "./args.js";
import { decodeRecords } from "./decode.js";
import { RecordIOError } from "./errors.js";
import { frameRecords } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import { encodeRecord } from "./record.js";
import type { TensorInput } from "./record.js";
import { encodeDense } from "./dense.js";
import type { NumericArray } from "./dtype.js";
import { isMatrix, isTypedArray } from "./matrix.js";
import type { EncodeDenseOptions, MatrixInput } from "./matrix.js";

/** One prediction of a Linear Learner endpoint. @public */
export interface Prediction {
  /** The score: a probability for binary classifiers, the raw `x·w + b` for regressors. */
  score: number;
  /** The predicted class (binary classifiers); absent for regressors. */
  predicted_label?: number;
}

/**
 * Encodes predictions as Linear Learner's RecordIO-protobuf response body (float32 tensors under
 * `label["score"]` and `label["predicted_label"]`).
 *
 * @example
 * ```ts
 * const body = encodeInferenceResponse([{ score: 0.93, predicted_label: 1 }]);
 * ```
 * @public
 */
export function encodeInferenceResponse(predictions: readonly Prediction[]): Uint8Array {
  if (!Array.isArray(predictions)) throw invalidArgument(`predictions must be an array, got ${describeValue(predictions)}`);
  for (const p of predictions as unknown[]) {
    if (p === null || typeof p !== "object" || typeof (p as Prediction).score !== "number") {
      throw invalidArgument(`each prediction must be an object with a numeric score, got ${describeValue(p)}`);
    }
  }
  return frameRecords(
    predictions.map((p) => {
      const label: Record<string, TensorInput> = { score: { type: "float32", values: [p.score] } };
      if (p.predicted_label !== undefined) label["predicted_label"] = { type: "float32", values: [p.predicted_label] };
      return encodeRecord({ label });
    }),
  );
}

/**
 * Parses a RecordIO-protobuf inference response into predictions. Map entries may come in any
 * order; every record must carry a one-element numeric `score`.
 *
 * @example
 * ```ts
 * const [first] = parseInferenceResponse(body);
 * if (first.predicted_label === 1) flag();
 * ```
 * @public
 */
export function parseInferenceResponse(body: Uint8Array, options: FramingOptions = {}): Prediction[] {
  return decodeRecords(body, options).map((rec, i) => {
    const score = rec.label["score"];
    if (!score || score.type === "bytes" || score.type === "none" || score.values.length !== 1) {
      throw new RecordIOError("INVALID_VALUE", `record ${i} has no one-element "score" label`, { record: i });
    }
    const out: Prediction = { score: score.values[0]! };
    const pl = rec.label["predicted_label"];
    if (pl && pl.type !== "bytes" && pl.type !== "none" && pl.values.length === 1) out.predicted_label = pl.values[0]!;
    return out;
  });
}

/**
 * Serializes rows for `InvokeEndpoint` with content type `application/x-recordio-protobuf`, as the
 * SDK's `RecordSerializer` does: a vector becomes one row, no labels are written, and anything of
 * three or more dimensions is refused.
 *
 * @example
 * ```ts
 * const body = serializeInferenceRequest([[0.5, 1.5, -2]], { dtype: "float32" });
 * ```
 * @public
 */
export function serializeInferenceRequest(
  rows: MatrixInput | NumericArray | readonly number[],
  options: Pick<EncodeDenseOptions, "dtype"> = {},
): Uint8Array {
  requireOptions(options);
  let m: MatrixInput;
  if (isMatrix(rows)) {
    if (rows.shape.length === 1) m = { data: rows.data, shape: [1, rows.shape[0]!] };
    else if (rows.shape.length === 2) m = rows;
    else throw new RecordIOError("NOT_A_MATRIX", `Expected a 1D or 2D array, but got a ${rows.shape.length}D array instead.`);
  } else if (isTypedArray(rows)) {
    const data = rows as NumericArray;
    m = { data, shape: [1, data.length] };
  } else if (Array.isArray(rows)) {
    const depth = arrayDepth(rows);
    if (depth === 1) m = [rows as readonly number[]];
    else if (depth === 2) m = rows as readonly ArrayLike<number>[];
    else throw new RecordIOError("NOT_A_MATRIX", `Expected a 1D or 2D array, but got a ${depth}D array instead.`);
  } else throw new RecordIOError("NOT_A_MATRIX", "Expected a 1D or 2D array");
  return encodeDense(m, options.dtype ? { dtype: options.dtype } : {});
}

function arrayDepth(x: unknown): number {
  let d = 0;
  let cur: unknown = x;
  while (Array.isArray(cur) || (isTypedArray(cur) && d > 0)) {
    d++;
    if (isTypedArray(cur)) break;
    cur = (cur as unknown[])[0];
    if (cur === undefined) break;
  }
  return Math.max(d, 1);
}

