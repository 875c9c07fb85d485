// Scoring a large set on two threads, for a model slow to score: this thread and a worker of its
// own claim chunks of rows from a shared counter until none is left, each writing its chunks'
// scores into one shared array. Rows are scored independently, so the scores are exactly what
// `model.scores` gives on one thread. Only the Random Cut Forest takes this path: it scores about
// 40,000 rows a second on one core; the classifiers score hundreds of thousands, so that a worker's
// start would cost them more than it saves.
import { availableParallelism } from "node:os";
import { isMainThread } from "node:worker_threads";
import type { FeatureMatrix } from "@fraud/contracts";
import type { Model } from "./models/model.js";
import { RandomCutForestModel } from "./models/randomcutforest/model.js";
import type { RcfModelParams } from "./models/randomcutforest/model.js";
import { WorkerPool } from "./pool.js";

/** Rows per chunk: about a tenth of a second of forest scoring, so both threads end close together. */
const CHUNK_ROWS = 4096;

/**
 * Fewer rows than this are scored on the calling thread alone: the worker's start (booting, then
 * building the forest from its parameters: 0.1–0.15 s) would not pay for itself.
 * @internal
 */
export const PARALLEL_SCORE_MIN_ROWS = 16_384;

/** A scoring job shared between threads (every array lives in shared memory). @internal */
export interface SharedScoring {
  /** What the worker rebuilds the model from. */
  model: { algorithm: "randomcutforest"; params: RcfModelParams };
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
  /** Rows per chunk (the last may be short). */
  chunkRows: number;
  /** The scores, row by row. */
  out: Float64Array;
  /** The next chunk to claim. */
  next: Int32Array;
  /** 1 for each chunk whose scores are in `out`. */
  done: Uint8Array;
}

function chunkCount(job: SharedScoring): number {
  return Math.ceil(job.rows / job.chunkRows);
}

function undone(job: SharedScoring): number[] {
  const left: number[] = [];
  for (let c = 0; c < chunkCount(job); c++) if (Atomics.load(job.done, c) === 0) left.push(c);
  return left;
}

function scoreChunk(job: SharedScoring, model: Model, c: number): void {
  const r0 = c * job.chunkRows;
  const r1 = Math.min(job.rows, r0 + job.chunkRows);
  job.out.set(model.scores({ data: job.data.subarray(r0 * job.cols, r1 * job.cols), rows: r1 - r0, cols: job.cols }), r0);
  Atomics.store(job.done, c, 1);
}

/**
 * Scores chunks of `job` claimed from its counter until none is left (on a worker, with the model
 * rebuilt from the job's parameters); returns how many this thread scored.
 * @internal
 */
export function scoreClaimedChunks(job: SharedScoring, model: Model = new RandomCutForestModel(job.model.params)): number {
  const chunks = chunkCount(job);
  let mine = 0;
  for (let c = Atomics.add(job.next, 0, 1); c < chunks; c = Atomics.add(job.next, 0, 1)) {
    scoreChunk(job, model, c);
    mine++;
  }
  return mine;
}

function shared<T extends Float64Array | Float32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/** Scores, and how many chunks each thread scored. @internal */
export interface TwoThreadScores {
  scores: Float64Array;
  /** Chunks this thread scored (every one when the worker was not used). */
  here: number;
  /** Chunks the worker scored. */
  worker: number;
}

/**
 * `model.scores(matrix)`, on this thread and a worker of its own when that is faster: for a Random
 * Cut Forest and at least {@link PARALLEL_SCORE_MIN_ROWS} rows, on the main thread of a machine
 * with a second core (a worker thread is taken to be one of several already) that can start a
 * worker. The scores are the same either way. Should the worker fail, this thread scores its
 * chunks. `fromWorker`: take a second thread from a worker thread too (the tests, which run in
 * worker threads).
 * @throws what `model.scores` throws for a bad matrix.
 * @internal
 */
export async function scoresOnTwoThreads(model: Model, matrix: FeatureMatrix, options: { fromWorker?: boolean } = {}): Promise<Float64Array> {
  return (await scoreOnTwoThreads(model, matrix, options)).scores;
}

/** {@link scoresOnTwoThreads}, telling which thread scored how many chunks. @internal */
export async function scoreOnTwoThreads(model: Model, matrix: FeatureMatrix, options: { fromWorker?: boolean } = {}): Promise<TwoThreadScores> {
  const { rows, cols, data } = matrix;
  const fromHere = isMainThread || options.fromWorker === true;
  const alone = (): TwoThreadScores => {
    const scores = model.scores(matrix);
    return { scores, here: Math.ceil(scores.length / CHUNK_ROWS), worker: 0 };
  };
  // a bad matrix is model.scores' to refuse
  const ok = cols === model.featureDim && Number.isSafeInteger(rows) && (data instanceof Float64Array || data instanceof Float32Array) && data.length === rows * cols;
  if (!(model instanceof RandomCutForestModel) || !ok || rows < PARALLEL_SCORE_MIN_ROWS || !fromHere || availableParallelism() < 2) return alone();
  const job: SharedScoring = {
    model: { algorithm: "randomcutforest", params: model.params },
    data: shared(data),
    rows,
    cols,
    chunkRows: CHUNK_ROWS,
    out: new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT)),
    next: new Int32Array(new SharedArrayBuffer(4)),
    done: new Uint8Array(new SharedArrayBuffer(Math.ceil(rows / CHUNK_ROWS))),
  };
  let pool: WorkerPool;
  try {
    pool = WorkerPool.start(1);
  } catch {
    // no worker script to start (an application bundling this module without the package's
    // dist, or the sources without tsx): the same scores, on this thread
    return alone();
  }
  let here = 0;
  try {
    const helper = pool.run({ type: "score", ...job }, "scored");
    helper.catch(() => undefined); // awaited below, or dropped when this thread did everything
    // The pool posts the task asynchronously: let it go out before this thread starts (synchronously, to the end).
    await new Promise((resolve) => setImmediate(resolve));
    here = scoreClaimedChunks(job, model);
    // Chunks the worker claimed may be under way: its answer says they are done. When this thread
    // scored everything (the worker still starting), it is not waited for.
    if (undone(job).length > 0) {
      await helper.catch(() => undefined);
      // a worker that failed left its chunks undone: scored here
      for (const c of undone(job)) {
        scoreChunk(job, model, c);
        here++;
      }
    }
  } finally {
    await pool.close();
  }
  // in memory of its own, like model.scores' answer (a shared buffer cannot be transferred)
  return { scores: new Float64Array(job.out), here, worker: chunkCount(job) - here };
}
