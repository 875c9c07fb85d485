/**
 * Dense decoding helpers that work on the framing and the byte layout only: counting records, and
 * the fast path copying canonical records (what the SDK and `encodeDense` write) word by word.
 * @packageDocumentation
 */
import type { FixedLayout } from "./dense.js";
import type { DenseArray } from "./dense-sink.js";
import { END, paddingFor, scanFrame } from "./framing.js";
import type { Framing } from "./framing.js";

/**
 * Counts the records (validating every frame header) and finds the first whose payload is shorter
 * than `minBytes`, or -1. Lets the decoders size their output from what the data can really hold.
 * @internal
 */
export function countFrames(bytes: Uint8Array, f: Framing, minBytes: number): { rows: number; short: number } {
  let rows = 0;
  let short = -1;
  for (let pos = 0; ; rows++) {
    const len = scanFrame(bytes, pos, bytes.length, true, 0, rows, f.max, f.strict);
    if (len === END) return { rows, short };
    if (short < 0 && len < minBytes) short = rows;
    pos = Math.min(bytes.length, pos + 8 + len + paddingFor(len));
  }
}

/** The structure bytes of a layout's template, as 32-bit words and leftover bytes to compare. @internal */
export interface StructureCheck {
  wordAt: Int32Array;
  wordValue: Uint32Array;
  byteAt: Int32Array;
  byteValue: Uint8Array;
}

let lastLayout: FixedLayout | undefined;
let lastCheck: StructureCheck | undefined;

/** The structure check of a layout (the last one is cached: decoders see the same layout again and again). @internal */
export function structureCheck(layout: FixedLayout): StructureCheck {
  if (layout === lastLayout) return lastCheck!;
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
  lastCheck = { wordAt: Int32Array.from(wordAt), wordValue: Uint32Array.from(wordValue), byteAt: Int32Array.from(byteAt), byteValue: Uint8Array.from(byteValue) };
  lastLayout = layout;
  return lastCheck;
}

/** True when the structure bytes of the framed record at `at` equal the layout's template. */
function matches(view: DataView, at: number, c: StructureCheck): boolean {
  const { wordAt, wordValue, byteAt, byteValue } = c;
  for (let i = 0; i < wordAt.length; i++) if (view.getUint32(at + wordAt[i]!, true) !== wordValue[i]) return false;
  for (let i = 0; i < byteAt.length; i++) if (view.getUint8(at + byteAt[i]!) !== byteValue[i]) return false;
  return true;
}

function words(a: DenseArray): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
}

/**
 * Copies `rows` records laid out at the layout's stride into `target` from row `rowOffset`, checking
 * each record's structure bytes first. Returns the number of rows copied: fewer than `rows` when a
 * record differs from the canonical layout (the caller then takes the general path).
 * @internal
 */
export function copyFixedRows(
  bytes: Uint8Array,
  layout: FixedLayout,
  check: StructureCheck,
  target: { data: DenseArray; labels?: DenseArray | undefined },
  rowOffset: number,
  rows: number,
): number {
  const view = new DataView(bytes.buffer, 0, bytes.buffer.byteLength);
  const stride = layout.template.length;
  const { featWords, labelWords, featOffset, labelOffset } = layout;
  const dw = words(target.data);
  const lw = target.labels && labelOffset >= 0 ? words(target.labels) : undefined;
  let row = 0;
  for (let pos = bytes.byteOffset; row < rows; row++, pos += stride) {
    if (!matches(view, pos, check)) break;
    let w = (rowOffset + row) * featWords;
    for (let p = pos + featOffset, stop = w + featWords; w < stop; w++, p += 4) dw[w] = view.getUint32(p, true);
    if (lw) {
      let l = (rowOffset + row) * labelWords;
      for (let p = pos + labelOffset, stop = l + labelWords; l < stop; l++, p += 4) lw[l] = view.getUint32(p, true);
    }
  }
  return row;
}
