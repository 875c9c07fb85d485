/**
 * Matrix input of the dense and sparse encoders: shapes, element types and their validation in the
 * SageMaker Python SDK's order.
 * @packageDocumentation
 */
import { requireOptions } from "./args.js";
import { RecordIOError } from "./errors.js";
import type { Dtype, NumericArray } from "./dtype.js";
import { fromPlain, int64ToInt32, tensorTypeOf } from "./dtype.js";
import type { Source } from "./layout.js";

/**
 * A row-major matrix (or, with a one-element `shape`, a vector) over a typed array, numpy style.
 * @public
 */
export interface Matrix<T extends NumericArray = NumericArray> {
  /** Elements in row-major order; `data.length` must equal the product of `shape`. */
  data: T;
  /** Dimensions: `[rows, cols]` for a matrix. */
  shape: readonly number[];
}

/** Matrix input: a {@link Matrix} or an array of equally long rows of numbers. @public */
export type MatrixInput = Matrix | readonly ArrayLike<number>[];

/** Label input: a typed array, an array of numbers, or a one-dimensional {@link Matrix}. @public */
export type LabelsInput = NumericArray | readonly number[] | Matrix;

/** Options of {@link encodeDense}. @public */
export interface EncodeDenseOptions {
  /** One label per row, written under `label["values"]` as a one-element tensor. */
  labels?: LabelsInput | undefined;
  /**
   * Element type for plain-array features (typed arrays carry their own).
   * @defaultValue "float64" (what numpy makes of Python floats)
   */
  dtype?: Dtype;
  /**
   * Element type for plain-array labels.
   * @defaultValue "float64"
   */
  labelDtype?: Dtype;
}

/** @internal */
export interface DensePlan {
  rows: number;
  cols: number;
  features: Source;
  labels: Source | undefined;
}

/** @internal */
export function isMatrix(x: unknown): x is Matrix {
  if (typeof x !== "object" || x === null || !("data" in x) || !("shape" in x) || Array.isArray(x)) return false;
  const { data, shape } = x as { data: unknown; shape: unknown };
  return Array.isArray(shape) && typeof data === "object" && data !== null;
}

/** @internal */
export function isTypedArray(x: unknown): boolean {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function fmtShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function notMatrix(): RecordIOError {
  return new RecordIOError("NOT_A_MATRIX", "Array must be a Matrix");
}

/** Resolves typed/plain data to a writer {@link Source}. @internal */
export function toSource(data: unknown, dtype: Dtype | undefined, cols: number): Source {
  let arr: Float32Array | Float64Array | Int32Array;
  if (isTypedArray(data)) {
    tensorTypeOf(data); // throws for unsupported typed arrays
    arr = data instanceof BigInt64Array ? int64ToInt32(data, cols) : (data as Float32Array | Float64Array | Int32Array);
  } else {
    arr = fromPlain(data as ArrayLike<unknown>, dtype ?? "float64");
  }
  if (arr instanceof Int32Array) return { type: "int32", words: undefined, ints: arr };
  const words = new Uint32Array(arr.buffer, arr.byteOffset, arr.byteLength / 4);
  return { type: arr instanceof Float32Array ? "float32" : "float64", words, ints: undefined };
}

function flattenRows(rows: readonly ArrayLike<number>[]): { flat: unknown[]; cols: number } {
  const r = rows.length;
  if (r === 0) throw notMatrix(); // numpy: np.array([]) is one-dimensional
  const first = rows[0];
  if (first === null || typeof first !== "object" || typeof (first as ArrayLike<number>).length !== "number") throw notMatrix();
  const cols = (first as ArrayLike<number>).length;
  const flat = new Array<unknown>(r * cols);
  for (let i = 0; i < r; i++) {
    const row = rows[i] as ArrayLike<unknown> | null;
    if (row === null || typeof row !== "object" || row.length !== cols) throw notMatrix();
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      // a nested array means three or more dimensions; other objects are an unsupported element type
      if (Array.isArray(v) || isTypedArray(v)) throw notMatrix();
      flat[i * cols + j] = v;
    }
  }
  return { flat, cols };
}

/**
 * Validates labels (one-dimensional, one per row) and resolves them to a writer source; the SDK's
 * checks in its order, shared by the dense and sparse encoders.
 * @internal
 */
export function planLabels(lab: LabelsInput | undefined | null, rows: number, cols: number, labelDtype: Dtype | undefined): Source | undefined {
  if (lab === undefined || lab === null) return undefined;
  let labData: unknown;
  let labShape: readonly number[];
  if (isMatrix(lab)) {
    labShape = lab.shape;
    if (labShape.length !== 1) throw new RecordIOError("LABELS_NOT_A_VECTOR", "Labels must be a Vector");
    labData = lab.data;
  } else if (isTypedArray(lab)) {
    labShape = [(lab as NumericArray).length];
    labData = lab;
  } else if (Array.isArray(lab)) {
    if (lab.some((v) => typeof v === "object" && v !== null)) throw new RecordIOError("LABELS_NOT_A_VECTOR", "Labels must be a Vector");
    labShape = [lab.length];
    labData = lab;
  } else {
    throw new RecordIOError("LABELS_NOT_A_VECTOR", "Labels must be a Vector");
  }
  if (labShape[0] !== rows) {
    throw new RecordIOError("LABEL_SHAPE_MISMATCH", `Label shape ${fmtShape(labShape)} not compatible with array shape ${fmtShape([rows, cols])}`);
  }
  return toSource(labData, labelDtype, 1);
}

/**
 * Validates matrix and labels in the SDK's order (matrix shape, label shape, label count, label
 * type, matrix type) and resolves both to writer sources.
 * @internal
 */
export function planDense(matrix: MatrixInput, options: EncodeDenseOptions = {}): DensePlan {
  requireOptions(options);
  let rows: number;
  let cols: number;
  let featData: unknown;
  if (isMatrix(matrix)) {
    const shape = matrix.shape;
    if (shape.length !== 2) throw notMatrix();
    rows = shape[0]!;
    cols = shape[1]!;
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
      throw new RecordIOError("INVALID_ARGUMENT", `invalid shape ${fmtShape(shape)}`);
    }
    if (matrix.data.length !== rows * cols) {
      throw new RecordIOError("INVALID_ARGUMENT", `data length ${matrix.data.length} does not match shape ${fmtShape(shape)}`);
    }
    featData = matrix.data;
  } else if (Array.isArray(matrix)) {
    const { flat, cols: c } = flattenRows(matrix);
    rows = matrix.length;
    cols = c;
    featData = flat;
  } else {
    throw notMatrix();
  }

  const labels = planLabels(options.labels, rows, cols, options.labelDtype);
  const features = toSource(featData, options.dtype, cols);
  return { rows, cols, features, labels };
}

/** A decoded dense matrix with optional labels (see {@link decodeDense}). @public */
export interface DenseMatrix {
  /** Features, row-major; the typed array matches the records' tensor type. */
  data: Float32Array | Float64Array | Int32Array;
  /** `[rows, cols]`. */
  shape: [number, number];
  /** The `label["values"]` scalar of each row, or `undefined` when the records carry no labels. */
  labels: Float32Array | Float64Array | Int32Array | undefined;
}
