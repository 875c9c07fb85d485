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
export type RowKernel = typeof addRows;

/** Widest rows that get an unrolled kernel; wider ones use {@link addRows}. */
const UNROLL_MAX_COLS = 256;

/**
 * Source text of a function expression doing what {@link addRows} does for rows of exactly `cols`
 * features, with the feature loop unrolled: every bin updated in the same order with the same
 * additions, so the histogram is the same bit for bit, at about twice the speed (no loop counter,
 * bounds or index arithmetic per feature). The helper thread compiles the same text.
 * @internal
 */
export function rowKernelSource(cols: number): string {
  let body = "";
  for (let f = 0; f < cols; f++) body += `b = bins[o + ${f}] << 1; hist[b] += g; hist[b + 1] += h;\n`;
  return `(function addRows${cols}(hist, bins, cols, index, begin, end, grad, hess) {
  for (let k = begin; k < end; k++) {
    const r = index[k], g = grad[r], h = hess[r], o = r * ${cols};
    let b;
${body}  }
})`;
}

const kernels = new Map<number, RowKernel>();

/**
 * The fastest kernel for rows of `cols` features: the unrolled one of {@link rowKernelSource},
 * or {@link addRows} where rows are wider or code generation is not allowed.
 * @internal
 */
export function rowKernel(cols: number): RowKernel {
  let k = kernels.get(cols);
  if (k === undefined) {
    k = addRows;
    if (Number.isSafeInteger(cols) && cols >= 1 && cols <= UNROLL_MAX_COLS) {
      try {
        k = (0, eval)(rowKernelSource(cols)) as RowKernel;
      } catch {
        k = addRows; // code generation disallowed (--disallow-code-generation-from-strings)
      }
    }
    kernels.set(cols, k);
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

// control words
const JOB = 0; // sequence number of the latest job (or STOP)
const DONE = 1; // sequence number of the latest job finished
const COUNT = 2; // histograms in the job
const READY = 3;
const KIND = 4; // 0: histograms, 1: gradients of the rows RANGES[0..1)
const RANGES = 5; // then (begin, end) of each
const STOP = -1;
/** Milliseconds a waiting thread spins before it sleeps (a woken thread may wait long for a core on a busy machine). */
const SPIN_MS = 2;
/** Histograms the helper builds per hand-over. */
const BATCH = 16;

const HELPER_SOURCE = (kernel: string, unrolled: string | null, gradients: string): string => `
const { workerData } = require("node:worker_threads");
let addRows = ${kernel};
${unrolled === null ? "" : `try { addRows = ${unrolled}; } catch {}`}
const logisticGradients = ${gradients};
const { control, bins, index, grad, hess, hist, cols, margin, labels, scalePosWeight } = workerData;
const m = margin ? new Float32Array(margin) : null, y = labels ? new Uint8Array(labels) : null;
const ctl = new Int32Array(control);
const b = new Uint16Array(bins), ix = new Uint32Array(index), g = new Float32Array(grad), h = new Float32Array(hess), out = new Float64Array(hist);
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
  if (ctl[${KIND}] === 1) logisticGradients(m, y, g, h, scalePosWeight, ctl[${RANGES}], ctl[${RANGES} + 1]);
  const n = ctl[${KIND}] === 1 ? 0 : ctl[${COUNT}], len = out.length / ${BATCH};
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
  bins: Uint16Array;
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
    this.kernel = rowKernel(inputs.cols);
    if (threads > 1) {
      const control = new SharedArrayBuffer((RANGES + 2 * BATCH) * 4);
      const hist = new SharedArrayBuffer(BATCH * inputs.length * 8);
      const buffer = (a: ArrayBufferView): ArrayBufferLike => a.buffer;
      this.control = new Int32Array(control);
      this.helperOut = new Float64Array(hist);
      this.helper = new Worker(HELPER_SOURCE(addRows.toString(), this.kernel === addRows ? null : rowKernelSource(inputs.cols), logisticGradients.toString()), {
        eval: true,
        workerData: {
          control,
          bins: buffer(inputs.bins),
          index: buffer(inputs.index),
          grad: buffer(inputs.grad),
          hess: buffer(inputs.hess),
          hist,
          cols: inputs.cols,
          margin: inputs.margin ? buffer(inputs.margin) : null,
          labels: inputs.labels ? buffer(inputs.labels) : null,
          scalePosWeight: inputs.scalePosWeight ?? 1,
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
   * Gradients and hessians of every training row from the shared margins and labels, the second
   * half of the rows on the helper thread (each row's arithmetic is the same wherever it runs).
   */
  gradients(): void {
    const { margin, labels, grad, hess } = this.inputs;
    const spw = this.inputs.scalePosWeight ?? 1;
    if (margin === undefined || labels === undefined) throw new Error("gradients need the shared margins and labels");
    const rows = margin.length;
    const ctl = this.control;
    if (rows >= SPLIT_ROWS && this.helperReady() && ctl !== null) {
      const mid = rows >>> 1;
      const job = ++this.seq;
      ctl[KIND] = 1;
      ctl[RANGES] = mid;
      ctl[RANGES + 1] = rows;
      Atomics.store(ctl, JOB, job);
      Atomics.notify(ctl, JOB);
      logisticGradients(margin, labels, grad, hess, spw, 0, mid);
      if (this.finished(ctl, job)) return;
      this.close();
      logisticGradients(margin, labels, grad, hess, spw, mid, rows);
      return;
    }
    logisticGradients(margin, labels, grad, hess, spw, 0, rows);
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
