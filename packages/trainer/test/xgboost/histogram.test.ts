import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HistogramBuilder, RowMemory, SPLIT_ROWS, TrainingHelper, addRows, binFinder, findBin, logisticGradients, rowKernel, sampleRows, shared, sketchColumns, sortModuleBytes, wasmKernelBytes, wasmKernels, wasmSort } from "../../src/models/xgboost/histogram.js";
import type { RowSplit, SharedInputs, SplitNode } from "../../src/models/xgboost/histogram.js";
import { SPLIT_FOUND_WORDS, searchSplit } from "../../src/models/xgboost/split.js";
import { createRng } from "../../src/rng.js";

/** Shared inputs of `rows` rows × `cols` features over `bins` global bins, seeded. */
function inputs(rows: number, cols: number, binsTotal: number, seed: number): SharedInputs {
  const rng = createRng(seed, 3);
  const bins = shared(Uint16Array, rows * cols);
  const colBins = shared(Uint16Array, rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++) {
      const b = rng.int(binsTotal);
      bins[r * cols + f] = b;
      colBins[f * rows + r] = b;
    }
  }
  const index = shared(Uint32Array, rows);
  for (let i = 0; i < rows; i++) index[i] = (i * 7919) % rows;
  const grad = shared(Float32Array, rows);
  const hess = shared(Float32Array, rows);
  const margin = shared(Float32Array, rows);
  const labels = shared(Uint8Array, rows);
  for (let i = 0; i < rows; i++) {
    grad[i] = rng.next() * 2 - 1;
    hess[i] = rng.next() * 0.25;
    margin[i] = rng.next() * 8 - 4;
    labels[i] = rng.next() < 0.1 ? 1 : 0;
  }
  const offset = Int32Array.from({ length: cols + 1 }, (_, f) => Math.round((f * binsTotal) / cols));
  return { bins, colBins, index, scratch: shared(Uint32Array, rows), grad, hess, margin, labels, sampled: shared(Uint8Array, rows), scalePosWeight: 3.5, cols, length: binsTotal * 2, offset, treeNodes: 63 };
}

/** The same inputs in fresh shared memory (a builder works on its own copy). */
function copy(d: SharedInputs): SharedInputs {
  const dup = <T extends Uint8Array | Uint16Array | Uint32Array | Float32Array>(a: T): T => {
    const b = new (a.constructor as { new (b: SharedArrayBuffer): T })(new SharedArrayBuffer(a.byteLength));
    b.set(a as never);
    return b;
  };
  return { ...d, bins: dup(d.bins), colBins: dup(d.colBins), index: dup(d.index), scratch: dup(d.scratch), grad: dup(d.grad), hess: dup(d.hess), margin: dup(d.margin), labels: dup(d.labels), sampled: dup(d.sampled) };
}

/** The same inputs with the arrays the histogram kernel reads in a WebAssembly memory (so the builder uses the WebAssembly kernel). */
function inMemory(d: SharedInputs, extraBytes = 0): SharedInputs {
  const rowBytes = (d.bins.length * d.bins.BYTES_PER_ELEMENT) / d.index.length;
  const memory = new RowMemory(HistogramBuilder.memoryBytes(d.index.length, d.cols, rowBytes, d.length, d.treeNodes) + extraBytes);
  const put = <T extends Uint8Array | Uint16Array | Uint32Array | Float32Array>(a: T): T => {
    const b = memory.take(a.constructor as never, a.length) as T;
    b.set(a as never);
    return b;
  };
  return { ...copy(d), bins: put(d.bins), colBins: put(d.colBins), index: put(d.index), scratch: put(d.scratch), grad: put(d.grad), hess: put(d.hess), margin: put(d.margin), labels: put(d.labels), sampled: put(d.sampled), memory };
}

/** The histogram of rows `index[begin, end)`, one row after another. */
function plainHistogram(d: SharedInputs, begin: number, end: number): Float64Array {
  const expected = new Float64Array(d.length);
  for (let k = begin; k < end; k++) {
    const r = d.index[k]!;
    for (let f = 0; f < d.cols; f++) {
      const b = d.bins[r * d.cols + f]!;
      expected[2 * b] = expected[2 * b]! + d.grad[r]!;
      expected[2 * b + 1] = expected[2 * b + 1]! + d.hess[r]!;
    }
  }
  return expected;
}

describe("HistogramBuilder", () => {
  it("builds with the helper thread exactly what one thread builds (large ranges in two halves)", () => {
    const data = inputs(3 * SPLIT_ROWS, 6, 300, 1);
    const one = new HistogramBuilder(copy(data), 1);
    const two = new HistogramBuilder(copy(data), 2);
    const waiting = new HistogramBuilder(copy(data), 2, false);
    // the WebAssembly kernel, on both threads
    const wasm = new HistogramBuilder(inMemory(data), 2, false);
    try {
      expect(two.threads).toBe(2);
      expect(one.wasm).toBe(false);
      expect(wasm.wasm).toBe(true);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(data.index.length), fc.nat(data.index.length)), { minLength: 1, maxLength: 20 }), (pairs) => {
          const ranges = Int32Array.from(pairs.flatMap(([a, b]) => (a <= b ? [a, b] : [b, a])));
          const h1 = pairs.map(() => new Float64Array(data.length));
          const h2 = pairs.map(() => new Float64Array(data.length).fill(7));
          const h3 = pairs.map(() => new Float64Array(data.length).fill(5));
          const h4 = pairs.map(() => new Float64Array(data.length).fill(3));
          one.buildMany(h1, ranges);
          two.buildMany(h2, ranges);
          waiting.buildMany(h3, ranges);
          wasm.buildMany(h4, ranges);
          expect(h2.map((h) => Array.from(h))).toEqual(h1.map((h) => Array.from(h)));
          expect(h3.map((h) => Array.from(h))).toEqual(h1.map((h) => Array.from(h)));
          expect(h4.map((h) => Array.from(h))).toEqual(h1.map((h) => Array.from(h)));
          // a small range is one plain pass
          pairs.forEach((_, j) => {
            if (ranges[2 * j + 1]! - ranges[2 * j]! < SPLIT_ROWS) expect(Array.from(h1[j]!)).toEqual(Array.from(plainHistogram(data, ranges[2 * j]!, ranges[2 * j + 1]!)));
          });
        }),
        { numRuns: 30 },
      );
      // the helper did the second halves where this thread waited for it
      expect(waiting.helperJobs).toBeGreaterThan(0);
      expect(wasm.helperJobs).toBeGreaterThan(0);
      expect(one.helperJobs).toBe(0);
    } finally {
      two.close();
      waiting.close();
      wasm.close();
    }
  });

  it("builds nodes' histograms and takes them from their parents with the helper thread (which finishes small ones itself) exactly as one thread does", () => {
    const data = inputs(3 * SPLIT_ROWS, 6, 300, 5);
    const one = new HistogramBuilder(copy(data), 1);
    const two = new HistogramBuilder(copy(data), 2, false);
    // small, small, large (two halves), small
    const ranges = Int32Array.of(0, 100, 200, 5000, 5000, 5000 + SPLIT_ROWS + 10, 100, 150);
    const nodes = (b: HistogramBuilder): { hists: Float64Array[]; parents: Float64Array[] } => {
      const rng = createRng(9, 1);
      const hists = [0, 1, 2, 3].map(() => b.histogram().fill(7));
      const parents = [0, 1, 2, 3].map(() => b.histogram().map(() => rng.next() * 10 - 5));
      return { hists, parents };
    };
    try {
      const a = nodes(one);
      const b = nodes(two);
      one.buildMany(a.hists, ranges, a.parents);
      two.buildMany(b.hists, ranges, b.parents);
      expect(b.hists.map((h) => Array.from(h))).toEqual(a.hists.map((h) => Array.from(h)));
      expect(b.parents.map((h) => Array.from(h))).toEqual(a.parents.map((h) => Array.from(h)));
      expect(Array.from(a.hists[0]!)).toEqual(Array.from(plainHistogram(data, 0, 100)));
      expect(two.helperJobs).toBe(4);
    } finally {
      two.close();
    }
  });

  it.each([
    ["every row", 1, true],
    ["a sample", 0.7, false],
  ])("computes a round's root (gradients, %s, histogram) with the helper thread exactly as on one thread", (_name, subsample, all) => {
    const rows = 2 * SPLIT_ROWS + 3;
    const data = inputs(rows, 4, 50, 4);
    const one = copy(data);
    // the helper's part with the WebAssembly kernel, this thread's with the JavaScript one
    const two = inMemory(data);
    const b1 = new HistogramBuilder(one, 1);
    const b2 = new HistogramBuilder(two, 2, false);
    try {
      const sampling = { key: 12345, threshold: Math.floor(subsample * 2 ** 32), all };
      const h1 = new Float64Array(data.length);
      const h2 = new Float64Array(data.length).fill(3);
      const r1 = b1.root(sampling, h1);
      const r2 = b2.root(sampling, h2);
      const n1 = r1.rows;
      const n2 = r2.rows;
      expect(b2.wasm).toBe(true);
      expect(r2).toEqual(r1);
      // the sums: the rows' gradients and hessians added one after another, in row order
      let g = 0;
      let h = 0;
      for (const row of one.index.subarray(0, n1)) {
        g += one.grad[row]!;
        h += one.hess[row]!;
      }
      expect([r1.g, r1.h]).toEqual([g, h]);
      expect(b2.helperJobs).toBe(1);
      expect(Array.from(two.index.subarray(0, n2))).toEqual(Array.from(one.index.subarray(0, n1)));
      expect(Array.from(two.grad)).toEqual(Array.from(one.grad));
      expect(Array.from(two.hess)).toEqual(Array.from(one.hess));
      expect(Array.from(two.sampled)).toEqual(Array.from(one.sampled));
      expect(Array.from(h2)).toEqual(Array.from(h1));
      // the gradients are the logistic loss's, positive rows weighted
      const grad = new Float32Array(rows);
      const hess = new Float32Array(rows);
      // the sampled rows' (no other row's gradient is read)
      logisticGradients(data.margin, data.labels, grad, hess, 3.5, Uint32Array.from({ length: rows }, (_, r) => r), 0, rows);
      for (const row of one.index.subarray(0, n1)) expect([one.grad[row], one.hess[row]]).toEqual([grad[row], hess[row]]);
      const r = Array.from(one.index.subarray(0, n1)).find((row) => data.labels[row] === 1)!;
      const p = 1 / (1 + Math.exp(-data.margin[r]!));
      expect(one.grad[r]).toBe(Math.fround((p - 1) * 3.5));
      // the rows sampled, in order; every row when all
      const taken = Array.from(one.index.subarray(0, n1));
      expect(taken).toEqual([...taken].sort((a, b) => a - b));
      if (all) expect(n1).toBe(rows);
      else expect(Math.abs(n1 / rows - subsample)).toBeLessThan(0.03);
      expect(taken.every((row) => one.sampled[row] === 1)).toBe(true);
      expect(one.sampled.reduce((s, v) => s + v, 0)).toBe(n1);
    } finally {
      b2.close();
    }
  });

  it("samples each row by its hash alone: any split of the rows takes the same rows", () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 500 }), (key, share, cut) => {
        const rows = 500;
        const threshold = Math.floor(share * 2 ** 32);
        const whole = new Uint32Array(rows);
        const parts = new Uint32Array(rows);
        const s1 = new Uint8Array(rows);
        const s2 = new Uint8Array(rows);
        const n = sampleRows(s1, whole, key, threshold, false, 0, rows, 0);
        const a = sampleRows(s2, parts, key, threshold, false, 0, cut, 0);
        const b = sampleRows(s2, parts, key, threshold, false, cut, rows, a);
        expect(a + b).toBe(n);
        expect(Array.from(parts.subarray(0, n))).toEqual(Array.from(whole.subarray(0, n)));
        expect(Array.from(s2)).toEqual(Array.from(s1));
      }),
      { numRuns: 100 },
    );
  });

  it("builds with the unrolled kernel of each width exactly what the generic loop builds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 600 }), fc.integer(), (cols, rows, binsTotal, seed) => {
        const data = inputs(rows, cols, binsTotal, seed);
        const kernel = rowKernel(cols);
        expect(kernel).not.toBe(addRows);
        const a = new Float64Array(data.length);
        const b = new Float64Array(data.length);
        addRows(a, data.bins as Uint16Array, cols, data.index, 0, rows, data.grad, data.hess);
        kernel(b, data.bins, cols, data.index, 0, rows, data.grad, data.hess);
        expect(Array.from(b)).toEqual(Array.from(a));
        expect(Array.from(a)).toEqual(Array.from(plainHistogram(data, 0, rows)));
      }),
      { numRuns: 60 },
    );
    // rows too wide to unroll keep the generic loop
    expect(rowKernel(1000)).toBe(addRows);
  });

  it.each([
    ["16-bit global bins", false],
    ["byte bins counted from each feature's first", true],
  ])("builds with the WebAssembly kernel (%s) exactly what the generic loop builds", (_name, byteBins) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 7 }), fc.integer(), (cols, rows, pad, seed) => {
        const rng = createRng(seed, 5);
        // each feature 1–256 bins (bytes) or 1–1000 (global)
        const widths = Array.from({ length: cols }, () => 1 + rng.int(byteBins ? 256 : 1000));
        const offset = Int32Array.from({ length: cols + 1 }, () => 0);
        widths.forEach((w, f) => (offset[f + 1] = offset[f]! + w));
        const total = offset[cols]!;
        const stride = cols + pad;
        const memory = new RowMemory(RowMemory.bytes(rows * stride * (byteBins ? 1 : 2), 4 * rows, 4 * rows, 4 * rows, 16 * total));
        const bins = byteBins ? memory.take(Uint8Array, rows * stride) : memory.take(Uint16Array, rows * stride);
        const global = new Uint16Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          for (let f = 0; f < cols; f++) {
            const local = rng.next() < 0.3 ? 0 : rng.int(widths[f]!);
            global[r * cols + f] = offset[f]! + local;
            bins[r * stride + f] = byteBins ? local : offset[f]! + local;
          }
        }
        const index = memory.take(Uint32Array, rows);
        for (let k = 0; k < rows; k++) index[k] = rng.int(rows);
        const grad = memory.take(Float32Array, rows);
        const hess = memory.take(Float32Array, rows);
        for (let r = 0; r < rows; r++) {
          grad[r] = rng.next() * 2 - 1;
          hess[r] = rng.next() * 0.25;
        }
        const hist = memory.take(Float64Array, 2 * total);
        const begin = rng.int(rows + 1);
        const end = begin + rng.int(rows - begin + 1);
        const kernel = wasmKernels(wasmKernelBytes({ cols, stride, offset: byteBins ? offset : null }), memory.memory!).rows;
        kernel(hist, bins, cols, index, begin, end, grad, hess);
        const expected = new Float64Array(2 * total);
        addRows(expected, global, cols, index, begin, end, grad, hess);
        expect(Array.from(hist)).toEqual(Array.from(expected));
      }),
      { numRuns: 60 },
    );
  });

  it("computes the exponential in WebAssembly exactly as Math.exp does (fdlibm's exp), for every kind of float32 argument", () => {
    const memory = new RowMemory(64);
    const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(wasmKernelBytes({ cols: 1, stride: 1, offset: null })), { m: { memory: memory.memory } });
    const exp = instance.exports["exp"] as (x: number) => number;
    const edges = [0, -0, 1, -1, 2, -2, NaN, Infinity, -Infinity, 1e-9, -1e-9, 2 ** -28, -(2 ** -28), 2 ** -29, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2, -1.5 * Math.LN2, 88.7, -103.9, 709.78, 709.79, -708.39, -708.4, -745.13, -745.14, 1000, -1000, 3.4e38, -3.4e38];
    for (const x of edges) expect(Object.is(exp(x), Math.exp(x)), `exp(${x})`).toBe(true);
    fc.assert(
      fc.property(fc.float({ noDefaultInfinity: false }), (x) => {
        expect(Object.is(exp(x), Math.exp(x)), `exp(${x})`).toBe(true);
        expect(Object.is(exp(-x), Math.exp(-x)), `exp(${-x})`).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    // a dense sweep of the margins training meets: every float32 in [-40, 40] 4099 ulps apart
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    for (const sign of [0, 0x80000000]) {
      for (let b = 0; b <= 0x42200000; b += 4099) {
        bits[0] = (b | sign) >>> 0;
        if (Object.is(exp(f[0]!), Math.exp(f[0]!))) continue;
        expect(exp(f[0]!), `exp(${f[0]})`).toBe(Math.exp(f[0]!));
      }
    }
  });

  it("computes gradients and samples in WebAssembly exactly as the JavaScript kernels do", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.double({ min: 0.01, max: 100, noNaN: true }), (rows, seed, share, all, spw) => {
        const rng = createRng(seed, 7);
        const memory = new RowMemory(RowMemory.bytes(4 * rows, rows, 4 * rows, 4 * rows, rows, 4 * rows));
        const margin = memory.take(Float32Array, rows);
        const labels = memory.take(Uint8Array, rows);
        const grad = memory.take(Float32Array, rows);
        const hess = memory.take(Float32Array, rows);
        const sampled = memory.take(Uint8Array, rows);
        const list = memory.take(Uint32Array, rows);
        for (let r = 0; r < rows; r++) {
          margin[r] = rng.next() < 0.05 ? [0, -0, 40, -40, 1, -1][rng.int(6)]! : (rng.next() * 2 - 1) * 10 ** (rng.next() * 4 - 2);
          labels[r] = rng.next() < 0.3 ? 1 : 0;
        }
        const k = wasmKernels(wasmKernelBytes({ cols: 1, stride: 1, offset: null }), memory.memory!);
        const begin = rng.int(rows + 1);
        const end = begin + rng.int(rows - begin + 1);
        const g2 = new Float32Array(rows);
        const h2 = new Float32Array(rows);
        // every row, then every third row
        list.forEach((_, i) => (list[i] = i));
        k.gradients(margin, labels, grad, hess, spw, list, begin, end);
        logisticGradients(margin, labels, g2, h2, spw, list, begin, end);
        expect(Array.from(grad)).toEqual(Array.from(g2));
        expect(Array.from(hess)).toEqual(Array.from(h2));
        list.forEach((_, i) => (list[i] = (3 * i) % rows));
        k.gradients(margin, labels, grad, hess, spw, list, begin, end);
        logisticGradients(margin, labels, g2, h2, spw, list, begin, end);
        expect(Array.from(grad)).toEqual(Array.from(g2));
        expect(Array.from(hess)).toEqual(Array.from(h2));
        const key = rng.int(2 ** 32);
        const threshold = Math.floor(share * 2 ** 32);
        const s2 = new Uint8Array(rows);
        const l2 = new Uint32Array(rows);
        const n = k.sample(sampled, list, key, threshold, all, begin, end, begin);
        expect(n).toBe(sampleRows(s2, l2, key, threshold, all, begin, end, begin));
        expect(Array.from(list.subarray(begin, begin + n))).toEqual(Array.from(l2.subarray(begin, begin + n)));
        expect(Array.from(sampled)).toEqual(Array.from(s2));
      }),
      { numRuns: 200 },
    );
  });

  it("partitions nodes with the helper thread exactly as one stable pass does", () => {
    const rows = 3 * SPLIT_ROWS;
    const cols = 4;
    const data = inputs(rows, cols, 20, 9);
    const one = new HistogramBuilder(copy(data), 1);
    const two = new HistogramBuilder(copy(data), 2, false);
    // the WebAssembly partition (no branch), on both threads
    const wasm = new HistogramBuilder(inMemory(data), 2, false);
    try {
      expect(wasm.wasm).toBe(true);
      fc.assert(
        fc.property(
          fc.array(fc.record({ cut: fc.integer({ min: 0, max: rows }), feature: fc.integer({ min: 0, max: cols - 1 }), splitBin: fc.integer({ min: -1, max: 19 }), missingBin: fc.integer({ min: 0, max: 19 }), defaultLeft: fc.boolean() }), { minLength: 1, maxLength: 20 }),
          (specs) => {
            // disjoint nodes: the cuts sorted give consecutive ranges
            const cuts = [...new Set([0, rows, ...specs.map((s) => s.cut)])].sort((a, b) => a - b);
            const splits: RowSplit[] = cuts.slice(1).map((end, j) => ({ ...specs[j % specs.length]!, begin: cuts[j]!, end }));
            const before = Array.from(one.inputs.index);
            const expected = before.slice();
            const lefts = splits.map((s) => {
              const rowsOf = before.slice(s.begin, s.end);
              const goesLeft = (r: number): boolean => {
                const b = data.colBins[s.feature * rows + r]!;
                return b === s.missingBin ? s.defaultLeft : b <= s.splitBin;
              };
              const left = rowsOf.filter(goesLeft);
              expected.splice(s.begin, rowsOf.length, ...left, ...rowsOf.filter((r) => !goesLeft(r)));
              return left.length;
            });
            expect(Array.from(one.partitionMany(splits))).toEqual(lefts);
            expect(Array.from(one.inputs.index)).toEqual(expected);
            expect(Array.from(two.partitionMany(splits))).toEqual(lefts);
            expect(Array.from(two.inputs.index)).toEqual(expected);
            expect(Array.from(wasm.partitionMany(splits))).toEqual(lefts);
            expect(Array.from(wasm.inputs.index)).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
      expect(two.helperJobs).toBeGreaterThan(0);
      expect(wasm.helperJobs).toBeGreaterThan(0);
    } finally {
      two.close();
      wasm.close();
    }
  });

  it("adds a tree to the margins (rows not sampled by a walk, sampled ones by their leaves' ranges) with the helper thread exactly as on one thread", () => {
    const rows = 2 * SPLIT_ROWS + 5;
    const cols = 3;
    const data = inputs(rows, cols, 30, 6);
    data.sampled.forEach((_, r) => (data.sampled[r] = r % 3 === 0 ? 1 : 0));
    // the sampled rows first in the index, in a shuffled order; the leaves' ranges cut them in three
    const sampledRows = Array.from({ length: rows }, (_, r) => r).filter((r) => r % 3 === 0);
    const n = sampledRows.length;
    const order = sampledRows.map((_, k) => sampledRows[(k * 7) % n]!);
    data.index.set([...order, ...Array.from({ length: rows }, (_, r) => r).filter((r) => r % 3 !== 0)]);
    const cuts = [Math.floor(n / 5), Math.floor((3 * n) / 4)];
    // root on feature 1 (local bin ≤ 4 left, missing right), its left child on feature 2 (≤ 2 left, missing left)
    const tree = {
      left: Int32Array.of(1, 3, -1, -1, -1),
      right: Int32Array.of(2, 4, -1, -1, -1),
      splitIndex: Uint32Array.of(1, 2, 0, 0, 0),
      defaultLeft: Uint8Array.of(0, 1, 0, 0, 0),
      splitBin: Int32Array.of(4, 2, 0, 0, 0),
      value: Float32Array.of(0, 0, 0.5, -0.25, 0.125),
      // the root's rows; its left child's (leaves 3 and 4) after leaf 2's
      rows: Int32Array.of(0, n, cuts[0]!, n, 0, cuts[0]!, cuts[0]!, cuts[1]!, cuts[1]!, n),
    };
    const one = copy(data);
    const two = copy(data);
    // the WebAssembly walk, on both threads
    const three = inMemory(data);
    const b2 = new HistogramBuilder(two, 2, false);
    const b3 = new HistogramBuilder(three, 2, false);
    try {
      new HistogramBuilder(one, 1).addTree(tree, n);
      b2.addTree(tree, n);
      b3.addTree(tree, n);
      // both halves done by the helper, as this thread waited for it
      expect(b2.helperJobs).toBe(2);
      expect(b3.wasm).toBe(true);
      expect(b3.helperJobs).toBe(2);
      expect(Array.from(two.margin)).toEqual(Array.from(one.margin));
      expect(Array.from(three.margin)).toEqual(Array.from(one.margin));
      for (let r = 0; r < rows; r++) {
        let expected = data.margin[r]!;
        if (data.sampled[r] === 1) {
          const k = order.indexOf(r);
          const leaf = k < cuts[0]! ? 2 : k < cuts[1]! ? 3 : 4;
          expected = Math.fround(expected + tree.value[leaf]!);
        } else {
          const bin = (f: number): number => data.colBins[f * rows + r]! - data.offset[f]!;
          const missing = (f: number): boolean => data.colBins[f * rows + r] === data.offset[f + 1]! - 1;
          const leaf = missing(1) || bin(1) > 4 ? 2 : missing(2) || bin(2) <= 2 ? 3 : 4;
          expected = Math.fround(expected + tree.value[leaf]!);
        }
        expect(one.margin[r]).toBe(expected);
      }
    } finally {
      b2.close();
      b3.close();
    }
  });

  it("finds each node's split with the helper thread exactly as one search over all its features does", () => {
    const cols = 7;
    const data = inputs(4, cols, 140, 2);
    const one = new HistogramBuilder(copy(data), 1);
    const two = new HistogramBuilder(copy(data), 2, false);
    const rng = createRng(11, 4);
    /** A node's histogram: a few rows' worth of sums in some bins, the rest empty; missing values or not. */
    const node = (builder: HistogramBuilder, seed: number): SplitNode => {
      const r = createRng(seed, 5);
      const hist = builder.histogram();
      let g = 0;
      let h = 0;
      for (let b = 0; b < data.length / 2; b++) {
        if (r.next() < 0.3) continue;
        const missing = data.offset.includes(b + 1);
        if (missing && r.next() < 0.5) continue;
        hist[2 * b] = r.next() * 4 - 2;
        hist[2 * b + 1] = r.next() * 3;
      }
      // the node's sums: what the bins of one feature add up to
      for (let b = 0; b < data.offset[1]!; b++) {
        g += hist[2 * b]!;
        h += hist[2 * b + 1]!;
      }
      const features = Int32Array.from({ length: cols }, (_, f) => f).filter(() => r.next() < 0.8);
      return { hist, features, g, h };
    };
    try {
      for (const params of [
        { minChildWeight: 1, lambda: 1, alpha: 0, maxDeltaStep: 0 },
        { minChildWeight: 0.5, lambda: 2, alpha: 0.3, maxDeltaStep: 0 },
        { minChildWeight: 0, lambda: 0.5, alpha: 0, maxDeltaStep: 0.7 },
        { minChildWeight: 2, lambda: 1, alpha: 0.2, maxDeltaStep: 1.5 },
      ]) {
        // more nodes than a job takes (16), as a deep level has
        const seeds = Array.from({ length: 21 }, () => rng.int(1e9));
        const nodes1 = seeds.map((seed) => node(one, seed));
        const nodes2 = seeds.map((seed) => node(two, seed));
        const expected = nodes1.map((n) => {
          const out = new Float64Array(SPLIT_FOUND_WORDS);
          searchSplit(n.hist, data.offset, n.features, 0, n.features.length, n.g, n.h, params.minChildWeight, params.lambda, params.alpha, params.maxDeltaStep, out, 0);
          return { gain: out[0], feature: out[1], bin: out[2], defaultLeft: out[3] === 1, gl: out[4], hl: out[5] };
        });
        expect(expected.some((s) => s.feature! >= 0 && s.defaultLeft)).toBe(true);
        expect(one.splits(nodes1, params)).toEqual(expected);
        expect(two.splits(nodes2, params)).toEqual(expected);
      }
      expect(two.helperJobs).toBeGreaterThan(0);
    } finally {
      two.close();
    }
  });

  it("finds the same split whatever the features are cut into two searches", () => {
    const offset = Int32Array.of(0, 5, 12, 14, 30, 31, 40);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true })), { minLength: 40, maxLength: 40 }), fc.nat(6), fc.constantFrom(0, 0.4), fc.constantFrom(0, 0.8), (sums, cut, alpha, mds) => {
        const hist = Float64Array.from(sums.flat());
        const features = Int32Array.of(0, 1, 2, 3, 4, 5);
        let g = 0;
        let h = 0;
        for (let b = 0; b < 5; b++) {
          g += hist[2 * b]!;
          h += hist[2 * b + 1]!;
        }
        const whole = new Float64Array(SPLIT_FOUND_WORDS);
        const parts = new Float64Array(2 * SPLIT_FOUND_WORDS);
        searchSplit(hist, offset, features, 0, 6, g, h, 0.1, 1, alpha, mds, whole, 0);
        searchSplit(hist, offset, features, 0, cut, g, h, 0.1, 1, alpha, mds, parts, 0);
        searchSplit(hist, offset, features, cut, 6, g, h, 0.1, 1, alpha, mds, parts, SPLIT_FOUND_WORDS);
        const best = parts[SPLIT_FOUND_WORDS]! > parts[0]! ? parts.subarray(SPLIT_FOUND_WORDS) : parts.subarray(0, SPLIT_FOUND_WORDS);
        expect(Array.from(best)).toEqual(Array.from(whole));
      }),
      { numRuns: 300 },
    );
  });

  it("sketches each feature with the helper thread exactly as one pass over the rows does (extremes, missing values, −0 and +0)", () => {
    const rows = 2 * SPLIT_ROWS + 11;
    const cols = 5;
    const every = 3;
    const rng = createRng(21, 6);
    const x = shared(Float32Array, rows * cols);
    const second = rows >>> 1;
    for (let r = 0; r < rows; r++) {
      // feature 0: +0 in the first half, −0 in the second (a minimum of zero, first seen +0); feature 1 the other way
      x[r * cols] = r % 7 === 0 ? (r < second ? 0 : -0) : 1 + rng.int(50);
      x[r * cols + 1] = r % 5 === 0 ? (r < second ? -0 : 0) : 1 + rng.int(50);
      // feature 2: missing values in the second half only; 3: every value missing; 4: any float32
      x[r * cols + 2] = r >= second && rng.next() < 0.1 ? NaN : Math.fround(rng.next() * 4 - 2);
      x[r * cols + 3] = NaN;
      x[r * cols + 4] = Math.fround((rng.next() - 0.5) * 1e6);
    }
    // one pass in row order: the extremes as first met, the sampled rows' present values, sorted
    const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));
    const expected = Array.from({ length: cols }, (_, f) => {
      let lo = Infinity;
      let hi = -Infinity;
      let missing = false;
      const values: number[] = [];
      for (let r = 0; r < rows; r++) {
        const v = x[r * cols + f]!;
        if (Number.isNaN(v)) missing = true;
        else {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          if (r % every === 0) values.push(v);
        }
      }
      if (values.length > 0) values.push(lo, hi);
      return { values: bits(Float32Array.from(values).sort()), missing };
    });
    const one = sketchColumns(new TrainingHelper(1), x, rows, cols, every);
    // the JavaScript sort
    const plain = sketchColumns(new TrainingHelper(1), x, rows, cols, every, false);
    const helper = new TrainingHelper(2, false);
    try {
      const two = sketchColumns(helper, x, rows, cols, every);
      expect(one.map((c) => ({ values: bits(c.values), missing: c.missing }))).toEqual(expected);
      expect(plain.map((c) => ({ values: bits(c.values), missing: c.missing }))).toEqual(expected);
      expect(two.map((c) => ({ values: bits(c.values), missing: c.missing }))).toEqual(expected);
      expect(helper.done).toBeGreaterThan(2);
    } finally {
      helper.close();
    }
  });

  it("sorts float32 values in WebAssembly as Float32Array.prototype.sort does (−0 before +0, infinities, subnormals)", () => {
    const memory = new RowMemory(RowMemory.bytes(4 * 5000, 8 * 5000, 12 * 2048));
    const values = memory.take(Float32Array, 5000);
    const sort = wasmSort(sortModuleBytes(), memory.memory!, memory.take(Uint32Array, 2 * 5000), memory.take(Int32Array, 3 * 2048));
    const special = [0, -0, Infinity, -Infinity, 1.4e-45, -1.4e-45, 3.4e38, -3.4e38, 1, -1];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.float({ noNaN: true }), fc.constantFrom(...special)), { minLength: 0, maxLength: 5000 }), (xs) => {
        const column = values.subarray(0, xs.length);
        column.set(xs);
        const expected = Float32Array.from(xs).sort();
        sort(column);
        expect(Array.from(new Uint32Array(Float32Array.from(column).buffer))).toEqual(Array.from(new Uint32Array(expected.buffer)));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ["16-bit global bins", false],
    ["byte bins", true],
  ])("fills the bins (%s) with the helper thread exactly as on one thread", (_name, byteBins) => {
    const rows = 2 * SPLIT_ROWS + 7;
    const cols = 3;
    const rng = createRng(8, 2);
    const x = shared(Float32Array, rows * cols);
    for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.05 ? NaN : Math.fround(rng.next() * 10 - 5);
    const cuts = [0, 1, 2].map((f) => Float32Array.from({ length: 20 + 10 * f }, (_, j) => -5 + (10 * (j + 1)) / (20 + 10 * f)));
    const offset = Int32Array.from([0, 21, 52, 93]);
    const binning = { x, cuts, finders: cuts.map((c) => binFinder(c)), lasts: Int32Array.from(cuts, (c) => c.length - 1) };
    const stride = byteBins ? 4 : cols;
    const make = () => {
      const d = inputs(rows, cols, 93, 1);
      return { ...d, bins: byteBins ? shared(Uint8Array, rows * stride) : shared(Uint16Array, rows * cols), colBins: shared(Uint16Array, rows * cols), offset, stride, byteBins, binning };
    };
    const one = make();
    const two = make();
    const b2 = new HistogramBuilder(two, 2, false);
    // the WebAssembly binning, on both threads: the values, bins and the other arrays in the memory
    const d3 = inMemory(make(), RowMemory.bytes(2 * rows * cols));
    const memory = d3.memory!;
    const x3 = memory.take(Float32Array, x.length);
    x3.set(x);
    const three = { ...d3, bins: byteBins ? memory.take(Uint8Array, rows * stride) : memory.take(Uint16Array, rows * cols), binning: { ...binning, x: x3 } };
    const b3 = new HistogramBuilder(three, 2, false);
    try {
      new HistogramBuilder(one, 1).bin();
      b2.bin();
      b3.bin();
      expect(b2.helperJobs).toBe(2);
      expect(b3.wasm).toBe(true);
      expect(b3.helperJobs).toBe(2);
      expect(Array.from(two.bins)).toEqual(Array.from(one.bins));
      expect(Array.from(two.colBins)).toEqual(Array.from(one.colBins));
      expect(Array.from(three.bins)).toEqual(Array.from(one.bins));
      expect(Array.from(three.colBins)).toEqual(Array.from(one.colBins));
      for (let r = 0; r < rows; r++) {
        for (let f = 0; f < cols; f++) {
          const v = x[r * cols + f]!;
          const global = Number.isNaN(v) ? offset[f + 1]! - 1 : offset[f]! + Math.min(cuts[f]!.length - 1, findBin(cuts[f]!, binning.finders[f]!, v));
          expect(one.colBins[f * rows + r]).toBe(global);
          expect(one.bins[r * stride + f]).toBe(byteBins ? global - offset[f]! : global);
        }
      }
    } finally {
      b2.close();
      b3.close();
    }
  });
});
