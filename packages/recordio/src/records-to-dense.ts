/**
 * Records (dense or sparse) gathered into one dense matrix with labels.
 * @packageDocumentation
 */
import { describeValue, integerOption, invalidArgument, requireOptions } from "./args.js";
import { RecordIOError } from "./errors.js";
import { allocTensor } from "./layout.js";
import type { DenseMatrix } from "./matrix.js";
import type { RecordIORecord, TensorType } from "./record.js";

/**
 * Default {@link RecordsToDenseOptions.maxDenseBytes}: 256 MiB.
 * @example
 * ```ts
 * const m = recordsToDense(records, { maxDenseBytes: 4 * DEFAULT_MAX_DENSE_BYTES });
 * ```
 * @public
 */
export const DEFAULT_MAX_DENSE_BYTES = 256 * 1024 * 1024;

/** Options of {@link recordsToDense}. @public */
export interface RecordsToDenseOptions {
  /**
   * Largest matrix (features and labels, in bytes) the records may declare. Sparse records declare
   * their width in `shape`, which can be any size whatever the bytes they hold: above this limit
   * the call fails with `NOT_DENSE` before allocating.
   * @defaultValue 268435456 (256 MiB)
   */
  maxDenseBytes?: number;
}

/** The common type, width and label type of the records, checked record by record. */
interface Shape {
  type: TensorType;
  cols: number;
  labelType: TensorType | undefined;
}

type NumericValue = { type: TensorType; values: ArrayLike<number>; keys: number[]; shape: number[] };

function featuresOf(rec: RecordIORecord, i: number): NumericValue {
  if (rec === null || typeof rec !== "object" || rec.features === null || typeof rec.features !== "object" || rec.label === null || typeof rec.label !== "object") {
    throw invalidArgument(`records[${i}] must be a record with features and label maps, got ${describeValue(rec)}`);
  }
  const v = rec.features["values"];
  if (!v || v.type === "bytes" || v.type === "none") throw notDense(i, 'no "values" tensor in features');
  if (v.keys.length > 0 && v.shape.length === 0) throw notDense(i, "sparse tensor without a shape");
  return v;
}

function widthOf(v: NumericValue): number {
  return v.keys.length > 0 || v.shape.length > 0 ? (v.shape[v.shape.length - 1] ?? 0) : v.values.length;
}

function shapeOf(records: readonly RecordIORecord[]): Shape {
  const v0 = featuresOf(records[0]!, 0);
  const l0 = records[0]!.label["values"];
  if (l0 && (l0.type === "bytes" || l0.type === "none")) throw notDense(0, "label is not a numeric tensor");
  const shape: Shape = { type: v0.type, cols: widthOf(v0), labelType: l0?.type as TensorType | undefined };
  for (let i = 0; i < records.length; i++) {
    const v = featuresOf(records[i]!, i);
    if (v.type !== shape.type) throw notDense(i, `${v.type} tensor, expected ${shape.type}`);
    const width = widthOf(v);
    if (width !== shape.cols) throw notDense(i, `${width} columns, expected ${shape.cols}`);
    const l = records[i]!.label["values"];
    if ((l !== undefined) !== (shape.labelType !== undefined)) throw notDense(i, shape.labelType ? "record without a label" : "label where the first record had none");
    if (l && (l.type !== shape.labelType || l.values.length !== 1)) throw notDense(i, "label is not a one-element tensor of the first record's type");
  }
  return shape;
}

const BYTES: Record<TensorType, number> = { float32: 4, float64: 8, int32: 4 };

/**
 * Gathers records into one dense matrix with labels: dense records are copied as they are, sparse
 * ones (keys + shape) are scattered into zeros. Every record must carry the same tensor type under
 * `features["values"]`, the same width, and either all or none a one-element `label["values"]`.
 * The matrix size is checked against `maxDenseBytes` before it is allocated.
 *
 * @example
 * ```ts
 * const { data, shape, labels } = recordsToDense(decodeRecords(bytes));
 * ```
 * @public
 */
export function recordsToDense(records: readonly RecordIORecord[], options: RecordsToDenseOptions = {}): DenseMatrix {
  if (!Array.isArray(records)) throw invalidArgument(`records must be an array, got ${describeValue(records)}`);
  requireOptions(options);
  const maxBytes = integerOption(options.maxDenseBytes, "maxDenseBytes", DEFAULT_MAX_DENSE_BYTES);
  const rows = records.length;
  if (rows === 0) return { data: new Float32Array(0), shape: [0, 0], labels: undefined };
  const { type, cols, labelType } = shapeOf(records);
  const bytes = rows * cols * BYTES[type] + (labelType ? rows * BYTES[labelType] : 0);
  if (bytes > maxBytes) {
    throw new RecordIOError("NOT_DENSE", `${rows} rows of ${cols} ${type} values take ${bytes} bytes, above maxDenseBytes ${maxBytes}`);
  }
  const data = allocTensor(type, rows * cols);
  const labels = labelType ? allocTensor(labelType, rows) : undefined;
  for (let i = 0; i < rows; i++) {
    const rec = records[i]!;
    const v = rec.features["values"] as NumericValue;
    if (v.keys.length === 0 && (v.shape.length === 0 || v.values.length !== 0)) {
      if (v.values.length !== cols) throw notDense(i, `${v.values.length} values, expected ${cols}`);
      data.set(v.values, i * cols);
    } else {
      if (v.keys.length !== v.values.length) throw notDense(i, `${v.keys.length} keys for ${v.values.length} values`);
      for (let k = 0; k < v.keys.length; k++) {
        const key = v.keys[k]!;
        if (key >= cols) throw notDense(i, `key ${key} outside ${cols} columns`);
        data[i * cols + key] = v.values[k]!;
      }
    }
    if (labels) labels[i] = (rec.label["values"] as NumericValue).values[0]!;
  }
  return { data, shape: [rows, cols], labels };
}

function notDense(record: number, why: string): RecordIOError {
  return new RecordIOError("NOT_DENSE", `record ${record}: ${why}`, { record });
}
