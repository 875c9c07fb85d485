/**
 * Dense decoding: RecordIO of dense records into one row-major typed array and a label vector,
 * freshly allocated ({@link decodeDense}) or the caller's ({@link decodeDenseInto}).
 * @packageDocumentation
 */
import { invalidArgument, integerOption, requireBytes } from "./args.js";
import { fixedLayout } from "./fixed.js";
import type { FixedLayout } from "./fixed.js";
import { DenseSink, sinkRecord } from "./dense-sink.js";
import type { DenseArray } from "./dense-sink.js";
import { decodeError } from "./errors.js";
import { END, paddingFor, resolveFraming, scanFrame } from "./framing.js";
import type { Framing, FramingOptions } from "./framing.js";
import { allocTensor } from "./layout.js";
import type { DenseMatrix } from "./matrix.js";
import { decodeRecordPayload } from "./record-decode.js";
import type { TensorType } from "./record.js";
import { countFrames, structureCheck, copyFixedRows } from "./dense-scan.js";
import { ProtoReader } from "./wire/reader.js";

/** Shape and element types of RecordIO dense records (see {@link inspectDense}). @public */
export interface DenseInfo {
  /** Number of records (matrix rows). */
  rows: number;
  /** Values per record (matrix columns). */
  cols: number;
  /** Element type of the features: `"float32"` for an empty input. */
  type: TensorType;
  /** Element type of the labels, or `undefined` when the records carry none. */
  labelType: TensorType | undefined;
}

/**
 * Caller-provided storage for {@link decodeDenseInto}: typed arrays of the records' element types
 * (`Float32Array` for float32, `Float64Array` for float64, `Int32Array` for int32).
 * @public
 */
export interface DenseTarget {
  /** Row-major features; needs room for `(rowOffset + rows) * cols` values. */
  data: DenseArray;
  /** One label per row; needs room for `rowOffset + rows` values. Omit it to skip the labels. */
  labels?: DenseArray | undefined;
}

/** Options of {@link decodeDenseInto}. @public */
export interface DecodeDenseIntoOptions extends FramingOptions {
  /**
   * Row of the target where the first record goes, to gather several inputs into one matrix.
   * @defaultValue 0
   */
  rowOffset?: number;
}

/** What the first record fixes for all the others. @internal */
export interface DenseHead {
  cols: number;
  type: TensorType;
  labelType: TensorType | undefined;
  /** The first record's values and label, decoded. */
  first: { values: DenseArray; label: DenseArray | undefined };
}

const EMPTY_INFO: DenseInfo = Object.freeze({ rows: 0, cols: 0, type: "float32", labelType: undefined });

/** Decodes the first record and checks it is a dense `"values"` tensor; `undefined` for empty input. @internal */
export function readHead(bytes: Uint8Array, f: Framing): DenseHead | undefined {
  const firstLen = scanFrame(bytes, 0, bytes.length, true, 0, 0, f.max, f.strict);
  if (firstLen === END) return undefined;
  const first = decodeRecordPayload(new ProtoReader(bytes, 8, 8 + firstLen, 0, 0));
  const fv = first.features["values"];
  const lv = first.label["values"];
  if (Object.keys(first.features).length !== 1 || !fv || fv.type === "bytes" || fv.type === "none" || fv.keys.length > 0) {
    throw decodeError("NOT_DENSE", 'first record is not a dense "values" tensor', 8, 0);
  }
  if (Object.keys(first.label).length !== (lv === undefined ? 0 : 1)) throw decodeError("NOT_DENSE", 'first record has labels other than "values"', 8, 0);
  if (lv !== undefined && (lv.type === "bytes" || lv.type === "none" || lv.values.length !== 1)) {
    throw decodeError("NOT_DENSE", "first record's label is not a one-element tensor", 8, 0);
  }
  return { cols: fv.values.length, type: fv.type, labelType: lv?.type as TensorType | undefined, first: { values: fv.values, label: lv?.values as DenseArray | undefined } };
}

/**
 * The canonical layout of the records, when every record of `size` bytes of input may follow it
 * at a fixed stride.
 * @internal
 */
export function canonicalLayout(size: number, head: DenseHead, f: Framing): FixedLayout | undefined {
  if (f.strict || head.type === "int32" || head.labelType === "int32") return undefined;
  const layout = fixedLayout(head.type, head.labelType as "float32" | "float64" | undefined, head.cols);
  return size % layout.template.length < 4 ? layout : undefined;
}

/** Number of records and, if any, the first one too short to hold `cols` values. */
function countRecords(bytes: Uint8Array, head: DenseHead, f: Framing): { rows: number; short: number } {
  // a value takes at least its width (packed floats) or one byte (a varint)
  const minBytes = head.cols * (head.type === "float64" ? 8 : head.type === "float32" ? 4 : 1);
  return countFrames(bytes, f, minBytes);
}

/** Parses records `1..rows-1` into the sink (row 0 is copied from the decoded first record). */
function parseRows(bytes: Uint8Array, head: DenseHead, sink: DenseSink, rows: number, f: Framing): void {
  sink.startRow(0);
  sink.data.set(head.first.values as never, sink.base);
  if (head.first.label && sink.labels) sink.labels.set(head.first.label as never, sink.labelBase);
  const view = new DataView(bytes.buffer, 0, bytes.buffer.byteLength);
  const r = new ProtoReader(bytes);
  let pos = 0;
  for (let row = 0; row < rows; row++) {
    const len = scanFrame(bytes, pos, bytes.length, true, 0, row, f.max, f.strict);
    if (row > 0) {
      r.reset(bytes, pos + 8, pos + 8 + len, 0, row);
      sinkRecord(r, view, sink, row);
    }
    pos = Math.min(bytes.length, pos + 8 + len + paddingFor(len));
  }
}

/** Raises the `NOT_DENSE` error of a record too short to hold a row. */
function shortRecord(bytes: Uint8Array, head: DenseHead, row: number): never {
  let pos = 0;
  for (let i = 0; i < row; i++) {
    const len = (bytes[pos + 4]! | (bytes[pos + 5]! << 8) | (bytes[pos + 6]! << 16) | (bytes[pos + 7]! << 24)) >>> 0;
    pos += 8 + len + paddingFor(len);
  }
  const len = (bytes[pos + 4]! | (bytes[pos + 5]! << 8) | (bytes[pos + 6]! << 16) | (bytes[pos + 7]! << 24)) >>> 0;
  throw decodeError("NOT_DENSE", `payload of ${len} bytes cannot hold ${head.cols} ${head.type} values`, pos, row);
}

function arrayType(a: DenseArray): TensorType | undefined {
  return a instanceof Float32Array ? "float32" : a instanceof Float64Array ? "float64" : a instanceof Int32Array ? "int32" : undefined;
}

/** @internal */
export function checkTarget(target: DenseTarget, head: DenseHead): void {
  if (target === null || typeof target !== "object") throw invalidArgument("target must be an object { data, labels? }");
  if (arrayType(target.data) !== head.type) throw invalidArgument(`target data must be a ${typedName(head.type)} for ${head.type} records`);
  if (target.labels === undefined) return;
  if (head.labelType === undefined) throw invalidArgument("target has labels but the records carry none");
  if (arrayType(target.labels) !== head.labelType) throw invalidArgument(`target labels must be a ${typedName(head.labelType)} for ${head.labelType} labels`);
}

function typedName(t: TensorType): string {
  return t === "float32" ? "Float32Array" : t === "float64" ? "Float64Array" : "Int32Array";
}

/** @internal */
export function checkRoom(target: DenseTarget, head: DenseHead, rowOffset: number, rows: number): void {
  const end = rowOffset + rows;
  if (end * head.cols > target.data.length) {
    throw invalidArgument(`target data holds ${target.data.length} values, ${end * head.cols} needed for ${end} rows of ${head.cols}`);
  }
  if (target.labels && end > target.labels.length) throw invalidArgument(`target labels hold ${target.labels.length} values, ${end} needed`);
}

/**
 * Decodes RecordIO-protobuf of dense records (as {@link encodeDense} or the SDK writes them) into one
 * row-major matrix and a label vector, without building an object per record. The first record fixes
 * the column count and element types; a record that differs (sparse keys, other width or type,
 * missing label) raises `NOT_DENSE`. Framing and protobuf errors are those of {@link decodeRecords}.
 * Sizes declared in the data are checked against the bytes present before anything is allocated:
 * the matrix is never larger than the input (four times for int32 values).
 *
 * @example
 * ```ts
 * const { data, shape, labels } = decodeDense(bytes);
 * ```
 * @public
 */
export function decodeDense(bytes: Uint8Array, options: FramingOptions = {}): DenseMatrix {
  requireBytes(bytes, "bytes");
  const f = resolveFraming(options);
  const head = readHead(bytes, f);
  if (!head) return { data: new Float32Array(0), shape: [0, 0], labels: undefined };
  const alloc = (rows: number): { data: DenseArray; labels: DenseArray | undefined } => ({
    data: allocTensor(head.type, rows * head.cols),
    labels: head.labelType ? allocTensor(head.labelType, rows) : undefined,
  });
  const layout = canonicalLayout(bytes.length, head, f);
  if (layout) {
    const rows = Math.floor(bytes.length / layout.template.length);
    const target = alloc(rows);
    if (copyFixedRows(bytes, layout, structureCheck(layout), target, 0, rows) === rows) return { ...target, shape: [rows, head.cols] };
  }
  const { rows, short } = countRecords(bytes, head, f);
  const target = alloc(short < 0 ? rows : short);
  parseRows(bytes, head, new DenseSink(head.cols, head.type, head.labelType, target.data, target.labels, 0), short < 0 ? rows : short, f);
  if (short >= 0) shortRecord(bytes, head, short);
  return { ...target, shape: [rows, head.cols] };
}

/**
 * Decodes dense records into the caller's typed arrays: no allocation proportional to the data, so
 * a buffer pool or one matrix gathered from several inputs (`rowOffset`) costs only the copy. The
 * arrays must have the records' element types and room for every row ({@link inspectDense} tells
 * rows, columns and types first); otherwise `INVALID_ARGUMENT` before anything is written.
 * Decoding errors are those of {@link decodeDense}; rows before a bad record may have been written.
 *
 * @example
 * ```ts
 * const { rows, cols } = inspectDense(bytes);
 * const data = new Float32Array(rows * cols);
 * const labels = new Float32Array(rows);
 * decodeDenseInto(bytes, { data, labels });
 * ```
 * @public
 */
export function decodeDenseInto(bytes: Uint8Array, target: DenseTarget, options: DecodeDenseIntoOptions = {}): DenseInfo {
  requireBytes(bytes, "bytes");
  const f = resolveFraming(options);
  const rowOffset = integerOption(options.rowOffset, "rowOffset", 0);
  const head = readHead(bytes, f);
  if (!head) return EMPTY_INFO;
  checkTarget(target, head);
  const info = (rows: number): DenseInfo => ({ rows, cols: head.cols, type: head.type, labelType: head.labelType });
  const layout = canonicalLayout(bytes.length, head, f);
  if (layout) {
    const rows = Math.floor(bytes.length / layout.template.length);
    checkRoom(target, head, rowOffset, rows);
    if (copyFixedRows(bytes, layout, structureCheck(layout), target, rowOffset, rows) === rows) return info(rows);
  }
  const { rows, short } = countRecords(bytes, head, f);
  const writable = short < 0 ? rows : short;
  checkRoom(target, head, rowOffset, writable);
  parseRows(bytes, head, new DenseSink(head.cols, head.type, head.labelType, target.data, target.labels, rowOffset), writable, f);
  if (short >= 0) shortRecord(bytes, head, short);
  return info(rows);
}

/**
 * Rows, columns and element types of RecordIO dense records, without decoding them: the first
 * record is decoded and the others' frames counted (a few microseconds per thousand rows). Size the
 * arrays of {@link decodeDenseInto} with it; the records themselves are checked when decoded.
 *
 * @example
 * ```ts
 * const { rows, cols, type, labelType } = inspectDense(bytes); // e.g. 284807, 30, "float32", "float32"
 * ```
 * @public
 */
export function inspectDense(bytes: Uint8Array, options: FramingOptions = {}): DenseInfo {
  requireBytes(bytes, "bytes");
  const f = resolveFraming(options);
  const head = readHead(bytes, f);
  if (!head) return EMPTY_INFO;
  return { rows: countFrames(bytes, f, 0).rows, cols: head.cols, type: head.type, labelType: head.labelType };
}
