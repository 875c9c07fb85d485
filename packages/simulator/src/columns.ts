import { invalidArgument } from "./errors.js";
import { requireObject } from "./options.js";
import { PROFILE_FRAUDS, PROFILE_ROWS } from "./profile.js";

/**
 * Default fraud rate of generated data and live streams: 492 / 284,807, the public file's.
 * @example
 * ```ts
 * Math.round(284_807 * DEFAULT_FRAUD_RATE); // 492
 * ```
 * @public
 */
export const DEFAULT_FRAUD_RATE: number = PROFILE_FRAUDS / PROFILE_ROWS;

/**
 * Number of PCA components `V1..V28` in a transaction.
 * @example
 * ```ts
 * transaction.v.length === V_COUNT; // 28
 * ```
 * @public
 */
export const V_COUNT = 28;

/**
 * Number of model features per transaction (`Time`, `V1..V28`, `Amount`): the row width of a {@link Dataset}.
 * @example
 * ```ts
 * const amountOfRow = (data: Dataset, r: number) => data.features[r * FEATURE_COUNT + 29];
 * ```
 * @public
 */
export const FEATURE_COUNT = 30;

/**
 * The 30 feature columns of `creditcard.csv`, in file order: `Time`, `V1`…`V28`, `Amount` — the
 * model's input order everywhere in this project.
 *
 * @example
 * ```ts
 * FEATURE_NAMES.length; // 30
 * FEATURE_NAMES.indexOf("V14"); // 14
 * ```
 * @public
 */
export const FEATURE_NAMES: readonly string[] = Object.freeze([
  "Time",
  ...Array.from({ length: V_COUNT }, (_, i) => `V${i + 1}`),
  "Amount",
]);

/**
 * The same list as {@link FEATURE_NAMES}.
 * @deprecated Use {@link FEATURE_NAMES}.
 * @example
 * ```ts
 * FEATURE_COLUMNS === FEATURE_NAMES; // true
 * ```
 * @public
 */
export const FEATURE_COLUMNS: readonly string[] = FEATURE_NAMES;

/**
 * All 31 columns of `creditcard.csv`: {@link FEATURE_NAMES} followed by `Class`.
 * @example
 * ```ts
 * CSV_COLUMNS.at(-1); // "Class"
 * ```
 * @public
 */
export const CSV_COLUMNS: readonly string[] = Object.freeze([...FEATURE_NAMES, "Class"]);

/**
 * One card transaction in the shape of a `creditcard.csv` row.
 * @public
 */
export interface Transaction {
  /** Seconds since the first transaction of the data set (the `Time` column). */
  time: number;
  /** The 28 anonymised PCA components `V1..V28`. */
  v: number[];
  /** Amount in euros (two decimals). */
  amount: number;
  /** `1` for fraud, `0` for a legitimate transaction; absent when unknown. */
  label?: 0 | 1;
}

/** Payment channel of a {@link LiveTransaction}. @public */
export type Channel = "Mobile" | "Web" | "Store";

/**
 * A transaction as it arrives in a live stream: a {@link Transaction} with an id, a channel and an event time.
 * @public
 */
export interface LiveTransaction extends Transaction {
  /** Unique id (UUID-shaped, derived from the seed, so reproducible). */
  id: string;
  /** Channel the transaction came through. */
  channel: Channel;
  /** Event time, ISO 8601 (UTC). */
  timestamp: string;
}

/**
 * A labelled feature matrix: what the generator and the readers produce and what the trainer
 * consumes. `rows × 30` features, row-major, each row in {@link FEATURE_NAMES} order
 * (`Time, V1..V28, Amount`), and one 0/1 label per row.
 *
 * @example
 * ```ts
 * const data: Dataset = generateDataset({ rows: 10, seed: 1 });
 * const amountOfRow3 = data.features[3 * FEATURE_COUNT + 29];
 * ```
 * @public
 */
export interface Dataset {
  /** Number of rows. */
  rows: number;
  /** `rows × 30` values, row after row. */
  features: Float64Array;
  /** One label per row, 0 or 1. */
  labels: Uint8Array;
}

/**
 * The 30 model features of a transaction, in {@link FEATURE_NAMES} order.
 *
 * @example
 * ```ts
 * transactionFeatures({ time: 0, v: new Array(28).fill(0), amount: 149.62 }).length; // 30
 * ```
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` when `v` does not hold 28 values.
 * @public
 */
export function transactionFeatures(t: Transaction): number[] {
  requireObject("transaction", t);
  if (!Array.isArray(t.v) || t.v.length !== V_COUNT) {
    throw invalidArgument(`transaction must have ${V_COUNT} V components, got ${Array.isArray(t.v) ? t.v.length : typeof t.v}`);
  }
  return [t.time, ...t.v, t.amount];
}

/**
 * Reads row `index` of a {@link Dataset} as a {@link Transaction} (with its label).
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for an index outside the data set.
 * @example
 * ```ts
 * const first = datasetRow(generateDataset({ rows: 10, seed: 1 }), 0);
 * first.v.length; // 28
 * ```
 * @public
 */
export function datasetRow(data: Dataset, index: number): Transaction {
  checkDataset(data);
  if (!Number.isInteger(index) || index < 0 || index >= data.rows) {
    throw invalidArgument(`row index ${index} is outside 0..${data.rows - 1}`);
  }
  const base = index * FEATURE_COUNT;
  const f = data.features;
  const v = new Array<number>(V_COUNT);
  for (let j = 0; j < V_COUNT; j++) v[j] = f[base + 1 + j] as number;
  return { time: f[base] as number, v, amount: f[base + 29] as number, label: data.labels[index] === 1 ? 1 : 0 };
}

/**
 * Checks that a {@link Dataset} is consistent: a non-negative integer row count, `rows × 30`
 * features and `rows` labels.
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` naming the mismatch.
 * @internal
 */
export function checkDataset(data: Dataset): Dataset {
  const ok =
    data !== null &&
    typeof data === "object" &&
    Number.isSafeInteger(data.rows) &&
    data.rows >= 0 &&
    data.features instanceof Float64Array &&
    data.labels instanceof Uint8Array &&
    data.features.length === data.rows * FEATURE_COUNT &&
    data.labels.length === data.rows;
  if (!ok) {
    const d = data as Partial<Dataset> | null;
    throw invalidArgument(
      `a Dataset needs rows × ${FEATURE_COUNT} features (Float64Array) and rows labels (Uint8Array), got rows ${String(d?.rows)}, ${String(d?.features?.length)} features, ${String(d?.labels?.length)} labels`,
    );
  }
  return data;
}

/** Checks a row range `[start, end)` of a data set. @internal */
export function checkRange(data: Dataset, start: number, end: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > data.rows) {
    throw invalidArgument(`row range must satisfy 0 <= start <= end <= ${data.rows}, got ${String(start)}..${String(end)}`);
  }
}

/**
 * Packs transactions into a {@link Dataset}; a missing label counts as 0.
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` when a transaction does not have 28 V components.
 * @example
 * ```ts
 * const data = toDataset(createTransactionSource({ seed: 1 }).take(100));
 * data.rows; // 100
 * ```
 * @public
 */
export function toDataset(transactions: readonly Transaction[]): Dataset {
  if (!Array.isArray(transactions)) throw invalidArgument(`transactions must be an array, got ${transactions === null ? "null" : typeof transactions}`);
  const rows = transactions.length;
  const features = new Float64Array(rows * FEATURE_COUNT);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = transactions[i] as Transaction;
    features.set(transactionFeatures(t), i * FEATURE_COUNT);
    labels[i] = t.label === 1 ? 1 : 0;
  }
  return { rows, features, labels };
}

/**
 * Iterates the rows of a {@link Dataset} as {@link Transaction} objects.
 * @example
 * ```ts
 * for (const t of datasetTransactions(data)) if (t.label === 1) console.log(t.amount);
 * ```
 * @public
 */
export function* datasetTransactions(data: Dataset): Generator<Transaction> {
  checkDataset(data);
  for (let i = 0; i < data.rows; i++) yield datasetRow(data, i);
}

/**
 * Rows being read, in {@link Dataset} layout, growing by doubling. Used by the streaming CSV and
 * NDJSON parsers: `reserve()` makes room for the next row, the parser writes it, `commit()` counts it.
 * @internal
 */
export class RowBuffer {
  /** Features, row-major; the first `rows` rows are written. */
  features: Float64Array<ArrayBuffer>;
  /** Labels of the first `rows` rows. */
  labels: Uint8Array<ArrayBuffer>;
  /** Rows committed so far. */
  rows = 0;

  constructor(capacity = 4096) {
    this.features = new Float64Array(capacity * FEATURE_COUNT);
    this.labels = new Uint8Array(capacity);
  }

  /** Makes room for one more row; returns the index of its first feature. */
  reserve(): number {
    if (this.rows === this.labels.length) {
      const f = new Float64Array(this.features.length * 2);
      f.set(this.features);
      const l = new Uint8Array(this.labels.length * 2);
      l.set(this.labels);
      this.features = f;
      this.labels = l;
    }
    return this.rows * FEATURE_COUNT;
  }

  /** Counts the row written since `reserve()`, with its label. */
  commit(label: number): void {
    this.labels[this.rows] = label;
    this.rows++;
  }

  /** The rows as a compact {@link Dataset}, or `undefined` when there are none. */
  toDataset(): Dataset | undefined {
    if (this.rows === 0) return undefined;
    return { rows: this.rows, features: this.features.slice(0, this.rows * FEATURE_COUNT), labels: this.labels.slice(0, this.rows) };
  }
}
