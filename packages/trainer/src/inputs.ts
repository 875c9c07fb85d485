// The data of a run: CSV files read with @fraud/simulator's reader, or data sets already in memory,
// checked and split the way `fraud-train local` documents.
import { readCreditCardCsv } from "@fraud/simulator";
import { DEFAULT_SPLIT, HOLDOUT_SPLIT, fingerprint, requireBothClasses, stratifiedSplit, validateDataset } from "./data.js";
import type { DataFingerprint, Dataset } from "./data.js";
import { TrainError } from "./errors.js";

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
 * Reads a creditcard.csv-layout file.
 * @throws {@link TrainError} `IO_ERROR` when the file cannot be read, `BAD_DATA` when its content
 *   is malformed (the reader's message names file, line and column) or empty.
 * @internal
 */
export async function readDataset(path: string, name: string): Promise<Dataset> {
  let data: Dataset;
  try {
    data = await readCreditCardCsv(path);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === "ENOENT") throw new TrainError("IO_ERROR", `${path}: no such file`, { cause: err });
    const io = e.code === undefined || e.code.startsWith("E") || e.code === "IO_ERROR";
    throw new TrainError(io ? "IO_ERROR" : "BAD_DATA", oneLine(e.message ?? String(err)), { cause: err });
  }
  validateDataset(data, path);
  if (data.rows === 0) throw new TrainError("BAD_DATA", `${path}: no data rows (${name})`);
  return data;
}

/** A file is read; a data set in memory is checked. @internal */
export async function loadInput(input: DataInput, name: string): Promise<Dataset> {
  if (typeof input === "string") return readDataset(input, name);
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
}

/** `--data`: one set split {@link DEFAULT_SPLIT}. */
async function splitOne(input: DataInput, seed: number): Promise<RunInputs> {
  const all = await loadInput(input, "data");
  requireBothClasses(all, typeof input === "string" ? input : "data");
  const [train, validation, test] = stratifiedSplit(all, DEFAULT_SPLIT.fractions, seed, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
  const shares = DEFAULT_SPLIT.fractions.map((f) => Math.round(f * 100)).join("/");
  return { train, validation, splitTest: test, full: all, fullInput: input, split: `stratified ${shares}` };
}

/**
 * Loads and splits a run's training data: `data` split {@link DEFAULT_SPLIT}, or `train` with an
 * optional `validation` (else a stratified 15% of `train`). A separate test set is loaded by the
 * caller (it can load on a worker meanwhile).
 * @internal
 */
export async function loadRunInputs(opts: { data?: DataInput; train?: DataInput; validation?: DataInput }, seed: number): Promise<RunInputs> {
  if (opts.data !== undefined) return splitOne(opts.data, seed);
  const trainInput = opts.train!;
  const full = await loadInput(trainInput, "train");
  const given = { full, fullInput: trainInput, splitTest: null };
  if (opts.validation !== undefined) return { ...given, train: full, validation: await loadInput(opts.validation, "validation"), split: null };
  requireBothClasses(full, typeof trainInput === "string" ? trainInput : "train");
  const [train, validation] = stratifiedSplit(full, HOLDOUT_SPLIT.fractions, seed, HOLDOUT_SPLIT.names) as [Dataset, Dataset];
  return { ...given, train, validation, split: "stratified 15% of --train held out for validation" };
}
