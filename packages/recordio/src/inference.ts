/**
 * Inference responses in `application/x-recordio-protobuf`, as Linear Learner answers: one record per
 * input row, no features, `label["score"]` and (classifiers) `label["predicted_label"]`.
 * @packageDocumentation
 */
import { decodeRecords } from "./decode.js";
import { RecordIOError } from "./errors.js";
import { frameRecords } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import { encodeRecord } from "./record.js";
import type { TensorInput } from "./record.js";

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
