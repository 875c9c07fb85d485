import { setTimeout as sleep } from "node:timers/promises";
import { FEATURE_COUNT, V_COUNT } from "./columns.js";
import type { Channel, Dataset, LiveTransaction } from "./columns.js";
import { invalidOption } from "./errors.js";
import { createTransactionSource } from "./generate.js";
import type { TransactionSourceOptions } from "./generate.js";
import { Rng, checkSeed } from "./rng.js";

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * Options of {@link poissonArrivals}.
 * @public
 */
export interface PoissonOptions {
  /** Mean arrivals per second. */
  rate: number;
  /** Seed: a non-negative safe integer. */
  seed: number;
}

/**
 * Arrival times (seconds from 0) of a seeded Poisson process: exponential gaps with mean `1 / rate`.
 * The same arrivals as the timestamps of {@link transactionStream} with the same seed and rate.
 *
 * @example
 * ```ts
 * const it = poissonArrivals({ rate: 10, seed: 1 });
 * it.next().value; // first arrival, about 0.1 s on average
 * ```
 * @public
 */
export function* poissonArrivals(options: PoissonOptions): Generator<number, never> {
  const rate = positive("rate", options.rate);
  const rng = new Rng(checkSeed(options.seed), 4);
  let t = 0;
  for (;;) {
    t += rng.exponential() / rate;
    yield t;
  }
}

/**
 * Options of {@link transactionStream}.
 * @public
 */
export interface StreamOptions extends Omit<TransactionSourceOptions, "rate"> {
  /** Mean arrivals per second (Poisson). */
  rate: number;
  /** Stop after this many seconds (of event time). At least one of `duration` and `count` bounds a stream. */
  duration?: number;
  /** Stop after this many transactions. */
  count?: number;
  /**
   * Wait for each arrival in real time; `false` yields as fast as consumed (timestamps unchanged).
   * @defaultValue true
   */
  realTime?: boolean;
  /** Stops the stream early. */
  signal?: AbortSignal;
}

/**
 * A live stream of generated transactions with Poisson arrivals: exponential gaps at `rate` per
 * second, each with an id, a channel and its event timestamp. Paced in real time by default.
 *
 * @throws {@link SimulatorError} `INVALID_OPTION` for bad options.
 * @example
 * ```ts
 * for await (const t of transactionStream({ seed: 1, rate: 5, duration: 10 })) console.log(t.id);
 * ```
 * @public
 */
export async function* transactionStream(options: StreamOptions): AsyncGenerator<LiveTransaction, void> {
  const rate = positive("rate", options.rate);
  const duration = options.duration === undefined ? Infinity : positive("duration", options.duration);
  const count = options.count ?? Infinity;
  if (count !== Infinity && (!Number.isInteger(count) || count < 0)) {
    throw invalidOption(`count must be a non-negative integer, got ${String(options.count)}`);
  }
  const start = options.start ?? Date.now();
  const source = createTransactionSource({ ...options, rate, start });
  const realTime = options.realTime ?? true;
  const wallStart = performance.now();
  for (let n = 0; n < count; n++) {
    if (options.signal?.aborted) return;
    const t = source.next();
    const at = source.elapsedSeconds;
    if (at > duration) {
      if (realTime) await waitUntil(wallStart + duration * 1000, options.signal);
      return;
    }
    if (realTime) await waitUntil(wallStart + at * 1000, options.signal);
    if (options.signal?.aborted) return;
    yield t;
  }
}

async function waitUntil(wallMs: number, signal?: AbortSignal): Promise<void> {
  const delay = wallMs - performance.now();
  if (delay >= 1) {
    try {
      await sleep(delay, undefined, signal ? { signal } : undefined);
    } catch {
      // Aborted: the caller checks the signal.
    }
  }
}

/**
 * Options of {@link replayDataset}.
 * @public
 */
export interface ReplayOptions {
  /** How many times faster than real time, > 0. */
  speed: number;
  /**
   * Seed for the ids and channels given to the replayed rows.
   * @defaultValue 0
   */
  seed?: number;
  /**
   * Event time of `Time = 0`, epoch milliseconds.
   * @defaultValue `Date.now()` at the start of the replay
   */
  start?: number;
  /**
   * Wait between rows in real time (scaled by `speed`); `false` yields as fast as consumed.
   * @defaultValue true
   */
  realTime?: boolean;
  /** Stops the replay early. */
  signal?: AbortSignal;
}

const LINGER = Symbol("linger");
const CHANNELS: readonly Channel[] = ["Store", "Web", "Mobile"];

/**
 * Replays a data set in its own time order (stable for equal times), `speed` times faster than real
 * time. Each row becomes a {@link LiveTransaction} whose timestamp is `start + Time` seconds.
 *
 * @throws {@link SimulatorError} `INVALID_OPTION` for a bad speed or seed.
 * @example
 * ```ts
 * for await (const t of replayDataset(await readCreditCardCsv("creditcard.csv"), { speed: 60 })) send(t);
 * ```
 * @public
 */
export async function* replayDataset(data: Dataset, options: ReplayOptions): AsyncGenerator<LiveTransaction, void> {
  const speed = positive("speed", options.speed);
  const rng = new Rng(checkSeed(options.seed ?? 0), 5);
  const f = data.features;
  const order = Array.from({ length: data.rows }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < data.rows && sorted; i++) if ((f[i * FEATURE_COUNT] as number) < (f[(i - 1) * FEATURE_COUNT] as number)) sorted = false;
  if (!sorted) order.sort((a, b) => (f[a * FEATURE_COUNT] as number) - (f[b * FEATURE_COUNT] as number) || a - b);
  const start = options.start ?? Date.now();
  const realTime = options.realTime ?? true;
  const t0 = data.rows > 0 ? (f[(order[0] as number) * FEATURE_COUNT] as number) : 0;
  const wallStart = performance.now();
  for (const i of order) {
    if (options.signal?.aborted) return;
    const base = i * FEATURE_COUNT;
    const time = f[base] as number;
    if (realTime) await waitUntil(wallStart + ((time - t0) * 1000) / speed, options.signal);
    if (options.signal?.aborted) return;
    const v = new Array<number>(V_COUNT);
    for (let j = 0; j < V_COUNT; j++) v[j] = f[base + 1 + j] as number;
    const a = rng.u32();
    const b = rng.u32();
    yield {
      id: `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}-${i}`,
      channel: CHANNELS[rng.u32() % 3] as Channel,
      timestamp: new Date(start + time * 1000).toISOString(),
      time,
      v,
      amount: f[base + 29] as number,
      label: data.labels[i] === 1 ? 1 : 0,
    };
  }
}

/**
 * Options of {@link postTransactions}.
 * @public
 */
export interface PostOptions {
  /** URL to POST batches to. */
  url: string;
  /**
   * Transactions per request.
   * @defaultValue 25
   */
  batchSize?: number;
  /**
   * Most requests in flight; the source is not read further while they are all busy (back-pressure).
   * @defaultValue 2
   */
  concurrency?: number;
  /**
   * Retries of a batch after a network error, HTTP 429 or 5xx (exponential back-off from 100 ms).
   * @defaultValue 3
   */
  retries?: number;
  /**
   * Per-request timeout in milliseconds.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * Longest time in milliseconds a partial batch waits for more transactions before it is sent.
   * @defaultValue 1000
   */
  lingerMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Called after each batch settles. */
  onBatch?: (result: { sent: number; failed: number; status: number | undefined; error?: string }) => void;
}

/**
 * Counts returned by {@link postTransactions}.
 * @public
 */
export interface PostResult {
  /** Transactions in batches the target accepted (2xx). */
  sent: number;
  /** Transactions in batches that failed after all retries. */
  failed: number;
  /** Requests that settled (accepted or failed). */
  batches: number;
  /** Last failure reason, if any. */
  lastError?: string;
}

/**
 * POSTs transactions in small JSON batches `{"transactions": [...]}` (`application/json`) to a URL,
 * with bounded concurrency (back-pressure on the source) and retries; returns how many were sent
 * and how many failed.
 *
 * @throws {@link SimulatorError} `INVALID_OPTION` for a bad URL or option.
 * @example
 * ```ts
 * const { sent, failed } = await postTransactions(transactionStream({ seed: 1, rate: 50, duration: 5 }), {
 *   url: "http://127.0.0.1:3000/score",
 * });
 * ```
 * @public
 */
export async function postTransactions(source: AsyncIterable<LiveTransaction> | Iterable<LiveTransaction>, options: PostOptions): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalidOption(`target must be an http(s) URL, got ${String(options.url)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalidOption(`target must be an http(s) URL, got ${options.url}`);
  }
  const batchSize = options.batchSize ?? 25;
  const concurrency = options.concurrency ?? 2;
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const lingerMs = options.lingerMs ?? 1000;
  for (const [name, v, min] of [
    ["batch size", batchSize, 1],
    ["concurrency", concurrency, 1],
    ["retries", retries, 0],
    ["timeout", timeoutMs, 1],
    ["linger", lingerMs, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw invalidOption(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  const result: PostResult = { sent: 0, failed: 0, batches: 0 };
  const inFlight = new Set<Promise<void>>();

  const sendBatch = async (batch: LiveTransaction[]): Promise<void> => {
    const body = JSON.stringify({ transactions: batch });
    let status: number | undefined;
    let error: string | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(100 * 2 ** (attempt - 1));
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...options.headers },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          error = undefined;
          break;
        }
        error = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) break;
      } catch (err) {
        status = undefined;
        const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
        error = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
      }
    }
    result.batches++;
    if (error === undefined) result.sent += batch.length;
    else {
      result.failed += batch.length;
      result.lastError = error;
    }
    options.onBatch?.({ sent: error === undefined ? batch.length : 0, failed: error === undefined ? 0 : batch.length, status, ...(error ? { error } : {}) });
  };

  const dispatch = async (batch: LiveTransaction[]): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const p: Promise<void> = sendBatch(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const iterator: AsyncIterator<LiveTransaction> | Iterator<LiveTransaction> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let batch: LiveTransaction[] = [];
  let batchStarted = 0;
  let pending = Promise.resolve(iterator.next());
  for (;;) {
    let r: IteratorResult<LiveTransaction> | typeof LINGER;
    if (batch.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const linger = new Promise<typeof LINGER>((resolve) => {
        timer = setTimeout(() => resolve(LINGER), Math.max(0, batchStarted + lingerMs - performance.now()));
      });
      r = await Promise.race([pending, linger]);
      clearTimeout(timer);
      if (r === LINGER) {
        await dispatch(batch);
        batch = [];
        continue;
      }
    } else {
      r = await pending;
    }
    if (r.done) break;
    if (batch.length === 0) batchStarted = performance.now();
    batch.push(r.value);
    pending = Promise.resolve(iterator.next());
    if (batch.length >= batchSize) {
      await dispatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await dispatch(batch);
  await Promise.all(inFlight);
  return result;
}

