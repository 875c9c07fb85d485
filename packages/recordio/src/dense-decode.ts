/**
 * Dense decoding: RecordIO of dense records into one row-major typed array and a label vector.
 * @packageDocumentation
 */
import { decodeError } from "./errors.js";
import { END, paddingFor, resolveMaxRecordBytes, scanFrame } from "./framing.js";
import type { FramingOptions } from "./framing.js";
import { fixedLayout } from "./dense.js";
import type { FixedLayout } from "./dense.js";
import { DenseSink, sinkRecord } from "./dense-sink.js";
import type { DenseMatrix } from "./matrix.js";
import { decodeRecordPayload } from "./record-decode.js";
import type { TensorType } from "./record.js";
import { ProtoReader } from "./wire/reader.js";

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
