/**
 * Dense matrices: the hot-path encoder, byte-identical to `write_numpy_to_dense_tensor`.
 * @packageDocumentation
 */
import { allocBytes, integerOption, invalidArgument, requireBytes } from "./args.js";
import { paddingFor, writeFrameHeader } from "./framing.js";
import { TENSOR_TAG, WIDTH, entrySize, packedLen, valuesLen, writeEntryStart, writePackedHeader, writeValues } from "./layout.js";
import { planDense } from "./matrix.js";
import type { DensePlan, EncodeDenseOptions, MatrixInput } from "./matrix.js";

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

let lastLayout: FixedLayout | undefined;
let lastKey = "";

/** Computes the fixed layout of float-typed dense records with `cols` features (the last one is cached). @internal */
export function fixedLayout(fType: "float32" | "float64", lType: "float32" | "float64" | undefined, cols: number): FixedLayout {
  const key = `${fType}:${lType}:${cols}`;
  if (key === lastKey) return lastLayout!;
  lastLayout = computeLayout(fType, lType, cols);
  lastKey = key;
  return lastLayout;
}

function computeLayout(fType: "float32" | "float64", lType: "float32" | "float64" | undefined, cols: number): FixedLayout {
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

/** Largest payload a RecordIO header can announce (a u32). */
const MAX_PAYLOAD = 0xffffffff;

function recordTooLarge(size: number): never {
  throw invalidArgument(`a row encodes to ${size} bytes, above the ${MAX_PAYLOAD}-byte limit of a RecordIO record`);
}

/** A plan with its layout (float types) and exact encoded size. @internal */
export interface SizedPlan {
  plan: DensePlan;
  layout: FixedLayout | undefined;
  size: number;
}

/** Plans the encoding of a matrix and computes its exact size, without allocating for the output. @internal */
export function sizePlan(matrix: MatrixInput, options: EncodeDenseOptions): SizedPlan {
  const plan = planDense(matrix, options);
  const { features, labels, rows } = plan;
  if (features.type !== "int32" && labels?.type !== "int32") {
    if (WIDTH[features.type] * plan.cols + 64 > MAX_PAYLOAD) recordTooLarge(WIDTH[features.type] * plan.cols);
    const layout = fixedLayout(features.type, labels?.type as "float32" | "float64" | undefined, plan.cols);
    return { plan, layout, size: rows * layout.template.length };
  }
  if (rows === 0) return { plan, layout: undefined, size: 0 };
  // no features and no labels: every row is the same record (rows is not bounded by any array)
  if (plan.cols === 0 && !labels) return { plan, layout: undefined, size: rows * (8 + payloadSize(plan, 0) + paddingFor(payloadSize(plan, 0))) };
  let size = 0;
  for (let r = 0; r < rows; r++) {
    const s = payloadSize(plan, r);
    if (s > MAX_PAYLOAD) recordTooLarge(s);
    size += 8 + s + paddingFor(s);
  }
  return { plan, layout: undefined, size };
}

/** Framed size of row `r` of a sized plan. @internal */
export function rowBytes({ plan, layout }: SizedPlan, r: number): number {
  if (layout) return layout.template.length;
  const s = payloadSize(plan, r);
  return 8 + s + paddingFor(s);
}

/**
 * Writes rows `from..to-1` of a sized plan into `out` at `pos` (room checked by the caller); returns
 * the position after them.
 * @internal
 */
export function writeRowRange(out: Uint8Array, pos: number, { plan, layout }: SizedPlan, from: number, to: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (layout) {
    const tView = new DataView(layout.template.buffer);
    const fw = plan.features.words!;
    const lw = plan.labels?.words;
    for (let r = from; r < to; r++) pos = writeFixedRow(out, view, pos, layout, tView, fw, lw, r);
    return pos;
  }
  for (let r = from; r < to; r++) pos = writeRow(out, view, pos, plan, r, payloadSize(plan, r));
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
 * before any byte is produced; `INVALID_ARGUMENT` for a shape whose encoding cannot be allocated or
 * a row above RecordIO's 4 GiB record limit.
 *
 * @example
 * ```ts
 * const features = new Float32Array([0.1, 0.2, 0.3, 0.4]);
 * const bytes = encodeDense({ data: features, shape: [2, 2] }, { labels: new Float32Array([0, 1]) });
 * ```
 * @public
 */
export function encodeDense(matrix: MatrixInput, options: EncodeDenseOptions = {}): Uint8Array {
  const sized = sizePlan(matrix, options);
  const out = allocBytes(sized.size, `${sized.plan.rows} encoded rows`);
  writeRowRange(out, 0, sized, 0, sized.plan.rows);
  return out;
}

/**
 * The exact number of bytes {@link encodeDense} writes for this matrix and these options, computed
 * without encoding (constant time for float matrices). Throws what `encodeDense` throws.
 *
 * @example
 * ```ts
 * const size = encodedDenseSize({ data: features, shape: [rows, 30] }, { labels }); // 168 bytes a row
 * ```
 * @public
 */
export function encodedDenseSize(matrix: MatrixInput, options: EncodeDenseOptions = {}): number {
  return sizePlan(matrix, options).size;
}

/**
 * Encodes a dense matrix into the caller's buffer at `offset`, writing exactly the bytes
 * {@link encodeDense} returns, and returns how many it wrote. Nothing is allocated for the output,
 * so a reused buffer turns encoding into one pass over the data. Everything is checked before the
 * first byte is written: the errors of `encodeDense`, and `INVALID_ARGUMENT` when the buffer has
 * fewer than {@link encodedDenseSize} bytes from `offset`.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(encodedDenseSize(matrix, { labels }));
 * const written = encodeDenseInto(buf, 0, matrix, { labels });
 * ```
 * @public
 */
export function encodeDenseInto(target: Uint8Array, offset: number, matrix: MatrixInput, options: EncodeDenseOptions = {}): number {
  requireBytes(target, "target");
  const at = integerOption(offset, "offset", 0, target.length);
  const sized = sizePlan(matrix, options);
  if (sized.size > target.length - at) {
    throw invalidArgument(`target has ${target.length - at} bytes from offset ${at}, the encoding needs ${sized.size}`);
  }
  writeRowRange(target, at, sized, 0, sized.plan.rows);
  return sized.size;
}
