// The quantile sketch of the training values: every feature's cut points from a sample of the
// rows (the rows `every` apart, and each feature's exact extremes), sorted. The scan of the rows
// and the sorts are self-contained functions: the helper thread of histogram.ts runs their source
// text, so each is done in parts on both threads (rows in halves, features in groups) — the same
// cuts either way, as a sort's result depends only on the values sorted, not on their order.

/** Quantile cuts of one feature: values below `cuts[b]` (and at least `cuts[b-1]`) fall in bin b. @internal */
export interface Cuts {
  /** Upper bounds of the bins (the last is above the maximum). */
  values: Float32Array;
  /** Lowest value minus a margin: the condition that sends every present value right. */
  min: number;
}

/**
 * Sorts float32 values (no NaN) in place in the order of `Float32Array.prototype.sort` (−0 before
 * +0): a radix sort of their bits mapped to unsigned order, three passes of 11 bits.
 * @internal
 */
export function sortFloats(values: Float32Array): void {
  const n = values.length;
  if (n < 256) {
    values.sort();
    return;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  let a = new Uint32Array(n);
  // sign set: flip every bit; sign clear: flip the sign bit — ascending unsigned order
  for (let i = 0; i < n; i++) {
    const u = bits[i]!;
    a[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }
  let b = new Uint32Array(n);
  const count = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(a[i]! >>> shift) & 2047]!++;
    for (let d = 0, sum = 0; d < 2048; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const u = a[i]!;
      b[count[(u >>> shift) & 2047]!++] = u;
    }
    [a, b] = [b, a];
  }
  for (let i = 0; i < n; i++) {
    const u = a[i]!;
    bits[i] = u & 0x80000000 ? (u & 0x7fffffff) >>> 0 : ~u >>> 0;
  }
}

/**
 * One part of the sketch's scan, rows `[begin, end)` of the row-major float32 values `x`: each
 * feature's extremes (`lo`, `hi`: the first of equal values kept, as one pass in row order keeps
 * it) and whether a value is missing, at `part × cols + f`; and the present values of the rows
 * `every` apart (those whose number is a multiple of `every`) appended to feature f's column at
 * `f × cap`, from the number of such rows before `begin` (so two parts never overlap), their count
 * at `counts[part × cols + f]`. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function scanRows(x: Float32Array, cols: number, every: number, begin: number, end: number, part: number, lo: Float64Array, hi: Float64Array, missing: Uint8Array, counts: Int32Array, columns: Float32Array, cap: number): void {
  const at = part * cols;
  for (let f = 0; f < cols; f++) {
    lo[at + f] = Infinity;
    hi[at + f] = -Infinity;
    missing[at + f] = 0;
    counts[at + f] = 0;
  }
  const base = Math.ceil(begin / every);
  for (let r = begin, o = begin * cols; r < end; r++) {
    const sampled = r % every === 0;
    for (let f = 0; f < cols; f++, o++) {
      const v = x[o]!;
      if (v !== v) missing[at + f] = 1;
      else {
        if (v < lo[at + f]!) lo[at + f] = v;
        if (v > hi[at + f]!) hi[at + f] = v;
        if (sampled) columns[f * cap + base + counts[at + f]!++] = v;
      }
    }
  }
}

/**
 * Cut points of a feature from its sorted sample, in the way of XGBoost's hist: with at most
 * `maxBin` distinct values, one bin each; otherwise `maxBin` equal-count bins. The last cut lies
 * above the maximum.
 * @internal
 */
export function sortedCuts(values: Float32Array, maxBin: number): Cuts {
  const n = values.length;
  if (n === 0) return { values: new Float32Array([1e-5]), min: -1e-5 };
  const lo = values[0]!;
  const hi = values[n - 1]!;
  // distinct values, counted up to maxBin + 1
  const distinct: number[] = [lo];
  for (let i = 1; i < n && distinct.length <= maxBin; i++) if (values[i] !== values[i - 1]) distinct.push(values[i]!);
  const cuts: number[] = [];
  if (distinct.length <= maxBin) {
    for (let i = 1; i < distinct.length; i++) cuts.push(distinct[i]!);
  } else {
    for (let k = 1; k < maxBin; k++) {
      const v = values[Math.floor((k * n) / maxBin)]!;
      if (v > lo && (cuts.length === 0 || v > cuts[cuts.length - 1]!)) cuts.push(v);
    }
  }
  cuts.push(Math.fround(hi + (Math.abs(hi) + 1e-5)));
  return { values: Float32Array.from(cuts), min: Math.fround(lo - (Math.abs(lo) + 1e-5)) };
}
