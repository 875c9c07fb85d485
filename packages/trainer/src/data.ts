import { createHash } from "node:crypto";
import { TrainError } from "./errors.js";
import { createRng } from "./rng.js";

/**
 * A labelled feature matrix, the shape `@fraud/simulator` produces: `rows × 30` features in
 * column order `Time, V1..V28, Amount`, row-major, and one 0/1 label per row.
 * @public
 */
export interface Dataset {
  /** Number of rows. */
  rows: number;
  /** `rows × featureDim` values, row after row. */
  features: Float64Array;
  /** One label per row, 0 or 1. */
  labels: Uint8Array;
}

/** The 30 feature columns of `creditcard.csv`, in order. @public */
export const FEATURE_NAMES: readonly string[] = ["Time", ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), "Amount"];

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
    if (!Number.isFinite(f[i])) {
      const row = Math.floor(i / featureDim);
      const col = i % featureDim;
      const colName = featureDim === FEATURE_NAMES.length ? FEATURE_NAMES[col] : `feature ${col}`;
      throw new TrainError("BAD_DATA", `${name}: row ${row + 1} column ${colName} is ${f[i]} (features must be finite numbers)`);
    }
  }
  for (let i = 0; i < data.rows; i++) {
    const l = data.labels[i]!;
    if (l !== 0 && l !== 1) throw new TrainError("BAD_DATA", `${name}: row ${i + 1} has label ${l} (labels must be 0 or 1)`);
  }
}

/** Counts positive labels. @public */
export function countPositives(data: Dataset): number {
  let n = 0;
  for (let i = 0; i < data.rows; i++) n += data.labels[i]!;
  return n;
}

/** Copies the given rows (in the given order) into a new dataset. @public */
export function takeRows(data: Dataset, rows: ArrayLike<number>, featureDim = FEATURE_NAMES.length): Dataset {
  const features = new Float64Array(rows.length * featureDim);
  const labels = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    features.set(data.features.subarray(i * featureDim, (i + 1) * featureDim), k * featureDim);
    labels[k] = data.labels[i]!;
  }
  return { rows: rows.length, features, labels };
}

/**
 * Random stratified split: each class is shuffled with `seed` and cut by `fractions`, so every part
 * keeps the class ratio. Rows keep their original relative order inside each part.
 *
 * @param fractions - Shares summing to 1, e.g. `[0.7, 0.15, 0.15]`.
 * @param names - Part names for error messages.
 * @throws {@link TrainError} `BAD_DATA` when a part would get no positive or no negative row.
 * @public
 */
export function stratifiedSplit(data: Dataset, fractions: readonly number[], seed: number, names: readonly string[], featureDim = FEATURE_NAMES.length): Dataset[] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.some((f) => !(f > 0)) || Math.abs(total - 1) > 1e-9) {
    throw new TrainError("BAD_DATA", `split fractions ${fractions.join("/")} must be positive and sum to 1`);
  }
  const byClass: number[][] = [[], []];
  for (let i = 0; i < data.rows; i++) byClass[data.labels[i]!]!.push(i);
  const parts: number[][] = fractions.map(() => []);
  byClass.forEach((idx, cls) => {
    const rng = createRng(seed * 2 + cls);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    let start = 0;
    fractions.forEach((f, p) => {
      const end = p === fractions.length - 1 ? idx.length : Math.min(idx.length, start + Math.round(f * idx.length));
      const part = idx.slice(start, end);
      if (part.length === 0) {
        const what = cls === 1 ? "positive (Class=1)" : "negative (Class=0)";
        throw new TrainError(
          "BAD_DATA",
          `the ${names[p] ?? `part ${p}`} split gets no ${what} rows: ${idx.length} ${what} rows in ${data.rows} are too few for a ${fractions.map((x) => Math.round(x * 100)).join("/")} split`,
        );
      }
      for (const i of part) parts[p]!.push(i);
      start = end;
    });
  });
  return parts.map((p) => takeRows(data, p.sort((a, b) => a - b), featureDim));
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

/** Identity of a dataset: size, positives and a SHA-256 over its float64 features and labels. @public */
export interface DataFingerprint {
  /** Rows. */
  rows: number;
  /** Rows with label 1. */
  positives: number;
  /** Hex SHA-256 of the little-endian float64 features followed by the labels. */
  sha256: string;
}

/** Computes a {@link DataFingerprint}. @public */
export function fingerprint(data: Dataset): DataFingerprint {
  const h = createHash("sha256");
  h.update(new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength));
  h.update(data.labels);
  return { rows: data.rows, positives: countPositives(data), sha256: h.digest("hex") };
}
