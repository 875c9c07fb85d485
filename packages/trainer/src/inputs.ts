// The data of a run: CSV files read with @fraud/simulator's reader, or data sets already in memory,
// checked and split the way `fraud-train local` documents.
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { FEATURE_COUNT, joinCreditCardCsvParts, parseClaimedCsvParts, planCsvChunks, readClaimedCsvChunks, readCreditCardCsv, sharedCsvFile } from "@fraud/simulator";
import type { CsvPart, SharedCsvFile, SharedCsvParts } from "@fraud/simulator";
import { DEFAULT_SPLIT, HOLDOUT_SPLIT, fingerprint, requireBothClasses, stratifiedSplit, validateDataset } from "./data.js";
import type { DataFingerprint, Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { WorkerPool, inPoolWorker } from "./pool.js";

/** A data set given as a `creditcard.csv`-layout file or already in memory. @public */
export type DataInput = string | Dataset;

/** A data set's fingerprint, and the file it came from. @public */
export interface DataSource extends DataFingerprint {
  /** The file read, when the set came straight from one. */
  file?: string;
}

/** Longest part of a reader's message passed on; the reader quotes at most ~80 characters of data. */
const MAX_MESSAGE = 300;

/** One line of at most {@link MAX_MESSAGE} characters. */
function oneLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0] ?? "";
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/**
 * Files from this size up are read in parts in parallel when worker threads are running; smaller
 * ones take longer to hand out than to parse.
 * @internal
 */
export const PARALLEL_READ_MIN_BYTES = 4 << 20;
/** A reading worker of its own is started for files of this many times {@link PARALLEL_READ_MIN_BYTES} (32 MiB) and more. */
const OWN_READER_FACTOR = 8;
/** Largest file read whole into memory for the parallel parse; larger ones stream. */
const PARALLEL_READ_MAX_BYTES = 2 ** 31 - 1;

/** The size of `path` when it is a regular file the parallel reader takes (by its size), else null. */
async function parallelSize(path: string, minBytes: number): Promise<number | null> {
  try {
    const st = await stat(path);
    return st.isFile() && st.size >= minBytes && st.size <= PARALLEL_READ_MAX_BYTES ? st.size : null;
  } catch {
    return null; // the reader reports it
  }
}

/** A file in shared memory cut into parts threads claim: `@fraud/simulator`'s {@link SharedCsvParts}. @internal */
export type SharedParts = SharedCsvParts;

/** A file read into shared memory in chunks threads claim: `@fraud/simulator`'s {@link SharedCsvFile}. @internal */
export type SharedChunks = SharedCsvFile;

// the worker threads' chunk and part loops (worker.ts loads this module only when it has some to do)
export { parseClaimedCsvParts, readClaimedCsvChunks };

/** Parts per thread: small enough that a thread that starts late or runs slow is caught up by the others. */
const PARTS_PER_THREAD = 8;
/** No part smaller than this (handing out a part costs a message). */
const MIN_PART_BYTES = 1 << 20;

/**
 * Reads a file in chunks claimed by this thread and the pool's workers (each thread through a
 * buffer of its own, counting line feeds), cuts it into parts from those counts, then parses the
 * parts the same way, read from the file again, every part writing its rows straight into shared
 * arrays, which become the data set (no copy, and training's workers can be handed them without
 * one); the result is exactly what the one-pass reader gives.
 */
async function readInParts(path: string, size: number, pool: WorkerPool, minPartBytes: number): Promise<Dataset> {
  const threads = Math.max(1, Math.min(pool.size + 1, availableParallelism()));
  const wanted = Math.max(1, Math.min(1024, threads * PARTS_PER_THREAD, Math.floor(size / minPartBytes)));
  const file = sharedCsvFile(path, size, wanted);
  // only workers free now take part (one busy elsewhere, e.g. reading the test file, would take
  // its task after this thread had done the work, and hold up the parse behind it)
  const readers = Array.from({ length: threads - 1 }, () => pool.tryRun({ type: "chunks", ...file }, "chunked")).filter((p) => p !== null);
  // Settled before anything throws, so no worker answer goes unhandled.
  readers.forEach((p) => p.catch(() => undefined));
  // The pool hands tasks out asynchronously: let it post them before this thread starts (synchronously, to the end).
  await new Promise((resolve) => setImmediate(resolve));
  readClaimedCsvChunks(file);
  // Chunks a worker claimed may still be under way: its answer says they are done (or failed),
  // and frees it for the parse.
  await Promise.all(readers);
  const plan = planCsvChunks(file);
  const room = plan.rows[plan.rows.length - 1]!;
  const features = new SharedArrayBuffer(room * FEATURE_COUNT * Float64Array.BYTES_PER_ELEMENT);
  const labels = new SharedArrayBuffer(room);
  const task: SharedParts = { path, length: file.length, bounds: plan.bounds, rows: plan.rows, features, labels, next: new SharedArrayBuffer(4), file: path };
  const helpers = Array.from({ length: threads - 1 }, () => pool.tryRun({ type: "parse", ...task }, "parsed")?.then((m) => m.parts) ?? null).filter((p) => p !== null);
  helpers.forEach((p) => p.catch(() => undefined));
  await new Promise((resolve) => setImmediate(resolve));
  const parts: CsvPart[] = [];
  const mine = parseClaimedCsvParts(task);
  for (const { index, part } of mine) parts[index] = part;
  // When this thread parsed every part (the workers were still busy), their answers hold
  // nothing: not waited for.
  if (mine.length < plan.bounds.length - 1) for (const h of helpers) for (const { index, part } of await h) parts[index] = part;
  // Parts past the first with an error may be missing: they cannot change the outcome.
  const failed = parts.findIndex((p) => p !== undefined && p.error !== null);
  return joinCreditCardCsvParts(failed >= 0 ? parts.slice(0, failed + 1) : parts, { file: path, into: { features: new Float64Array(features), labels: new Uint8Array(labels) } });
}

/**
 * Reads a creditcard.csv-layout file: in parts on `pool`'s workers and this thread when there is
 * a pool and the file is large, else streaming on this thread. Both give the same data or the
 * same error.
 * @throws {@link TrainError} `IO_ERROR` when the file cannot be read, `BAD_DATA` when its content
 *   is malformed (the reader's message names file, line and column) or empty.
 * @internal
 */
export async function readDataset(path: string, name: string, pool: WorkerPool | null = null, parallelMinBytes = PARALLEL_READ_MIN_BYTES): Promise<Dataset> {
  let data: Dataset;
  // Without a pool (an algorithm that trains on this thread), a large file still gets a worker of
  // its own for the read when there is a second core (not from inside a worker: a pool's own
  // workers read their files in one pass).
  const cores = inPoolWorker() ? 1 : availableParallelism();
  let own: WorkerPool | null = null;
  try {
    const pooled = pool !== null && pool.size > 0;
    // Starting a worker costs its boot (loading the modules), so only for a file well over the
    // parallel size; it boots while this thread reads the first chunks.
    const size = pooled ? await parallelSize(path, parallelMinBytes) : cores > 1 ? await parallelSize(path, parallelMinBytes * OWN_READER_FACTOR) : null;
    if (!pooled && size !== null) own = WorkerPool.start(1);
    const readers = own ?? pool;
    data = size !== null && readers !== null ? await readInParts(path, size, readers, Math.min(MIN_PART_BYTES, parallelMinBytes)) : await readCreditCardCsv(path);
  } catch (err) {
    if (err instanceof TrainError) throw err;
    const e = err as Error & { code?: string };
    if (e.code === "ENOENT") throw new TrainError("IO_ERROR", `${path}: no such file`, { cause: err });
    const io = e.code === undefined || e.code.startsWith("E") || e.code === "IO_ERROR";
    throw new TrainError(io ? "IO_ERROR" : "BAD_DATA", oneLine(e.message ?? String(err)), { cause: err });
  } finally {
    void own?.close();
  }
  // Not validated again: the reader refuses every field that is not a finite number and every
  // class that is not 0 or 1, and its arrays have the sizes of its rows.
  if (data.rows === 0) throw new TrainError("BAD_DATA", `${path}: no data rows (${name})`);
  return data;
}

/** A file is read (in parallel on `pool` when large); a data set in memory is checked. @internal */
export async function loadInput(input: DataInput, name: string, pool: WorkerPool | null = null): Promise<Dataset> {
  if (typeof input === "string") return readDataset(input, name, pool);
  validateDataset(input, name);
  if (input.rows === 0) throw new TrainError("BAD_DATA", `${name}: no data rows`);
  return input;
}

/** Where a data set came from, for `metrics.json`. @internal */
export function source(input: DataInput, data: Dataset): DataSource {
  return typeof input === "string" ? { file: input, ...fingerprint(data) } : fingerprint(data);
}

/** What a run trains on. @internal */
export interface RunInputs {
  train: Dataset;
  validation: Dataset;
  /** The test part of a `data` split; null otherwise. */
  splitTest: Dataset | null;
  /** The set given as `data` or `train`, before any split, and where it came from. */
  full: Dataset;
  fullInput: DataInput;
  /** How the split was made, when there was one. */
  split: string | null;
  /** Seconds reading the files (`read`) and splitting (`split`). */
  stages: { read: number; split: number };
}

const since = (t: number): number => (performance.now() - t) / 1000;

/** `--data`: one set split {@link DEFAULT_SPLIT}. */
async function splitOne(input: DataInput, seed: number, pool: WorkerPool | null): Promise<RunInputs> {
  const t0 = performance.now();
  const all = await loadInput(input, "data", pool);
  const read = since(t0);
  const t1 = performance.now();
  requireBothClasses(all, typeof input === "string" ? input : "data");
  const [train, validation, test] = stratifiedSplit(all, DEFAULT_SPLIT.fractions, seed, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
  const shares = DEFAULT_SPLIT.fractions.map((f) => Math.round(f * 100)).join("/");
  return { train, validation, splitTest: test, full: all, fullInput: input, split: `stratified ${shares}`, stages: { read, split: since(t1) } };
}

/**
 * Loads and splits a run's training data: `data` split {@link DEFAULT_SPLIT}, or `train` with an
 * optional `validation` (else a stratified 15% of `train`), large files parsed in parallel on
 * `pool`. A separate test set is loaded by the caller (it can load on a worker meanwhile).
 * @internal
 */
export async function loadRunInputs(opts: { data?: DataInput; train?: DataInput; validation?: DataInput }, seed: number, pool: WorkerPool | null = null): Promise<RunInputs> {
  if (opts.data !== undefined) return splitOne(opts.data, seed, pool);
  const trainInput = opts.train!;
  const t0 = performance.now();
  const full = await loadInput(trainInput, "train", pool);
  const given = { full, fullInput: trainInput, splitTest: null };
  if (opts.validation !== undefined) {
    const validation = await loadInput(opts.validation, "validation", pool);
    return { ...given, train: full, validation, split: null, stages: { read: since(t0), split: 0 } };
  }
  const read = since(t0);
  const t1 = performance.now();
  requireBothClasses(full, typeof trainInput === "string" ? trainInput : "train");
  const [train, validation] = stratifiedSplit(full, HOLDOUT_SPLIT.fractions, seed, HOLDOUT_SPLIT.names) as [Dataset, Dataset];
  return { ...given, train, validation, split: "stratified 15% of --train held out for validation", stages: { read, split: since(t1) } };
}
