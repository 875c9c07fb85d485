/**
 * Dense matrices: the hot-path encoder, byte-identical to `write_numpy_to_dense_tensor`.
 * @packageDocumentation
 */
import { allocBytes, integerOption, invalidArgument, requireBytes } from "./args.js";
import { paddingFor, writeFrameHeader } from "./framing.js";
import { fixedLayout, writeFixedRow, writeFixedRows } from "./fixed.js";
import type { FixedLayout } from "./fixed.js";
import { TENSOR_TAG, WIDTH, entrySize, packedLen, valuesLen, writeEntryStart, writeValues } from "./layout.js";
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
 * the position after them. Float rows go by bulk copies (`bulk`, fastest into a buffer already in
 * memory) or one pass of word stores (fastest into a fresh buffer, whose pages fault in as written).
 * @internal
 */
export function writeRowRange(out: Uint8Array, pos: number, { plan, layout }: SizedPlan, from: number, to: number, bulk = true): number {
  if (layout && bulk) return writeFixedRows(out, pos, layout, plan.features.words!, plan.labels?.words, from, to);
  if (layout) {
    // a fresh buffer: one pass, each byte written once, as its pages fault in
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const tView = new DataView(layout.template.buffer);
    for (let r = from; r < to; r++) pos = writeFixedRow(out, view, pos, layout, tView, plan.features.words!, plan.labels?.words, r);
    return pos;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
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
  writeRowRange(out, 0, sized, 0, sized.plan.rows, false);
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
