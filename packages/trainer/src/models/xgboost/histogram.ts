// Histogram building, the trainer's dominant cost, on the calling thread and one helper thread.
//
// A node of at least SPLIT_ROWS rows always has its histogram built as two halves of its row list
// summed in a fixed order (first half + second half), whatever the number of threads; smaller
// nodes are built in one pass. With a helper thread the second half is built there at the same
// time, over the same shared memory (binned matrix, row index, gradients), so the model is the
// same bit for bit with one thread or two.
//
// The helper is a worker thread started from this module's own kernel (`addRows` below, passed as
// source text), driven through a SharedArrayBuffer with Atomics: the calling thread stays
// synchronous and never waits on its event loop. If the helper has not started within
// HELPER_WAIT_MS (or stops answering) the calling thread builds both halves itself (same result)
// and stops it.
import { Worker } from "node:worker_threads";

/** Nodes from this many rows up are built as two halves summed in order. */
export const SPLIT_ROWS = 8192;
/**
 * How long the calling thread waits for the helper to start, or to finish a job, before doing the
 * work itself (same result) and stopping the helper.
 */
const HELPER_WAIT_MS = 60_000;

/**
 * Adds the rows `index[begin, end)` to a zeroed histogram: for each row, its gradient and hessian
 * into the slots `2b`, `2b + 1` of each of its `cols` global bins. Self-contained: the helper
 * thread runs this function's source text.
 * @internal
 */
export function addRows(hist: Float64Array, bins: Uint16Array, cols: number, index: Uint32Array, begin: number, end: number, grad: Float32Array, hess: Float32Array): void {
  for (let k = begin; k < end; k++) {
    const r = index[k]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const o = r * cols;
    for (let f = 0; f < cols; f++) {
      const b = bins[o + f]! << 1;
      hist[b] = hist[b]! + g;
      hist[b + 1] = hist[b + 1]! + h;
    }
  }
}

/** A histogram kernel with {@link addRows}' signature and results. @internal */
export type RowKernel = (hist: Float64Array, bins: Uint8Array | Uint16Array, cols: number, index: Uint32Array, begin: number, end: number, grad: Float32Array, hess: Float32Array) => void;

/**
 * How the rows' bins are stored. `offset` null: `cols` global bins per row, `stride` apart
 * (Uint16). `offset` set: each feature's bin counted from its first global bin (`offset[f]`), in
 * bytes (Uint8), rows `stride` apart — half the memory, and rows padded so that none straddles a
 * cache line.
 * @internal
 */
export interface RowLayout {
  cols: number;
  stride: number;
  offset: Int32Array | null;
}

/** Widest rows that get an unrolled kernel; wider ones use {@link addRows}. */
const UNROLL_MAX_COLS = 256;

/**
 * Source text of a function expression doing what {@link addRows} does for rows of the given
 * layout, with the feature loop unrolled: every bin updated in the same order with the same
 * additions, so the histogram is the same bit for bit, at about twice the speed (no loop counter,
 * bounds or index arithmetic per feature). The helper thread compiles the same text.
 * @internal
 */
export function rowKernelSource(layout: RowLayout): string {
  const { cols, stride, offset } = layout;
  let body = "";
  for (let f = 0; f < cols; f++) {
    const bin = offset === null ? `bins[o + ${f}]` : `(bins[o + ${f}] + ${offset[f]!})`;
    body += `    b = ${bin} << 1; hist[b] += g; hist[b + 1] += h;\n`;
  }
  return `(function addRows${cols}(hist, bins, cols, index, begin, end, grad, hess) {
  for (let k = begin; k < end; k++) {
    const r = index[k], g = grad[r], h = hess[r], o = r * ${stride};
    let b;
${body}  }
})`;
}

let generation: boolean | null = null;

/** Whether this process may compile generated code (not under --disallow-code-generation-from-strings). @internal */
export function codeGeneration(): boolean {
  if (generation === null) {
    try {
      generation = (0, eval)("true") === true;
    } catch {
      generation = false;
    }
  }
  return generation;
}

const kernels = new Map<string, RowKernel>();

/**
 * The fastest kernel for rows of a layout: the unrolled one of {@link rowKernelSource}, or
 * {@link addRows} for global bins where rows are wider or code generation is not allowed.
 * @throws Error for a byte layout without code generation (callers choose that layout only with it)
 * @internal
 */
export function rowKernel(layout: RowLayout | number): RowKernel {
  const l: RowLayout = typeof layout === "number" ? { cols: layout, stride: layout, offset: null } : layout;
  const key = `${l.cols}/${l.stride}/${l.offset === null ? "" : l.offset.join(",")}`;
  let k = kernels.get(key);
  if (k === undefined) {
    const unrolled = Number.isSafeInteger(l.cols) && l.cols >= 1 && l.cols <= UNROLL_MAX_COLS && codeGeneration();
    if (unrolled) k = (0, eval)(rowKernelSource(l)) as RowKernel;
    else if (l.offset === null && l.stride === l.cols) k = addRows as RowKernel;
    else throw new Error("a byte-packed bin layout needs code generation");
    kernels.set(key, k);
  }
  return k;
}

/**
 * The logistic loss's gradient and hessian of rows `[begin, end)` from their margins, positive
 * rows weighted by `scalePosWeight`. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function logisticGradients(margin: Float32Array, labels: Uint8Array, grad: Float32Array, hess: Float32Array, scalePosWeight: number, begin: number, end: number): void {
  for (let r = begin; r < end; r++) {
    const p = 1 / (1 + Math.exp(-margin[r]!));
    const w = labels[r] ? scalePosWeight : 1;
    grad[r] = (p - labels[r]!) * w;
    hess[r] = Math.max(p * (1 - p), 1e-16) * w;
  }
}

/**
 * Row sampling of one round for rows `[begin, end)`: a row is taken when a 32-bit hash of it and
 * the round's `key` falls below `threshold` (subsample × 2³²), or always when `all`. Marks
 * `sampled[r]` and writes the rows taken, in order, to `list` from `at`; returns how many. The
 * choice of a row depends on nothing but the row and the key, so any split of the rows between
 * threads samples the same rows. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function sampleRows(sampled: Uint8Array, list: Uint32Array, key: number, threshold: number, all: boolean, begin: number, end: number, at: number): number {
  let n = at;
  for (let r = begin; r < end; r++) {
    let take = all;
    if (!all) {
      // murmur3's 32-bit finaliser of the row mixed with the key
      let x = Math.imul(r ^ key, 0x9e3779b1);
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x ^= x >>> 16;
      take = x >>> 0 < threshold;
    }
    sampled[r] = take ? 1 : 0;
    if (take) list[n++] = r;
  }
  return n - at;
}

/**
 * Stable partition of `index[begin, end)` on one split: the rows going left stay in `index` from
 * `begin`, in order; the rows going right go to `scratch` from `begin`, in order. A row goes left
 * when its bin of feature `f` (column-major `colBins`, `rows` per feature) is at most `splitBin`,
 * or is `missingBin` and `defaultLeft`. Returns the rows going left. Self-contained: the helper
 * thread runs its source text.
 * @internal
 */
export function partitionRows(index: Uint32Array, scratch: Uint32Array, colBins: Uint16Array, rows: number, f: number, splitBin: number, missingBin: number, defaultLeft: boolean, begin: number, end: number): number {
  const base = f * rows;
  let l = begin;
  let r = begin;
  for (let k = begin; k < end; k++) {
    const row = index[k]!;
    const b = colBins[base + row]!;
    if (b === missingBin ? defaultLeft : b <= splitBin) index[l++] = row;
    else scratch[r++] = row;
  }
  return l - begin;
}

/** A node's split, for {@link HistogramBuilder.partitionMany}. @internal */
export interface RowSplit {
  begin: number;
  end: number;
  feature: number;
  /** Last global bin going left. */
  splitBin: number;
  missingBin: number;
  defaultLeft: boolean;
}

// control words
const JOB = 0; // sequence number of the latest job (or STOP)
const DONE = 1; // sequence number of the latest job finished
const COUNT = 2; // histograms in the job
const READY = 3;
const KIND = 4; // 0: histograms, 1: gradients and sampling of the rows RANGES[0..1), 2: partitions
const RANGES = 5; // then (begin, end) of each histogram; (begin, end, key, threshold, all) of a sampling; 6 words a partition
/** Words per partition in the control block. */
const SPLIT_WORDS = 6;
/** Histograms, or partitions, the helper handles per hand-over. */
const BATCH = 16;
/** Where the helper writes its results (a count per partition, or the rows it sampled). */
const RESULTS = RANGES + SPLIT_WORDS * BATCH;
const STOP = -1;
/** Milliseconds a waiting thread spins before it sleeps (a woken thread may wait long for a core on a busy machine). */
const SPIN_MS = 2;

const HELPER_SOURCE = (kernel: string): string => `
const { workerData } = require("node:worker_threads");
const addRows = ${kernel};
const logisticGradients = ${logisticGradients.toString()};
const sampleRows = ${sampleRows.toString()};
const partitionRows = ${partitionRows.toString()};
const { control, bins, byteBins, index, grad, hess, hist, cols, margin, labels, scalePosWeight, colBins, scratch, sampled, rows } = workerData;
const m = margin ? new Float32Array(margin) : null, y = labels ? new Uint8Array(labels) : null;
const cb = colBins ? new Uint16Array(colBins) : null, sc = scratch ? new Uint32Array(scratch) : null, sm = sampled ? new Uint8Array(sampled) : null;
const ctl = new Int32Array(control);
const b = byteBins ? new Uint8Array(bins) : new Uint16Array(bins), ix = new Uint32Array(index), g = new Float32Array(grad), h = new Float32Array(hess), out = new Float64Array(hist);
Atomics.store(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let seen = 0;
for (;;) {
  // a short spin before sleeping: the next job usually follows within a millisecond or two
  const until = Date.now() + ${SPIN_MS};
  for (let i = 0; Atomics.load(ctl, ${JOB}) === seen; i++) if ((i & 1023) === 0 && Date.now() > until) break;
  Atomics.wait(ctl, ${JOB}, seen);
  const job = Atomics.load(ctl, ${JOB});
  if (job === ${STOP}) break;
  if (job === seen) continue;
  const kind = ctl[${KIND}];
  if (kind === 1) {
    const begin = ctl[${RANGES}], end = ctl[${RANGES} + 1];
    logisticGradients(m, y, g, h, scalePosWeight, begin, end);
    if (sm !== null) ctl[${RESULTS}] = sampleRows(sm, sc, ctl[${RANGES} + 2], ctl[${RANGES} + 3] >>> 0, ctl[${RANGES} + 4] === 1, begin, end, begin);
  }
  if (kind === 2) {
    for (let j = 0, o = ${RANGES}; j < ctl[${COUNT}]; j++, o += ${SPLIT_WORDS}) ctl[${RESULTS} + j] = partitionRows(ix, sc, cb, rows, ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5] === 1, ctl[o], ctl[o + 1]);
  }
  const n = kind === 0 ? ctl[${COUNT}] : 0, len = out.length / ${BATCH};
  for (let j = 0; j < n; j++) {
    const o = out.subarray(j * len, (j + 1) * len);
    o.fill(0);
    addRows(o, b, cols, ix, ctl[${RANGES} + 2 * j], ctl[${RANGES} + 2 * j + 1], g, h);
  }
  seen = job;
  Atomics.store(ctl, ${DONE}, job);
  Atomics.notify(ctl, ${DONE});
}
`;

/** Shared training arrays a helper thread reads. */
export interface SharedInputs {
  /** Each row's bins, in the layout given by `stride` and `offset` ({@link RowLayout}). */
  bins: Uint8Array | Uint16Array;
  /** Elements from one row's bins to the next. @defaultValue cols */
  stride?: number;
  /** Set when `bins` hold each feature's bins from `offset[f]` (Uint8); see {@link RowLayout}. */
  offset?: Int32Array | null;
  index: Uint32Array;
  grad: Float32Array;
  hess: Float32Array;
  cols: number;
  /** Histogram length (2 × bins). */
  length: number;
  /** Margins of the training rows (for {@link HistogramBuilder.gradients}). */
  margin?: Float32Array;
  /** Labels of the training rows (for {@link HistogramBuilder.gradients}). */
  labels?: Uint8Array;
  /** Weight of positive rows (for {@link HistogramBuilder.gradients}). */
  scalePosWeight?: number;
  /** Column-major global bins, `rows` per feature (for {@link HistogramBuilder.partitionMany}). */
  colBins?: Uint16Array;
  /** Room for one row index per row (for sampling and partitions). */
  scratch?: Uint32Array;
  /** One flag per row: taken by this round's sampling (for {@link HistogramBuilder.gradients}). */
  sampled?: Uint8Array;
}

/** A typed array over shared memory, of `length` elements. @internal */
export function shared<T extends Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array>(Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/**
 * Builds node histograms over {@link SharedInputs}, on one thread or two (same result).
 * @internal
 */
export class HistogramBuilder {
  private readonly second: Float64Array;
  /** The row kernel for the inputs' width. */
  private readonly kernel: RowKernel;
  private readonly control: Int32Array | null = null;
  private helper: Worker | null = null;
  private helperOut: Float64Array | null = null;
  private seq = 0;
  private started = false;
  private helped = 0;

  constructor(
    /** The shared arrays. */
    readonly inputs: SharedInputs,
    threads: number,
  ) {
    this.second = new Float64Array(inputs.length);
    const layout: RowLayout = { cols: inputs.cols, stride: inputs.stride ?? inputs.cols, offset: inputs.offset ?? null };
    if ((layout.offset === null) !== inputs.bins instanceof Uint16Array) throw new Error("byte bins go with offsets, 16-bit bins without");
    this.kernel = rowKernel(layout);
    if (threads > 1) {
      const control = new SharedArrayBuffer((RESULTS + BATCH) * 4);
      const hist = new SharedArrayBuffer(BATCH * inputs.length * 8);
      const buffer = (a: ArrayBufferView): ArrayBufferLike => a.buffer;
      this.control = new Int32Array(control);
      this.helperOut = new Float64Array(hist);
      this.helper = new Worker(HELPER_SOURCE(this.kernel === addRows ? addRows.toString() : rowKernelSource(layout)), {
        eval: true,
        workerData: {
          control,
          bins: buffer(inputs.bins),
          byteBins: inputs.bins instanceof Uint8Array,
          index: buffer(inputs.index),
          grad: buffer(inputs.grad),
          hess: buffer(inputs.hess),
          hist,
          cols: inputs.cols,
          margin: inputs.margin ? buffer(inputs.margin) : null,
          labels: inputs.labels ? buffer(inputs.labels) : null,
          scalePosWeight: inputs.scalePosWeight ?? 1,
          colBins: inputs.colBins ? buffer(inputs.colBins) : null,
          scratch: inputs.scratch ? buffer(inputs.scratch) : null,
          sampled: inputs.sampled ? buffer(inputs.sampled) : null,
          rows: inputs.index.length,
        },
      });
      this.helper.unref();
      // a helper that fails is replaced by the calling thread at its next job (same result)
      this.helper.on("error", () => undefined);
    }
  }

  /** Half-histograms the helper thread has built. */
  get helperJobs(): number {
    return this.helped;
  }

  /** Threads building histograms (1 or 2). */
  get threads(): number {
    return this.helper === null ? 1 : 2;
  }

  /** Whether the helper is up; waits for it on the first job. */
  private helperReady(): boolean {
    const ctl = this.control;
    if (this.helper === null || ctl === null) return false;
    if (!this.started) {
      const deadline = performance.now() + HELPER_WAIT_MS;
      while (Atomics.load(ctl, READY) !== 1 && performance.now() < deadline) Atomics.wait(ctl, READY, 0, 100);
      if (Atomics.load(ctl, READY) !== 1) {
        this.close();
        return false;
      }
      this.started = true;
    }
    return true;
  }

  /** The histogram of the rows `index[begin, end)` into `hist`. */
  build(hist: Float64Array, begin: number, end: number): void {
    this.buildMany([hist], Int32Array.of(begin, end));
  }

  /**
   * The histograms of several row ranges (`ranges[2j], ranges[2j + 1]` into `hists[j]`), the second
   * halves of the large ones handed to the helper thread BATCH at a time.
   */
  buildMany(hists: Float64Array[], ranges: Int32Array): void {
    const { bins, cols, index, grad, hess } = this.inputs;
    const kernel = this.kernel;
    const large: number[] = [];
    for (let j = 0; j < hists.length; j++) {
      hists[j]!.fill(0);
      if (ranges[2 * j + 1]! - ranges[2 * j]! >= SPLIT_ROWS) large.push(j);
    }
    const small = (): void => {
      for (let j = 0; j < hists.length; j++) {
        const begin = ranges[2 * j]!;
        const end = ranges[2 * j + 1]!;
        if (end - begin < SPLIT_ROWS) kernel(hists[j]!, bins, cols, index, begin, end, grad, hess);
      }
    };
    if (large.length === 0) return small();
    const mid = (j: number): number => ranges[2 * j]! + ((ranges[2 * j + 1]! - ranges[2 * j]!) >>> 1);
    const ctl = this.control;
    for (let c = 0; c < large.length; c += BATCH) {
      const chunk = large.slice(c, c + BATCH);
      const out = this.helperOut;
      if (this.helperReady() && ctl !== null && out !== null) {
        const job = ++this.seq;
        ctl[KIND] = 0;
        ctl[COUNT] = chunk.length;
        chunk.forEach((j, k) => {
          ctl[RANGES + 2 * k] = mid(j);
          ctl[RANGES + 2 * k + 1] = ranges[2 * j + 1]!;
        });
        Atomics.store(ctl, JOB, job);
        Atomics.notify(ctl, JOB);
        for (const j of chunk) kernel(hists[j]!, bins, cols, index, ranges[2 * j]!, mid(j), grad, hess);
        if (c === 0) small();
        if (this.finished(ctl, job)) {
          this.helped += chunk.length;
          const len = this.inputs.length;
          chunk.forEach((j, k) => this.addInto(hists[j]!, out.subarray(k * len, (k + 1) * len)));
          continue;
        }
        // the helper did not answer: the same work here
        this.close();
        for (const j of chunk) this.secondHalf(hists[j]!, mid(j), ranges[2 * j + 1]!);
      } else {
        for (const j of chunk) {
          kernel(hists[j]!, bins, cols, index, ranges[2 * j]!, mid(j), grad, hess);
          this.secondHalf(hists[j]!, mid(j), ranges[2 * j + 1]!);
        }
        if (c === 0) small();
      }
    }
  }

  /** Waits for the helper to finish `job` (a short spin, then sleeps); false when it does not answer. */
  private finished(ctl: Int32Array, job: number): boolean {
    const spinUntil = performance.now() + SPIN_MS;
    for (let i = 0; Atomics.load(ctl, DONE) !== job; i++) if ((i & 1023) === 0 && performance.now() > spinUntil) break;
    const deadline = performance.now() + HELPER_WAIT_MS;
    while (Atomics.load(ctl, DONE) !== job && performance.now() < deadline) Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 100);
    return Atomics.load(ctl, DONE) === job;
  }

  /**
   * Gradients and hessians of every training row from the shared margins and labels and, given a
   * sampling, the round's rows: `index[0, n)` in order, `sampled` flags set (see
   * {@link sampleRows}); returns n (every row without a sampling). The second half of the rows is
   * done on the helper thread; each row's result is the same wherever it is computed.
   */
  gradients(sampling?: { key: number; threshold: number; all: boolean }): number {
    const { margin, labels, grad, hess, index, scratch, sampled } = this.inputs;
    const spw = this.inputs.scalePosWeight ?? 1;
    if (margin === undefined || labels === undefined) throw new Error("gradients need the shared margins and labels");
    if (sampling !== undefined && (scratch === undefined || sampled === undefined)) throw new Error("sampling needs the shared scratch and sampled arrays");
    const rows = margin.length;
    const ctl = this.control;
    const sample = (begin: number, end: number, list: Uint32Array, at: number): number =>
      sampling === undefined ? 0 : sampleRows(sampled!, list, sampling.key | 0, sampling.threshold, sampling.all, begin, end, at);
    if (rows >= SPLIT_ROWS && this.helperReady() && ctl !== null) {
      const mid = rows >>> 1;
      const job = ++this.seq;
      ctl[KIND] = 1;
      ctl[RANGES] = mid;
      ctl[RANGES + 1] = rows;
      ctl[RANGES + 2] = sampling === undefined ? 0 : sampling.key | 0;
      ctl[RANGES + 3] = sampling === undefined ? 0 : sampling.threshold | 0;
      ctl[RANGES + 4] = sampling?.all === true ? 1 : 0;
      Atomics.store(ctl, JOB, job);
      Atomics.notify(ctl, JOB);
      logisticGradients(margin, labels, grad, hess, spw, 0, mid);
      const first = sample(0, mid, index, 0);
      if (this.finished(ctl, job)) {
        if (sampling === undefined) return rows;
        const second = ctl[RESULTS]!;
        index.set(scratch!.subarray(mid, mid + second), first);
        return first + second;
      }
      this.close();
      logisticGradients(margin, labels, grad, hess, spw, mid, rows);
      return sampling === undefined ? rows : first + sample(mid, rows, index, first);
    }
    logisticGradients(margin, labels, grad, hess, spw, 0, rows);
    return sampling === undefined ? rows : sample(0, rows, index, 0);
  }

  /**
   * Partitions the rows of several nodes in place (see {@link partitionRows}): each node's rows
   * going left first, then those going right, both in their order. The second half of a large
   * node is partitioned on the helper thread and the halves joined, which is the same order as
   * one pass. Returns the rows going left of each node.
   */
  partitionMany(splits: RowSplit[]): Int32Array {
    const { index, scratch, colBins } = this.inputs;
    if (scratch === undefined || colBins === undefined) throw new Error("partitions need the shared scratch and column-major bins");
    const rows = index.length;
    const lefts = new Int32Array(splits.length);
    const one = (s: RowSplit, begin: number, end: number): number => partitionRows(index, scratch, colBins, rows, s.feature, s.splitBin, s.missingBin, s.defaultLeft, begin, end);
    // joins [begin, mid) partitioned (lA left) and [mid, end) partitioned (lB left)
    const join = (s: RowSplit, mid: number, lA: number, lB: number): number => {
      index.copyWithin(s.begin + lA, mid, mid + lB);
      const rA = mid - s.begin - lA;
      index.set(scratch.subarray(s.begin, s.begin + rA), s.begin + lA + lB);
      index.set(scratch.subarray(mid, s.end - lB), s.begin + lA + lB + rA);
      return lA + lB;
    };
    const large: number[] = [];
    splits.forEach((s, j) => {
      if (s.end - s.begin >= SPLIT_ROWS) large.push(j);
    });
    const ctl = this.control;
    const smallOnes = (): void =>
      splits.forEach((s, j) => {
        if (s.end - s.begin < SPLIT_ROWS) lefts[j] = join(s, s.end, one(s, s.begin, s.end), 0);
      });
    const mid = (s: RowSplit): number => s.begin + ((s.end - s.begin) >>> 1);
    if (large.length === 0) {
      smallOnes();
    }
    for (let c = 0; c < large.length; c += BATCH) {
      const chunk = large.slice(c, c + BATCH);
      if (this.helperReady() && ctl !== null) {
        const job = ++this.seq;
        ctl[KIND] = 2;
        ctl[COUNT] = chunk.length;
        chunk.forEach((j, k) => {
          const s = splits[j]!;
          const o = RANGES + SPLIT_WORDS * k;
          ctl[o] = mid(s);
          ctl[o + 1] = s.end;
          ctl[o + 2] = s.feature;
          ctl[o + 3] = s.splitBin;
          ctl[o + 4] = s.missingBin;
          ctl[o + 5] = s.defaultLeft ? 1 : 0;
        });
        Atomics.store(ctl, JOB, job);
        Atomics.notify(ctl, JOB);
        const firsts = chunk.map((j) => one(splits[j]!, splits[j]!.begin, mid(splits[j]!)));
        if (c === 0) smallOnes();
        if (this.finished(ctl, job)) {
          chunk.forEach((j, k) => (lefts[j] = join(splits[j]!, mid(splits[j]!), firsts[k]!, ctl[RESULTS + k]!)));
          continue;
        }
        // the helper did not answer: the same work here
        this.close();
        chunk.forEach((j, k) => (lefts[j] = join(splits[j]!, mid(splits[j]!), firsts[k]!, one(splits[j]!, mid(splits[j]!), splits[j]!.end))));
      } else {
        for (const j of chunk) {
          const s = splits[j]!;
          const m = mid(s);
          lefts[j] = join(s, m, one(s, s.begin, m), one(s, m, s.end));
        }
        if (c === 0) smallOnes();
      }
    }
    return lefts;
  }

  /** Builds `index[begin, end)` apart and adds it to `hist` (which holds the first half). */
  private secondHalf(hist: Float64Array, begin: number, end: number): void {
    const { bins, cols, index, grad, hess } = this.inputs;
    const second = this.second;
    second.fill(0);
    this.kernel(second, bins, cols, index, begin, end, grad, hess);
    this.addInto(hist, second);
  }

  /** hist += second, element by element (first half + second half, always in that order). */
  private addInto(hist: Float64Array, second: Float64Array): void {
    for (let i = 0; i < hist.length; i++) hist[i] = hist[i]! + second[i]!;
  }

  /** Stops the helper thread. */
  close(): void {
    if (this.helper === null) return;
    if (this.control !== null) {
      Atomics.store(this.control, JOB, STOP);
      Atomics.notify(this.control, JOB);
    }
    void this.helper.terminate();
    this.helper = null;
  }
}
