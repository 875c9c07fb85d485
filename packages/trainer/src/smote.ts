// SMOTE (Chawla et al. 2002), as imbalanced-learn's `SMOTE` does it and as the AWS solution's
// second variant applies it to the training split only: each synthetic row lies on the segment
// between a random minority row and one of its k nearest minority neighbours (Euclidean distance
// on the raw features), at a uniform random position. Seeded; the input is never modified.
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { createRng } from "./rng.js";

/** Options of {@link smote}. @public */
export interface SmoteOptions {
  /** Seed of the random choices (same seed, same rows). */
  seed: number;
  /**
   * Nearest minority neighbours to interpolate towards (imbalanced-learn's `k_neighbors`).
   * @defaultValue 5
   */
  k?: number;
  /**
   * Minority rows per majority row wanted after oversampling, in (0, 1] (imbalanced-learn's float
   * `sampling_strategy`); 1 balances the classes.
   * @defaultValue 1
   */
  ratio?: number;
  /** Features per row. @defaultValue features.length / rows */
  cols?: number;
}

/** Largest minority class {@link smote} accepts (its neighbour search is quadratic). @public */
export const SMOTE_MAX_MINORITY = 10_000;

/** The random stream of SMOTE's choices. */
const STREAM_SMOTE = 26;

/**
 * Oversamples the minority class with synthetic rows; returns a new data set: the input rows,
 * unchanged and in order, then the synthetic rows (labelled with the minority class).
 *
 * @example
 * ```ts
 * const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, seed, DEFAULT_SPLIT.names);
 * const balanced = smote(train, { seed }); // validation and test stay as they are
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` (options), `BAD_DATA` (a missing or infinite
 *   value, fewer than 2 minority rows, a minority above {@link SMOTE_MAX_MINORITY}).
 * @public
 */
export function smote(data: Dataset, options: SmoteOptions): Dataset {
  if (typeof options !== "object" || options === null || !Number.isSafeInteger(options.seed)) {
    throw new TrainError("INVALID_ARGUMENT", `smote needs an integer seed, got ${String((options as { seed?: unknown } | null)?.seed).slice(0, 40)}`);
  }
  const k = options.k ?? 5;
  if (!Number.isSafeInteger(k) || k < 1 || k > 100) throw new TrainError("INVALID_ARGUMENT", `smote k=${String(k).slice(0, 40)} must be an integer in [1, 100]`);
  const ratio = options.ratio ?? 1;
  if (!(typeof ratio === "number" && ratio > 0 && ratio <= 1)) throw new TrainError("INVALID_ARGUMENT", `smote ratio=${String(ratio).slice(0, 40)} must be a number in (0, 1]`);
  if (typeof data !== "object" || data === null || !(data.features instanceof Float64Array) || !(data.labels instanceof Uint8Array) || !Number.isSafeInteger(data.rows) || data.rows < 1) {
    throw new TrainError("INVALID_ARGUMENT", "smote needs a data set { rows, features: Float64Array, labels: Uint8Array } with rows");
  }
  const cols = options.cols ?? data.features.length / data.rows;
  if (!Number.isSafeInteger(cols) || cols < 1 || data.features.length !== data.rows * cols || data.labels.length !== data.rows) {
    throw new TrainError("BAD_DATA", `smote: ${data.features.length} values and ${data.labels.length} labels are not ${data.rows} rows of ${String(cols)} features`);
  }
  const { rows, features: x, labels } = data;
  let positives = 0;
  for (let i = 0; i < rows; i++) {
    if (labels[i]! > 1) throw new TrainError("BAD_DATA", `smote: row ${i + 1} has label ${labels[i]}, not 0 or 1`);
    positives += labels[i]!;
  }
  const minorityLabel = positives <= rows - positives ? 1 : 0;
  const m = minorityLabel === 1 ? positives : rows - positives;
  const majority = rows - m;
  const wanted = Math.max(0, Math.floor(ratio * majority) - m);
  if (wanted === 0) return { rows, features: x.slice(), labels: labels.slice() };
  if (m < 2) throw new TrainError("BAD_DATA", `smote needs at least 2 rows of the minority class ${minorityLabel}, got ${m}`);
  if (m > SMOTE_MAX_MINORITY) throw new TrainError("BAD_DATA", `smote: the minority class has ${m} rows, more than ${SMOTE_MAX_MINORITY}`);

  // the minority rows, contiguous
  const idx = new Int32Array(m);
  for (let i = 0, j = 0; i < rows; i++) if (labels[i] === minorityLabel) idx[j++] = i;
  const mx = new Float64Array(m * cols);
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < cols; c++) {
      const v = x[idx[a]! * cols + c]!;
      if (!Number.isFinite(v)) throw new TrainError("BAD_DATA", `smote: row ${idx[a]! + 1}, feature ${c + 1} is ${v}; SMOTE needs complete, finite rows`);
      mx[a * cols + c] = v;
    }
  }

  // k nearest minority neighbours of each minority row (itself excluded; ties by row order)
  const kk = Math.min(k, m - 1);
  const nn = new Int32Array(m * kk);
  const d = new Float64Array(m);
  const order = new Int32Array(m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const t = mx[a * cols + c]! - mx[b * cols + c]!;
        s += t * t;
      }
      d[b] = b === a ? Infinity : s;
      order[b] = b;
    }
    // partial selection of the kk smallest
    for (let i = 0; i < kk; i++) {
      let best = i;
      for (let j = i + 1; j < m; j++) {
        const oj = order[j]!;
        const ob = order[best]!;
        if (d[oj]! < d[ob]! || (d[oj] === d[ob] && oj < ob)) best = j;
      }
      const t = order[i]!;
      order[i] = order[best]!;
      order[best] = t;
      nn[a * kk + i] = order[i]!;
    }
  }

  const rng = createRng(options.seed, STREAM_SMOTE);
  const out = new Float64Array((rows + wanted) * cols);
  out.set(x);
  const outLabels = new Uint8Array(rows + wanted);
  outLabels.set(labels);
  outLabels.fill(minorityLabel, rows);
  for (let s = 0; s < wanted; s++) {
    const a = rng.int(m);
    const b = nn[a * kk + rng.int(kk)]!;
    const gap = rng.next();
    const o = (rows + s) * cols;
    for (let c = 0; c < cols; c++) {
      const xa = mx[a * cols + c]!;
      out[o + c] = xa + gap * (mx[b * cols + c]! - xa);
    }
  }
  return { rows: rows + wanted, features: out, labels: outLabels };
}
