/**
 * The fixed layout of float-typed dense records: every record is the same template (frame header,
 * map entries, tensor headers, padding) with the row's feature and label words in place. The
 * encoder fills it with bulk copies; the decoder's fast path checks records against it.
 * @packageDocumentation
 */
import { paddingFor, writeFrameHeader } from "./framing.js";
import { TENSOR_TAG, WIDTH, entrySize, packedLen, writeEntryStart, writePackedHeader } from "./layout.js";

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
  /** Template bytes before the features (frame header to tensor header). */
  head: Uint8Array;
  /** Template bytes after the features (label entry, zero label, padding). */
  tail: Uint8Array;
  /** `tail` then `head`: the bytes between the features of two consecutive records. */
  gap: Uint8Array;
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
  const head = template.slice(0, featOffset);
  const tail = template.slice(featOffset + fData);
  const gap = new Uint8Array(head.length + tail.length);
  gap.set(tail);
  gap.set(head, tail.length);
  return { template, payloadLength: size, featOffset, labelOffset, featWords: fData / 4, labelWords: lType ? WIDTH[lType] / 4 : 0, head, tail, gap };
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


/**
 * Writes rows `from..to-1` as records of `layout` at `pos` (room checked by the caller); returns the
 * position after them. Bulk copies do the work: the rows' feature bytes are first copied to the end
 * of the records' region, then each row's features move into place with `copyWithin` (a record is
 * at least as long as its features, so a move never overwrites features not yet moved) and the
 * bytes between two rows' features, the same for every row but the label, are copied from the
 * previous row's.
 * @internal
 */
export function writeFixedRows(out: Uint8Array, pos: number, layout: FixedLayout, fw: Uint32Array, lw: Uint32Array | undefined, from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return pos;
  const { featOffset, labelOffset, labelWords, head, tail, gap } = layout;
  const stride = layout.template.length;
  const f = layout.featWords * 4;
  const g = stride - f;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const stage = pos + n * g;
  out.set(new Uint8Array(fw.buffer, fw.byteOffset + from * f, n * f), stage);
  out.set(head, pos);
  for (let i = 0, rec = pos, src = stage; i < n; i++, rec += stride, src += f) {
    if (i > 0) {
      const at = rec - g + featOffset; // the previous row's tail, then this row's head
      if (i === 1) out.set(gap, at);
      else out.copyWithin(at, at - stride, at - stride + g);
      if (lw) for (let w = 0, p = rec - stride + labelOffset, l = (from + i - 1) * labelWords; w < labelWords; w++, p += 4) view.setUint32(p, lw[l + w]!, true);
    }
    if (f > 0) out.copyWithin(rec + featOffset, src, src + f);
  }
  const last = pos + (n - 1) * stride;
  out.set(tail, last + featOffset + f);
  if (lw) for (let w = 0, p = last + labelOffset, l = (to - 1) * labelWords; w < labelWords; w++, p += 4) view.setUint32(p, lw[l + w]!, true);
  return pos + n * stride;
}
