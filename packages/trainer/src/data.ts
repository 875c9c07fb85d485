import { createHash } from "node:crypto";
import { FEATURE_NAMES as SIMULATOR_FEATURE_NAMES } from "@fraud/simulator";
import type { Dataset } from "@fraud/simulator";
import { TrainError } from "./errors.js";
import { RNG_STREAM, createRng } from "./rng.js";

/** A labelled feature matrix: `@fraud/simulator`'s `Dataset` (row-major features and 0/1 labels). @public */
export type { Dataset };

/** The 30 feature columns of `creditcard.csv`, in order (`@fraud/simulator`'s). @internal */
export const FEATURE_NAMES: readonly string[] = SIMULATOR_FEATURE_NAMES;

/**
 * How `fraud-train local --data` (and the local pipeline) splits one data set: stratified
 * train / validation / test shares.
 * @example
 * ```ts
 * const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, seed, DEFAULT_SPLIT.names);
 * ```
 * @public
 */
export const DEFAULT_SPLIT: SplitSpec = Object.freeze({
  fractions: Object.freeze([0.7, 0.15, 0.15] as const),
  names: Object.freeze(["train", "validation", "test"] as const),
});

/** Shares and names of a three-way split ({@link DEFAULT_SPLIT}). @public */
export interface SplitSpec {
  /** Shares of the rows of each class, in order; they sum to 1. */
  readonly fractions: readonly [number, number, number];
  /** Names of the parts, in the same order (used in messages). */
  readonly names: readonly ["train", "validation", "test"];
}

/** Share of `--train` held out for validation when no `--validation` is given. @internal */
export const HOLDOUT_SPLIT = { fractions: [0.85, 0.15], names: ["train", "validation"] } as const;

/**
 * Checks a dataset: sizes agree, every feature finite, every label 0 or 1.
 * @param name - Names the data in messages (a file name or `train`/`validation`/`test`).
 * @throws {@link TrainError} `BAD_DATA` naming the first bad row and column (1-based data rows).
 * @public
 */
export function validateDataset(data: Dataset, name: string, featureDim = FEATURE_NAMES.length): void {
  if (!Number.isInteger(data.rows) || data.rows < 0 || data.features.length !== data.rows * featureDim || data.labels.length !== data.rows) {
    throw new TrainError("BAD_DATA", `${name}: expected ${data.rows} rows of ${featureDim} features and a label, got ${data.features.length} values and ${data.labels.length} labels`);
  }
  const f = data.features;
  for (let i = 0; i < f.length; i++) {
    // `v - v` is 0 for finite numbers and NaN for NaN and ±Infinity.
    const v = f[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / featureDim);
      const col = i % featureDim;
      const colName = featureDim === FEATURE_NAMES.length ? FEATURE_NAMES[col] : `feature ${col}`;
      throw new TrainError("BAD_DATA", `${name}: row ${row + 1} column ${colName} is ${v} (features must be finite numbers)`);
    }
  }
  for (let i = 0; i < data.rows; i++) {
    const l = data.labels[i]!;
    if (l > 1) throw new TrainError("BAD_DATA", `${name}: row ${i + 1} has label ${l} (labels must be 0 or 1)`);
  }
}

/** Counts positive labels. @public */
export function countPositives(data: Dataset): number {
  let n = 0;
  for (let i = 0; i < data.rows; i++) n += data.labels[i]!;
  return n;
}

/** Copies the given rows (in the given order) into a new dataset with the same feature type. @public */
export function takeRows(data: Dataset, rows: ArrayLike<number>, featureDim = FEATURE_NAMES.length): Dataset {
  const Features = data.features.constructor as new (length: number) => Dataset["features"];
  const features = new Features(rows.length * featureDim);
  const labels = new Uint8Array(rows.length);
  const src = data.features;
  // Runs of consecutive rows are copied in one go; a lone row value by value (no view per row).
  for (let k = 0; k < rows.length; ) {
    const i = rows[k]!;
    let n = 1;
    while (k + n < rows.length && rows[k + n] === i + n) n++;
    if (n >= 8) features.set(src.subarray(i * featureDim, (i + n) * featureDim), k * featureDim);
    else for (let o = k * featureDim, p = i * featureDim, e = p + n * featureDim; p < e; ) features[o++] = src[p++]!;
    for (let j = 0; j < n; j++) labels[k + j] = data.labels[i + j]!;
    k += n;
  }
  return { rows: rows.length, features, labels };
}

function checkFractions(fractions: readonly number[]): void {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.length < 2 || fractions.some((f) => !(f > 0)) || Math.abs(total - 1) > 1e-9) {
    throw new TrainError("INVALID_ARGUMENT", `split fractions ${fractions.join("/")} must be at least two positive shares summing to 1`);
  }
}

/** Row indices of one class, shuffled with the class's own stream of `seed`. */
function shuffledClass(data: Dataset, cls: number, seed: number): Int32Array {
  let count = 0;
  for (let i = 0; i < data.rows; i++) if (data.labels[i] === cls) count++;
  const idx = new Int32Array(count);
  for (let i = 0, k = 0; i < data.rows; i++) if (data.labels[i] === cls) idx[k++] = i;
  const rng = createRng(seed, RNG_STREAM.split + 16 * (cls + 1));
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

/**
 * Random stratified split: each class is shuffled with `seed` and cut by `fractions`, so every part
 * keeps the class ratio. Rows keep their original relative order inside each part.
 *
 * @param fractions - Shares summing to 1, e.g. {@link DEFAULT_SPLIT}`.fractions`.
 * @param names - Part names for error messages.
 * @throws {@link TrainError} `BAD_DATA` when a part would get no positive or no negative row;
 *   `INVALID_ARGUMENT` for fractions that are not positive shares summing to 1.
 * @public
 */
export function stratifiedSplit(data: Dataset, fractions: readonly number[], seed: number, names: readonly string[], featureDim = FEATURE_NAMES.length): Dataset[] {
  checkFractions(fractions);
  const part = new Int8Array(data.rows);
  const sizes = new Array<number>(fractions.length).fill(0);
  for (const cls of [0, 1]) {
    const idx = shuffledClass(data, cls, seed);
    let start = 0;
    fractions.forEach((f, p) => {
      const end = p === fractions.length - 1 ? idx.length : Math.min(idx.length, start + Math.round(f * idx.length));
      if (end === start) {
        const what = cls === 1 ? "positive (Class=1)" : "negative (Class=0)";
        const shares = fractions.map((x) => Math.round(x * 100)).join("/");
        throw new TrainError("BAD_DATA", `the ${names[p] ?? `part ${p}`} split gets no ${what} rows: ${idx.length} ${what} rows in ${data.rows} are too few for a ${shares} split`);
      }
      for (let k = start; k < end; k++) part[idx[k]!] = p;
      sizes[p] = sizes[p]! + end - start;
      start = end;
    });
  }
  // Rows in their original order within each part.
  const members = sizes.map((n) => new Int32Array(n));
  const fill = new Array<number>(fractions.length).fill(0);
  for (let i = 0; i < data.rows; i++) members[part[i]!]![fill[part[i]!]!++] = i;
  return members.map((rows) => takeRows(data, rows, featureDim));
}

/**
 * Requires at least one positive and one negative row.
 * @throws {@link TrainError} `BAD_DATA`.
 * @public
 */
export function requireBothClasses(data: Dataset, name: string): void {
  const pos = countPositives(data);
  if (pos === 0) throw new TrainError("BAD_DATA", `${name}: no positive examples (Class=1) among ${data.rows} rows`);
  if (pos === data.rows) throw new TrainError("BAD_DATA", `${name}: no negative examples (Class=0) among ${data.rows} rows`);
}

/** Identity of a dataset: size, positives and a SHA-256 over its features and labels. @public */
export interface DataFingerprint {
  /** Rows. */
  rows: number;
  /** Rows with label 1. */
  positives: number;
  /** Hex SHA-256 of the little-endian features (as stored: float32 or float64) followed by the labels. */
  sha256: string;
}

/** Computes a {@link DataFingerprint}. @public */
export function fingerprint(data: Dataset): DataFingerprint {
  const h = createHash("sha256");
  h.update(new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength));
  h.update(data.labels);
  return { rows: data.rows, positives: countPositives(data), sha256: h.digest("hex") };
}
