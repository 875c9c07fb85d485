/**
 * Dense matrices: the hot-path encoder (byte-identical to `write_numpy_to_dense_tensor`) and the
 * matrix decoder that fills one preallocated typed array without a per-record object.
 * @packageDocumentation
 */
import { RecordIOError, decodeError } from "./errors.js";
import type { Dtype, NumericArray } from "./dtype.js";
import { fromPlain, int64ToInt32, tensorTypeOf } from "./dtype.js";
import { END, paddingFor, resolveMaxRecordBytes, scanFrame, writeFrameHeader } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import { decodeRecordPayload } from "./record.js";
import type { TensorType } from "./record.js";
import { ProtoReader, WireType } from "./wire/reader.js";
import { TENSOR_TAG, WIDTH, allocTensor, entrySize, packedLen, valuesLen, writeEntryStart, writePackedHeader, writeValues } from "./layout.js";
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

function isMatrix(x: unknown): x is Matrix {
  return typeof x === "object" && x !== null && "data" in x && "shape" in x && !Array.isArray(x);
}

function isTypedArray(x: unknown): boolean {
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
 * Validates matrix and labels in the SDK's order (matrix shape, label shape, label count, label
 * type, matrix type) and resolves both to writer sources.
 * @internal
 */
export function planDense(matrix: MatrixInput, options: EncodeDenseOptions = {}): DensePlan {
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

  let labels: Source | undefined;
  const lab = options.labels;
  if (lab !== undefined && lab !== null) {
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
    labels = toSource(labData, options.labelDtype, 1);
  }
  const features = toSource(featData, options.dtype, cols);
  return { rows, cols, features, labels };
}

/** Payload size of row `row` of a plan. @internal */
export function payloadSize(plan: DensePlan, row: number): number {
  const { cols, features, labels } = plan;
  let size = entrySize(packedLen(valuesLen(features, row * cols, cols)));
  if (labels) size += entrySize(packedLen(valuesLen(labels, row, 1)));
  return size;
}

/**
 * Writes framed row `row` at `pos` (which must leave room for `8 + size + padding` bytes); returns
 * the position after the padding.
 * @internal
 */
export function writeRow(out: Uint8Array, view: DataView, pos: number, plan: DensePlan, row: number, size: number): number {
  const { cols, features, labels } = plan;
  pos = writeFrameHeader(out, pos, size);
  const fData = valuesLen(features, row * cols, cols);
  pos = writeEntryStart(out, pos, 0x0a, TENSOR_TAG[features.type], packedLen(fData));
  pos = writeValues(out, view, pos, features, row * cols, cols, fData);
  if (labels) {
    const lData = valuesLen(labels, row, 1);
    pos = writeEntryStart(out, pos, 0x12, TENSOR_TAG[labels.type], packedLen(lData));
    pos = writeValues(out, view, pos, labels, row, 1, lData);
  }
  const pad = paddingFor(size);
  for (let i = 0; i < pad; i++) out[pos++] = 0;
  return pos;
}

/**
 * Encodes a dense matrix as RecordIO-protobuf, one record per row, exactly as the SageMaker Python
 * SDK's `write_numpy_to_dense_tensor(file, array, labels)` writes it.
 *
 * Element types: `Float32Array` → `Float32Tensor`, `Float64Array` → `Float64Tensor`, `BigInt64Array`
 * (numpy's int64) → `Int32Tensor` with values checked against the int32 range; `Int32Array` is
 * accepted too (the SDK refuses numpy int32) and gives the bytes int64 input would. Plain arrays use
 * `options.dtype`. Labels are typed independently. Errors: `NOT_A_MATRIX`, `LABELS_NOT_A_VECTOR`,
 * `LABEL_SHAPE_MISMATCH`, `UNSUPPORTED_DTYPE`, `VALUE_OUT_OF_RANGE`, checked in the SDK's order and
 * before any byte is produced.
 *
 * @example
 * ```ts
 * const features = new Float32Array([0.1, 0.2, 0.3, 0.4]);
 * const bytes = encodeDense({ data: features, shape: [2, 2] }, { labels: new Float32Array([0, 1]) });
 * ```
 * @public
 */
export function encodeDense(matrix: MatrixInput, options: EncodeDenseOptions = {}): Uint8Array {
  const plan = planDense(matrix, options);
  const fixed = plan.features.type !== "int32" && plan.labels?.type !== "int32";
  if (fixed) return encodeFixed(plan);
  const sizes = new Uint32Array(plan.rows);
  let total = 0;
  for (let r = 0; r < plan.rows; r++) {
    const s = payloadSize(plan, r);
    sizes[r] = s;
    total += 8 + s + paddingFor(s);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (let r = 0; r < plan.rows; r++) pos = writeRow(out, view, pos, plan, r, sizes[r]!);
  return out;
}

/**
 * Byte layout shared by every record of a float-typed plan: every record is the template with its
 * feature and label words filled in.
 * @internal
 */
export interface FixedLayout {
  /** Framed record bytes with zero data (header, structure, padding). */
  template: Uint8Array;
  /** Payload length written in the frame header. */
  payloadLength: number;
  /** Offset of the first feature value in a framed record. */
  featOffset: number;
  /** Offset of the label value, or -1. */
  labelOffset: number;
  /** 32-bit words per feature row / per label. */
  featWords: number;
  labelWords: number;
}

/** Computes the fixed layout of float-typed dense records with `cols` features. @internal */
export function fixedLayout(fType: "float32" | "float64", lType: "float32" | "float64" | undefined, cols: number): FixedLayout {
  const fData = cols * WIDTH[fType];
  let size = entrySize(packedLen(fData));
  if (lType) size += entrySize(packedLen(WIDTH[lType]));
  const template = new Uint8Array(8 + size + paddingFor(size));
  let pos = writeFrameHeader(template, 0, size);
  pos = writeEntryStart(template, pos, 0x0a, TENSOR_TAG[fType], packedLen(fData));
  if (fData > 0) pos = writePackedHeader(template, pos, fData);
  const featOffset = pos;
  pos += fData;
  let labelOffset = -1;
  if (lType) {
    pos = writeEntryStart(template, pos, 0x12, TENSOR_TAG[lType], packedLen(WIDTH[lType]));
    pos = writePackedHeader(template, pos, WIDTH[lType]);
    labelOffset = pos;
  }
  return { template, payloadLength: size, featOffset, labelOffset, featWords: fData / 4, labelWords: lType ? WIDTH[lType] / 4 : 0 };
}

/** Copies `n` structure bytes of the template at `from` into `out` at `pos + from`, a word at a time. */
function putStruct(view: DataView, out: Uint8Array, pos: number, tView: DataView, template: Uint8Array, from: number, to: number): void {
  let k = from;
  for (; k + 4 <= to; k += 4) view.setUint32(pos + k, tView.getUint32(k, true), true);
  for (; k < to; k++) out[pos + k] = template[k]!;
}

/**
 * Writes row `row` of `fw`/`lw` (feature and label words) as one framed record of `layout` at `pos`:
 * the template's structure bytes with the row's words in place. Returns the position after it.
 * @internal
 */
export function writeFixedRow(out: Uint8Array, view: DataView, pos: number, layout: FixedLayout, tView: DataView, fw: Uint32Array, lw: Uint32Array | undefined, row: number): number {
  const { template, featOffset, labelOffset, featWords, labelWords } = layout;
  putStruct(view, out, pos, tView, template, 0, featOffset);
  let p = pos + featOffset;
  for (let w = row * featWords, end = w + featWords; w < end; w++, p += 4) view.setUint32(p, fw[w]!, true);
  if (lw) {
    putStruct(view, out, pos, tView, template, featOffset + featWords * 4, labelOffset);
    p = pos + labelOffset;
    for (let w = row * labelWords, end = w + labelWords; w < end; w++, p += 4) view.setUint32(p, lw[w]!, true);
  }
  // padding: the template's zero bytes
  for (p = pos + 8 + layout.payloadLength; p < pos + template.length; p++) out[p] = 0;
  return pos + template.length;
}

function encodeFixed(plan: DensePlan): Uint8Array {
  const { rows, features, labels, cols } = plan;
  const layout = fixedLayout(features.type as "float32", labels?.type as "float32" | undefined, cols);
  const out = new Uint8Array(rows * layout.template.length);
  const view = new DataView(out.buffer);
  const tView = new DataView(layout.template.buffer);
  const fw = features.words!;
  const lw = labels?.words;
  for (let r = 0, pos = 0; r < rows; r++) pos = writeFixedRow(out, view, pos, layout, tView, fw, lw, r);
  return out;
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

// --- decoding into one matrix ------------------------------------------------------------------

/** A decoded dense matrix with optional labels (see {@link decodeDense}). @public */
export interface DenseMatrix {
  /** Features, row-major; the typed array matches the records' tensor type. */
  data: Float32Array | Float64Array | Int32Array;
  /** `[rows, cols]`. */
  shape: [number, number];
  /** The `label["values"]` scalar of each row, or `undefined` when the records carry no labels. */
  labels: Float32Array | Float64Array | Int32Array | undefined;
}

const VALUES_KEY = [0x76, 0x61, 0x6c, 0x75, 0x65, 0x73];

/** Per-record fast parser state. */
class DenseSink {
  fType: TensorType;
  lType: TensorType | undefined;
  cols: number;
  data: Float32Array | Float64Array | Int32Array;
  dataWords: Uint32Array | undefined;
  labels: Float32Array | Float64Array | Int32Array | undefined;
  labelWords: Uint32Array | undefined;
  filled = 0;
  labelFilled = 0;
  row = 0;

  constructor(rows: number, cols: number, fType: TensorType, lType: TensorType | undefined) {
    this.cols = cols;
    this.fType = fType;
    this.lType = lType;
    this.data = allocTensor(fType, rows * cols);
    this.dataWords = fType === "int32" ? undefined : new Uint32Array(this.data.buffer);
    this.labels = lType ? allocTensor(lType, rows) : undefined;
    this.labelWords = lType && lType !== "int32" ? new Uint32Array(this.labels!.buffer) : undefined;
  }
}

function notDense(r: ProtoReader, why: string): never {
  return r.fail("NOT_DENSE", why);
}

/** Parses a tensor's values into the sink (features or label). */
function sinkTensor(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  const type = isLabel ? sink.lType! : sink.fType;
  const capacity = isLabel ? 1 : sink.cols;
  const baseIndex = isLabel ? sink.row : sink.row * sink.cols;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      const wt = tag & 7;
      if (type === "int32") {
        const target = (isLabel ? sink.labels : sink.data) as Int32Array;
        let stop = -1;
        if (wt === WireType.LengthDelimited) {
          stop = r.lengthDelimited();
          r.end = stop;
        } else if (wt !== WireType.Varint) r.wrongType(tag, "int32 values");
        do {
          const v = r.int32();
          const filled = isLabel ? sink.labelFilled++ : sink.filled++;
          if (filled >= capacity) notDense(r, `more than ${capacity} values in a row`);
          target[baseIndex + filled] = v;
        } while (stop >= 0 && r.pos < stop);
        r.end = end;
      } else {
        const width = type === "float32" ? 4 : 8;
        let start: number;
        let bytes: number;
        if (wt === WireType.LengthDelimited) {
          const at = r.pos;
          const stop = r.lengthDelimited();
          start = r.pos;
          bytes = stop - start;
          if (bytes % width !== 0) r.fail("TRUNCATED_FIELD", `packed length ${bytes} is not a multiple of ${width}`, at);
        } else if (wt === (width === 4 ? WireType.Bit32 : WireType.Bit64)) {
          r.need(width);
          start = r.pos;
          bytes = width;
        } else r.wrongType(tag, "tensor values");
        const n = bytes / width;
        const filled = isLabel ? sink.labelFilled : sink.filled;
        if (filled + n > capacity) notDense(r, `${filled + n} values in a row, expected ${capacity}`);
        const words = (isLabel ? sink.labelWords : sink.dataWords)!;
        const wpv = width / 4;
        const abs = r.buf.byteOffset + start;
        let w = (baseIndex + filled) * wpv;
        const stop = w + n * wpv;
        for (let p = abs; w < stop; w++, p += 4) words[w] = view.getUint32(p, true);
        if (isLabel) sink.labelFilled += n;
        else sink.filled += n;
        r.pos = start + bytes;
      }
    } else if (field === 2) {
      // keys: a sparse tensor
      if ((tag & 7) === WireType.LengthDelimited) {
        const stop = r.lengthDelimited();
        if (stop > r.pos) notDense(r, "sparse record (tensor has keys)");
      } else notDense(r, "sparse record (tensor has keys)");
    } else r.skip(tag);
  }
  r.end = outer;
}

function sinkEntry(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if ((tag & 7) !== WireType.LengthDelimited && (field === 1 || field === 2)) r.wrongType(tag, "map entry");
    if (field === 1) {
      const stop = r.lengthDelimited();
      let ok = stop - r.pos === 6;
      for (let i = 0; ok && i < 6; i++) ok = r.buf[r.pos + i] === VALUES_KEY[i];
      if (!ok) notDense(r, `map key other than "values"`);
      r.pos = stop;
    } else if (field === 2) {
      const vend = r.lengthDelimited();
      r.end = vend;
      while (r.pos < vend) {
        const vtag = r.tag();
        const vfield = vtag >>> 3;
        if (vfield === 2 || vfield === 3 || vfield === 7 || vfield === 9) {
          if ((vtag & 7) !== WireType.LengthDelimited) r.wrongType(vtag, "Value");
          const expected = isLabel ? sink.lType : sink.fType;
          const got = vfield === 2 ? "float32" : vfield === 3 ? "float64" : vfield === 7 ? "int32" : "bytes";
          if (got !== expected) notDense(r, `${got} tensor where ${expected ?? "no label"} was expected`);
          const tend = r.lengthDelimited();
          sinkTensor(r, view, tend, sink, isLabel);
          r.pos = tend;
        } else r.skip(vtag);
      }
      r.end = end;
    } else r.skip(tag);
  }
  r.end = outer;
}

function sinkRecord(r: ProtoReader, view: DataView, sink: DenseSink): void {
  const end = r.end;
  sink.filled = 0;
  sink.labelFilled = 0;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field >= 1 && field <= 5) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "Record field");
      const stop = r.lengthDelimited();
      if (field <= 2) {
        if (field === 2 && sink.lType === undefined) notDense(r, "label in a record when the first record had none");
        sinkEntry(r, view, stop, sink, field === 2);
      }
      r.pos = stop;
    } else r.skip(tag);
  }
  if (sink.filled !== sink.cols) notDense(r, `${sink.filled} values in a row, expected ${sink.cols}`);
  if (sink.lType !== undefined && sink.labelFilled !== 1) notDense(r, "record without a label");
}

/** The structure bytes of a layout's template, as 32-bit words and leftover bytes to compare. */
interface StructureCheck {
  wordAt: Int32Array;
  wordValue: Uint32Array;
  byteAt: Int32Array;
  byteValue: Uint8Array;
}

function structureCheck(layout: FixedLayout): StructureCheck {
  const t = new DataView(layout.template.buffer);
  const wordAt: number[] = [];
  const wordValue: number[] = [];
  const byteAt: number[] = [];
  const byteValue: number[] = [];
  const add = (from: number, to: number) => {
    let k = from;
    for (; k + 4 <= to; k += 4) {
      wordAt.push(k);
      wordValue.push(t.getUint32(k, true));
    }
    for (; k < to; k++) {
      byteAt.push(k);
      byteValue.push(t.getUint8(k));
    }
  };
  add(0, layout.featOffset);
  if (layout.labelOffset >= 0) add(layout.featOffset + layout.featWords * 4, layout.labelOffset);
  return { wordAt: Int32Array.from(wordAt), wordValue: Uint32Array.from(wordValue), byteAt: Int32Array.from(byteAt), byteValue: Uint8Array.from(byteValue) };
}

/** True when the structure bytes of the framed record at `at` equal the layout's template. */
function matches(view: DataView, at: number, c: StructureCheck): boolean {
  const { wordAt, wordValue, byteAt, byteValue } = c;
  for (let i = 0; i < wordAt.length; i++) if (view.getUint32(at + wordAt[i]!, true) !== wordValue[i]) return false;
  for (let i = 0; i < byteAt.length; i++) if (view.getUint8(at + byteAt[i]!) !== byteValue[i]) return false;
  return true;
}

/**
 * Decodes RecordIO-protobuf of dense records (as {@link encodeDense} or the SDK writes them) into one
 * row-major matrix and a label vector, without building an object per record. The first record fixes
 * the column count and element types; a record that differs (sparse keys, other width or type,
 * missing label) raises `NOT_DENSE`. Framing and protobuf errors are those of {@link decodeRecords}.
 *
 * @example
 * ```ts
 * const { data, shape, labels } = decodeDense(bytes);
 * ```
 * @public
 */
export function decodeDense(bytes: Uint8Array, options: FramingOptions = {}): DenseMatrix {
  const max = resolveMaxRecordBytes(options);
  const strict = options.strict ?? false;
  const end = bytes.length;
  const firstLen = scanFrame(bytes, 0, end, true, 0, 0, max, strict);
  if (firstLen === END) return { data: new Float32Array(0), shape: [0, 0], labels: undefined };
  // the first record fixes the layout
  const first = decodeRecordPayload(new ProtoReader(bytes, 8, 8 + firstLen, 0, 0));
  const fv = first.features["values"];
  const lv = first.label["values"];
  if (Object.keys(first.features).length !== 1 || !fv || fv.type === "bytes" || fv.type === "none" || fv.keys.length > 0) {
    throw decodeError("NOT_DENSE", 'first record is not a dense "values" tensor', 8, 0);
  }
  let lType: TensorType | undefined;
  if (lv !== undefined) {
    if (lv.type === "bytes" || lv.type === "none" || lv.values.length !== 1) {
      throw decodeError("NOT_DENSE", "first record's label is not a one-element tensor", 8, 0);
    }
    lType = lv.type;
  }
  const cols = fv.values.length;
  const view = new DataView(bytes.buffer, 0, bytes.buffer.byteLength);
  const base = bytes.byteOffset;
  // Fast path: when every record's structure bytes equal the canonical layout (what the SDK and
  // encodeDense write), records sit at a fixed stride and are copied word by word in one pass.
  const layout = fv.type !== "int32" && lType !== "int32" ? fixedLayout(fv.type, lType, cols) : undefined;
  if (layout && !strict && end % layout.template.length < 4) {
    const stride = layout.template.length;
    const rows = Math.floor(end / stride);
    const check = structureCheck(layout);
    const sink = new DenseSink(rows, cols, fv.type, lType);
    const { featWords, labelWords, featOffset, labelOffset } = layout;
    const dw = sink.dataWords!;
    const lw = sink.labelWords;
    let row = 0;
    for (let pos = base; row < rows; row++, pos += stride) {
      if (!matches(view, pos, check)) break;
      let w = row * featWords;
      for (let p = pos + featOffset, stop = w + featWords; w < stop; w++, p += 4) dw[w] = view.getUint32(p, true);
      if (lw) {
        let l = row * labelWords;
        for (let p = pos + labelOffset, stop = l + labelWords; l < stop; l++, p += 4) lw[l] = view.getUint32(p, true);
      }
    }
    if (row === rows) return { data: sink.data, shape: [rows, cols], labels: sink.labels };
  }
  // General path: find the frames, then parse each record into the matrix.
  let rows = 0;
  for (let pos = 0; ; ) {
    const len = scanFrame(bytes, pos, end, true, 0, rows, max, strict);
    if (len === END) break;
    rows++;
    pos = Math.min(end, pos + 8 + len + paddingFor(len));
  }
  const sink = new DenseSink(rows, cols, fv.type, lType);
  const r = new ProtoReader(bytes);
  for (let row = 0, pos = 0; row < rows; row++) {
    const len = (bytes[pos + 4]! | (bytes[pos + 5]! << 8) | (bytes[pos + 6]! << 16) | (bytes[pos + 7]! << 24)) >>> 0;
    r.reset(bytes, pos + 8, pos + 8 + len, 0, row);
    sink.row = row;
    sinkRecord(r, view, sink);
    pos += 8 + len + paddingFor(len);
  }
  return { data: sink.data, shape: [rows, cols], labels: sink.labels };
}
