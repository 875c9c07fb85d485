import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import type { LiveTransaction } from "./columns.js";
import { invalidArgument } from "./errors.js";
import { integer, optionalOption, requireObject } from "./options.js";

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
 * @throws {@link SimulatorError} `INVALID_ARGUMENT` for a bad URL or option.
 * @example
 * ```ts
 * const { sent, failed } = await postTransactions(transactionStream({ seed: 1, rate: 50, duration: 5 }), {
 *   url: "http://127.0.0.1:3000/score",
 * });
 * ```
 * @public
 */
export async function postTransactions(source: AsyncIterable<LiveTransaction> | Iterable<LiveTransaction>, options: PostOptions): Promise<PostResult> {
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable === null || typeof iterable !== "object" || (typeof iterable[Symbol.asyncIterator] !== "function" && typeof iterable[Symbol.iterator] !== "function")) {
    throw invalidArgument(`source must be an iterable or async iterable of transactions, got ${source === null ? "null" : typeof source}`);
  }
  requireObject("options", options);
  const settings = postSettings(options);
  const result: PostResult = { sent: 0, failed: 0, batches: 0 };
  const inFlight = new Set<Promise<void>>();
  const dispatch = async (batch: LiveTransaction[]): Promise<void> => {
    // Back-pressure: the source is not read further while every slot is busy.
    while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
    const p: Promise<void> = sendBatch(batch, settings, options, result).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  for await (const batch of batches(source, settings.batchSize, settings.lingerMs)) await dispatch(batch);
  await Promise.all(inFlight);
  return result;
}

interface PostSettings {
  url: URL;
  batchSize: number;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  lingerMs: number;
}

function postSettings(options: PostOptions): PostSettings {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalidArgument(`target must be an http(s) URL, got ${String(options.url)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalidArgument(`target must be an http(s) URL, got ${options.url}`);
  }
  return {
    url,
    batchSize: optionalOption("batch size", integer(1), options.batchSize, 25),
    concurrency: optionalOption("concurrency", integer(1), options.concurrency, 2),
    retries: optionalOption("retries", integer(0), options.retries, 3),
    timeoutMs: optionalOption("timeout", integer(1), options.timeoutMs, 10_000),
    lingerMs: optionalOption("linger", integer(0), options.lingerMs, 1000),
  };
}

/** A failed attempt: `reason` is what gets reported (`HTTP 503`, `ECONNREFUSED`, …). */
class AttemptFailed extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | undefined,
  ) {
    super(reason);
    this.name = "AttemptFailed";
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
}

/** One POST; resolves with the status, throws {@link AttemptFailed} (wrapped in `AbortError` when a retry cannot help). */
async function attempt(body: string, settings: PostSettings, headers: Record<string, string> | undefined): Promise<number> {
  let res: Response;
  try {
    res = await fetch(settings.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new AttemptFailed(networkReason(err), undefined);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return res.status;
  const failed = new AttemptFailed(`HTTP ${res.status}`, res.status);
  // 429 and 5xx may pass on a later attempt; other refusals will not.
  throw res.status === 429 || res.status >= 500 ? failed : new AbortError(failed);
}

async function sendBatch(batch: LiveTransaction[], settings: PostSettings, options: PostOptions, result: PostResult): Promise<void> {
  const body = JSON.stringify({ transactions: batch });
  let status: number | undefined;
  let error: string | undefined;
  try {
    status = await pRetry(() => attempt(body, settings, options.headers), {
      retries: settings.retries,
      factor: 2,
      minTimeout: 100,
      randomize: false,
    });
  } catch (err) {
    error = err instanceof AttemptFailed ? err.reason : networkReason(err);
    status = err instanceof AttemptFailed ? err.status : undefined;
  }
  result.batches++;
  if (error === undefined) result.sent += batch.length;
  else {
    result.failed += batch.length;
    result.lastError = error;
  }
  options.onBatch?.({ sent: error === undefined ? batch.length : 0, failed: error === undefined ? 0 : batch.length, status, ...(error ? { error } : {}) });
}

const LINGER = Symbol("linger");

/**
 * Groups a source into batches of `size`, sending a partial batch once its first transaction has
 * waited `lingerMs`. Pulls the next item only when the consumer asks (back-pressure).
 */
async function* batches(source: AsyncIterable<LiveTransaction> | Iterable<LiveTransaction>, size: number, lingerMs: number): AsyncGenerator<LiveTransaction[]> {
  const iterator: AsyncIterator<LiveTransaction> | Iterator<LiveTransaction> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let batch: LiveTransaction[] = [];
  let lingerUntil = 0;
  let pending = Promise.resolve(iterator.next());
  for (;;) {
    let r: IteratorResult<LiveTransaction> | typeof LINGER;
    if (batch.length > 0) {
      const ac = new AbortController();
      const linger = sleep<typeof LINGER>(Math.max(0, lingerUntil - performance.now()), LINGER, { signal: ac.signal }).catch((): typeof LINGER => LINGER);
      r = await Promise.race([pending, linger]);
      ac.abort();
    } else {
      r = await pending;
    }
    if (r === LINGER || (r.done && batch.length > 0)) {
      yield batch;
      batch = [];
      if (r === LINGER) continue;
    }
    if (r.done) return;
    if (batch.length === 0) lingerUntil = performance.now() + lingerMs;
    batch.push(r.value);
    pending = Promise.resolve(iterator.next());
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
}
