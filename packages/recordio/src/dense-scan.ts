/**
 * Dense decoding helpers that work on the framing and the byte layout only: counting records, and
 * the fast path copying canonical records (what the SDK and `encodeDense` write) word by word.
 * @packageDocumentation
 */
import type { FixedLayout } from "./fixed.js";
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
  /**
   * The same comparison with the offsets and values written into the code (one expression, no
   * loop over the tables), or null where the runtime does not allow code generation.
   */
  matches: ((view: DataView, at: number) => boolean) | null;
}

/**
 * {@link matches} compiled for one check: `(view, at) => ((word at at+k) ^ v) | … === 0`. The
 * source holds only integers taken from the template.
 */
function compiledCheck(wordAt: number[], wordValue: number[], byteAt: number[], byteValue: number[]): StructureCheck["matches"] {
  const terms = [
    ...wordAt.map((k, i) => `(view.getInt32(at + ${k}, true) ^ ${wordValue[i]! | 0})`),
    ...byteAt.map((k, i) => `(view.getUint8(at + ${k}) ^ ${byteValue[i]!})`),
  ];
  if (terms.length === 0) return () => true;
  try {
    return new Function("view", "at", `return (${terms.join(" | ")}) === 0;`) as (view: DataView, at: number) => boolean;
  } catch {
    // no code generation here (a content security policy, --disallow-code-generation-from-strings)
    return null;
  }
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
    if (to - from < 4) {
      for (let k = from; k < to; k++) {
        byteAt.push(k);
        byteValue.push(t.getUint8(k));
      }
      return;
    }
    // whole words, the last one overlapping the one before when the run is not a multiple of 4
    for (let k = from; k < to; k = k + 4 >= to || k + 8 <= to ? k + 4 : to - 4) {
      wordAt.push(k);
      wordValue.push(t.getUint32(k, true));
    }
  };
  add(0, layout.featOffset);
  if (layout.labelOffset >= 0) add(layout.featOffset + layout.featWords * 4, layout.labelOffset);
  lastCheck = {
    wordAt: Int32Array.from(wordAt),
    wordValue: Uint32Array.from(wordValue),
    byteAt: Int32Array.from(byteAt),
    byteValue: Uint8Array.from(byteValue),
    matches: compiledCheck(wordAt, wordValue, byteAt, byteValue),
  };
  lastLayout = layout;
  return lastCheck;
}

/** True when the structure bytes of the framed record at `at` equal the layout's template. */
function matches(view: DataView, at: number, c: StructureCheck): boolean {
  const { wordAt, wordValue, byteAt, byteValue } = c;
  let diff = 0;
  for (let i = 0; i < wordAt.length; i++) diff |= view.getUint32(at + wordAt[i]!, true) ^ wordValue[i]!;
  for (let i = 0; i < byteAt.length; i++) diff |= view.getUint8(at + byteAt[i]!) ^ byteValue[i]!;
  return diff === 0;
}

function words(a: DenseArray): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
}

/** Below this many rows a block is not worth a bulk copy: the rest goes word by word. */
const MIN_BLOCK = 16;

/**
 * Copies the feature bytes of rows `0..rows-1` (all canonical) to `t8` from byte `base`, where
 * `limit` ends the writable region. Bulk copies do the work: a block of whole records is copied into
 * the target's still-free space, then each row's features are moved down into place with
 * `copyWithin` (a row's place never lies past its features in the copy, so nothing unread is
 * overwritten); the last few rows, once the free space is too small, are copied word by word.
 */
function copyFeatures(bytes: Uint8Array, view: DataView, layout: FixedLayout, t8: Uint8Array, base: number, limit: number, rows: number, bulk: boolean): void {
  const stride = layout.template.length;
  const f = layout.featWords * 4;
  const at = layout.featOffset;
  let r = 0;
  while (bulk) {
    const k = Math.min(rows - r, Math.floor((limit - base - r * f) / stride));
    if (k < MIN_BLOCK || f === 0) break;
    const start = base + r * f;
    t8.set(bytes.subarray(r * stride, (r + k) * stride), start);
    for (let i = 0; i < k; i++) t8.copyWithin(start + i * f, start + i * stride + at, start + i * stride + at + f);
    r += k;
  }
  const tw = new DataView(t8.buffer, t8.byteOffset, t8.byteLength);
  for (; r < rows; r++) {
    for (let p = bytes.byteOffset + r * stride + at, q = base + r * f, end = q + f; q < end; p += 4, q += 4) tw.setUint32(q, view.getUint32(p, true), true);
  }
}

/**
 * Copies `rows` records laid out at the layout's stride into `target` from row `rowOffset` (the
 * caller checked there is room for all of them), checking each record's structure bytes first.
 * Returns the number of rows copied: fewer than `rows` when a record differs from the canonical
 * layout (the caller then takes the general path).
 * @internal
 */
export function copyFixedRows(
  bytes: Uint8Array,
  layout: FixedLayout,
  check: StructureCheck,
  target: { data: DenseArray; labels?: DenseArray | undefined },
  rowOffset: number,
  rows: number,
  bulk = true,
): number {
  const view = new DataView(bytes.buffer, 0, bytes.buffer.byteLength);
  const stride = layout.template.length;
  const { labelWords, labelOffset } = layout;
  const lw = target.labels && labelOffset >= 0 ? words(target.labels) : undefined;
  let good = 0;
  const compiled = check.matches;
  for (let pos = bytes.byteOffset; good < rows; good++, pos += stride) {
    if (!(compiled !== null ? compiled(view, pos) : matches(view, pos, check))) break;
    if (lw) for (let w = 0, l = (rowOffset + good) * labelWords, p = pos + labelOffset; w < labelWords; w++, p += 4) lw[l + w] = view.getUint32(p, true);
  }
  const data = target.data;
  const t8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const f = layout.featWords * 4;
  copyFeatures(bytes, view, layout, t8, rowOffset * f, (rowOffset + rows) * f, good, bulk);
  return good;
}
