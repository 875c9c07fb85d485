import { setTimeout as sleep } from "node:timers/promises";
import { FEATURE_COUNT, V_COUNT, checkDataset } from "./columns.js";
import type { Channel, Dataset, LiveTransaction } from "./columns.js";
import { createTransactionSource } from "./generate.js";
import type { TransactionSourceOptions } from "./generate.js";
import { DURATION, POSITIVE, RATE, SEED, SPEED, checkOption, integer, requireObject } from "./options.js";
import { Rng } from "./rng.js";

/**
 * The time source that paces real-time streams: a monotonic `now()` in milliseconds and a `sleep`.
 * The default is the machine's clock; pass another to drive a stream from simulated time.
 *
 * @example
 * ```ts
 * let t = 0;
 * const simulated: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
 * for await (const tx of transactionStream({ seed: 1, rate: 5, duration: 60, clock: simulated })) send(tx);
 * ```
 * @public
 */
export interface Clock {
  /** Milliseconds from an arbitrary origin, never decreasing. */
  now(): number;
  /** Resolves after `ms` milliseconds (or early when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const systemClock: Clock = {
  now: () => performance.now(),
  async sleep(ms, signal) {
    try {
      await sleep(ms, undefined, signal ? { signal } : undefined);
    } catch {
      // Aborted: the caller checks the signal.
    }
  },
};

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
  requireObject("options", options);
  const rate = checkOption("rate", POSITIVE, options.rate);
  const rng = new Rng(checkOption("seed", SEED, options.seed), 4);
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
  /** Mean arrivals per second (Poisson): positive, at most `MAX_STREAM_RATE` in real time. */
  rate: number;
  /**
   * Stop after this many seconds, in (0, `MAX_STREAM_SECONDS`]: of event time, and in real
   * time also of wall time (a stream that falls behind its rate still ends on time). At least one of
   * `duration` and `count` bounds a stream.
   */
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
  /**
   * Time source for real-time pacing.
   * @defaultValue the machine's clock (`performance.now()` and `node:timers/promises`)
   */
  clock?: Clock;
}

/**
 * A live stream of generated transactions with Poisson arrivals: exponential gaps at `rate` per
 * second, each with an id, a channel and its event timestamp. Paced in real time by default.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * for await (const t of transactionStream({ seed: 1, rate: 5, duration: 10 })) console.log(t.id);
 * ```
 * @public
 */
export async function* transactionStream(options: StreamOptions): AsyncGenerator<LiveTransaction, void> {
  requireObject("options", options);
  const realTime = options.realTime ?? true;
  const rate = checkOption("rate", realTime ? RATE : POSITIVE, options.rate);
  const duration = options.duration === undefined ? Infinity : checkOption("duration", DURATION, options.duration);
  const count = options.count === undefined ? Infinity : checkOption("count", integer(0), options.count);
  const start = options.start ?? Date.now();
  const source = createTransactionSource({ ...options, rate, start });
  const clock = options.clock ?? systemClock;
  const wallStart = clock.now();
  const wallEnd = wallStart + duration * 1000;
  for (let n = 0; n < count; n++) {
    if (options.signal?.aborted) return;
    const t = source.next();
    const at = source.elapsedSeconds;
    if (at > duration) {
      if (realTime) await waitUntil(clock, wallEnd, options.signal);
      return;
    }
    if (realTime) {
      await waitUntil(clock, wallStart + at * 1000, options.signal);
      // Behind schedule (a slow consumer or a rate the machine cannot reach): the duration is
      // wall time all the same.
      if (clock.now() > wallEnd) return;
    }
    if (options.signal?.aborted) return;
    yield t;
  }
}

async function waitUntil(clock: Clock, wallMs: number, signal?: AbortSignal): Promise<void> {
  const delay = wallMs - clock.now();
  if (delay >= 1) await clock.sleep(delay, signal);
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
  /**
   * Time source for real-time pacing.
   * @defaultValue the machine's clock (`performance.now()` and `node:timers/promises`)
   */
  clock?: Clock;
}

const CHANNELS: readonly Channel[] = ["Store", "Web", "Mobile"];

/**
 * Replays a data set in its own time order (stable for equal times), `speed` times faster than real
 * time. Each row becomes a {@link LiveTransaction} whose timestamp is `start + Time` seconds.
 *
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad speed or seed.
 * @example
 * ```ts
 * for await (const t of replayDataset(await readCreditCardCsv("creditcard.csv"), { speed: 60 })) send(t);
 * ```
 * @public
 */
export async function* replayDataset(data: Dataset, options: ReplayOptions): AsyncGenerator<LiveTransaction, void> {
  requireObject("options", options);
  checkDataset(data);
  const speed = checkOption("speed", SPEED, options.speed);
  const rng = new Rng(checkOption("seed", SEED, options.seed ?? 0), 5);
  const f = data.features;
  const order = Array.from({ length: data.rows }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < data.rows && sorted; i++) if ((f[i * FEATURE_COUNT] as number) < (f[(i - 1) * FEATURE_COUNT] as number)) sorted = false;
  if (!sorted) order.sort((a, b) => (f[a * FEATURE_COUNT] as number) - (f[b * FEATURE_COUNT] as number) || a - b);
  const start = options.start ?? Date.now();
  const realTime = options.realTime ?? true;
  const t0 = data.rows > 0 ? (f[(order[0] as number) * FEATURE_COUNT] as number) : 0;
  const clock = options.clock ?? systemClock;
  const wallStart = clock.now();
  for (const i of order) {
    if (options.signal?.aborted) return;
    const base = i * FEATURE_COUNT;
    const time = f[base] as number;
    if (realTime) await waitUntil(clock, wallStart + ((time - t0) * 1000) / speed, options.signal);
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

