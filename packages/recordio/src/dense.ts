/**
 * Dense matrices: the hot-path encoder, byte-identical to `write_numpy_to_dense_tensor`.
 * @packageDocumentation
 */
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
