import { DEFAULT_FRAUD_RATE, FEATURE_COUNT, V_COUNT } from "./columns.js";
import type { Channel, Dataset, LiveTransaction } from "./columns.js";
import { invalidArgument } from "./errors.js";
import { drawRow, timeAt } from "./model.js";
import { FRAUD_RATE, POSITIVE, ROWS, SEED, checkOption, integer, optionalOption, requireObject } from "./options.js";
import { Rng } from "./rng.js";

/**
 * Options of {@link generateDataset}.
 * @public
 */
export interface GenerateOptions {
  /** Number of rows, 1 to {@link MAX_ROWS}. */
  rows: number;
  /** Seed: a non-negative safe integer. Same seed, same data, on any machine. */
  seed: number;
  /**
   * Share of fraud rows, in (0, 1). The number of frauds is exactly `round(rows * fraudRate)`.
   * @defaultValue 492 / 284807
   */
  fraudRate?: number;
  /** Called now and then with the number of rows done so far (for progress bars). */
  onProgress?: (rowsDone: number) => void;
}

/** Sorted quantiles u_1 < ... < u_n (uniform order statistics) via normalised exponential spacings. */
function sortedUniforms(rng: Rng, n: number): Float64Array {
  const s = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += rng.exponential();
    s[i] = acc;
  }
  const total = acc + rng.exponential();
  for (let i = 0; i < n; i++) s[i] = (s[i] as number) / total;
  return s;
}

/**
 * Generates a data set that behaves like the public `creditcard.csv`: rows in time order over two
 * days, the profile's per-class means and spreads, heavy-tailed amounts, and realistic overlap
 * between frauds and legitimate rows. Deterministic: the same options give the same numbers.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad row count, seed or fraud rate.
 * @example
 * ```ts
 * const data = generateDataset({ rows: 284_807, seed: 42 });
 * data.labels.reduce((a, b) => a + b, 0); // 492
 * ```
 * @public
 */
export function generateDataset(options: GenerateOptions): Dataset {
  requireObject("options", options);
  const rows = checkOption("rows", ROWS, options.rows);
  const seed = checkOption("seed", SEED, options.seed);
  const rate = optionalOption("fraud rate", FRAUD_RATE, options.fraudRate, DEFAULT_FRAUD_RATE);
  const frauds = Math.min(rows, Math.round(rows * rate));
  const legit = rows - frauds;
  const timeRng = new Rng(seed, 1);
  const rng = new Rng(seed, 2);
  // Times: each class's order statistics, merged, so the rows come out in time order like the public file.
  const u0 = sortedUniforms(timeRng, legit);
  const u1 = sortedUniforms(timeRng, frauds);
  const features = new Float64Array(rows * FEATURE_COUNT);
  const labels = new Uint8Array(rows);
  let i0 = 0;
  let i1 = 0;
  let t0 = legit > 0 ? timeAt(u0[0] as number, false) : Infinity;
  let t1 = frauds > 0 ? timeAt(u1[0] as number, true) : Infinity;
  const progressStep = 65536;
  for (let r = 0; r < rows; r++) {
    const base = r * FEATURE_COUNT;
    let time: number;
    let fraud: boolean;
    if (t1 < t0) {
      fraud = true;
      time = t1;
      i1++;
      t1 = i1 < frauds ? timeAt(u1[i1] as number, true) : Infinity;
    } else {
      fraud = false;
      time = t0;
      i0++;
      t0 = i0 < legit ? timeAt(u0[i0] as number, false) : Infinity;
    }
    features[base] = time;
    features[base + 29] = drawRow(rng, fraud, time, features, base + 1);
    if (fraud) labels[r] = 1;
    if (options.onProgress && (r + 1) % progressStep === 0) options.onProgress(r + 1);
  }
  options.onProgress?.(rows);
  return { rows, features, labels };
}

/**
 * Options of {@link createTransactionSource}.
 * @public
 */
export interface TransactionSourceOptions {
  /** Seed: a non-negative safe integer. */
  seed: number;
  /**
   * Probability that a transaction is a fraud, in (0, 1).
   * @defaultValue 492 / 284807
   */
  fraudRate?: number;
  /**
   * Event time of the first arrival's clock origin, epoch milliseconds.
   * @defaultValue `Date.now()` when the source is created
   */
  start?: number;
  /**
   * Mean arrivals per second; event timestamps advance by exponential gaps (a Poisson process).
   * @defaultValue 284807 / 172800 (the public file's average rate)
   */
  rate?: number;
}

/**
 * A seeded, endless source of live transactions.
 * @public
 */
export interface TransactionSource {
  /** Draws the next transaction (its timestamp follows the previous one by an exponential gap). */
  next(): LiveTransaction;
  /** Draws `n` transactions. */
  take(n: number): LiveTransaction[];
  /** Seconds from `start` to the last drawn transaction's event time. */
  readonly elapsedSeconds: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function uuid(rng: Rng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  const h = (x: number, shift: number): string => HEX[(x >>> shift) & 0xff] as string;
  const b6 = ((b >>> 8) & 0x0f) | 0x40; // version 4
  const b8 = ((c >>> 24) & 0x3f) | 0x80; // RFC 4122 variant
  return (
    h(a, 24) + h(a, 16) + h(a, 8) + h(a, 0) + "-" +
    h(b, 24) + h(b, 16) + "-" + (HEX[b6] as string) + h(b, 0) + "-" +
    (HEX[b8] as string) + h(c, 16) + "-" + h(c, 8) + h(c, 0) +
    h(d, 24) + h(d, 16) + h(d, 8) + h(d, 0)
  );
}

function channel(rng: Rng, fraud: boolean): Channel {
  const u = rng.uniform();
  // Card-not-present channels carry most fraud.
  if (fraud) return u < 0.45 ? "Web" : u < 0.9 ? "Mobile" : "Store";
  return u < 0.4 ? "Store" : u < 0.7 ? "Web" : "Mobile";
}

/**
 * Creates a seeded source of live transactions: each has the generator's features (Time drawn from
 * the two-day rhythm), a unique id, a channel and an ISO event timestamp that advances like a
 * Poisson process at `rate` per second from `start`.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad seed, fraud rate, rate or start.
 * @example
 * ```ts
 * const source = createTransactionSource({ seed: 7, start: Date.UTC(2024, 0, 1) });
 * const [t] = source.take(1);
 * transactionFeatures(t); // 30 numbers for the model
 * ```
 * @public
 */
export function createTransactionSource(options: TransactionSourceOptions): TransactionSource {
  requireObject("options", options);
  const seed = checkOption("seed", SEED, options.seed);
  const rate = optionalOption("fraud rate", FRAUD_RATE, options.fraudRate, DEFAULT_FRAUD_RATE);
  const perSecond = optionalOption("rate", POSITIVE, options.rate, 284_807 / 172_800);
  const start = options.start ?? Date.now();
  if (typeof start !== "number" || !Number.isFinite(start)) {
    throw invalidArgument(`start must be epoch milliseconds, got ${String(options.start)}`);
  }
  const rng = new Rng(seed, 3);
  const gaps = new Rng(seed, 4);
  const buf = new Float64Array(V_COUNT);
  let elapsed = 0;
  const next = (): LiveTransaction => {
    elapsed += gaps.exponential() / perSecond;
    const fraud = rng.uniform() < rate;
    const time = timeAt(rng.uniform(), fraud);
    const amount = drawRow(rng, fraud, time, buf, 0);
    return {
      id: uuid(rng),
      channel: channel(rng, fraud),
      timestamp: new Date(start + Math.round(elapsed * 1000)).toISOString(),
      time,
      v: Array.from(buf),
      amount,
      label: fraud ? 1 : 0,
    };
  };
  return {
    next,
    take(n: number): LiveTransaction[] {
      checkOption("take() count", integer(0), n);
      const out: LiveTransaction[] = [];
      for (let i = 0; i < n; i++) out.push(next());
      return out;
    },
    get elapsedSeconds(): number {
      return elapsed;
    },
  };
}
