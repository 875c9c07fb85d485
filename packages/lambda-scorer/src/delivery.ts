/**
 * Firehose delivery: `PutRecordBatch` chunked to the API's limits; entries reported failed (and calls
 * that failed retryably) are re-sent alone on {@link retryRounds} until the time budget runs out.
 * Reports per record what was delivered, so callers decide what happens to the rest.
 * @packageDocumentation
 */
import { PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import pLimit from "p-limit";
import { ScorerError } from "./errors.js";
import { FIREHOSE_MAX_BATCH_BYTES, FIREHOSE_MAX_BATCH_RECORDS, FIREHOSE_MAX_RECORD_BYTES } from "./limits.js";
import { retryRounds } from "./retry.js";
import type { RetryPolicy } from "./retry.js";

/** The part of `FirehoseClient` delivery needs (a real client, or a mock in tests). @public */
export interface FirehoseSender {
  /** Sends one `PutRecordBatchCommand`; `abortSignal` cancels it at the deadline. */
  send(command: PutRecordBatchCommand, options?: { abortSignal?: AbortSignal }): Promise<PutRecordBatchCommandOutput>;
}

/** Options of {@link deliverRecords}. @public */
export interface DeliveryOptions extends Partial<RetryPolicy> {
  /** Firehose client. */
  client: FirehoseSender;
  /** Delivery stream name. */
  streamName: string;
  /**
   * Calls in flight at once.
   * @defaultValue 4
   */
  concurrency?: number;
  /** Aborts calls in flight (the handlers abort at the invocation's deadline minus the safety margin). */
  signal?: AbortSignal;
  /** Called before each retry round. */
  onRetry?: (info: { round: number; pending: number; delayMs: number; errorCodes: Record<string, number> }) => void;
  /** Called as soon as Firehose accepts records, with their indexes (to remember them at once). */
  onDelivered?: (indexes: readonly number[]) => void;
}

/** What {@link deliverRecords} did. @public */
export interface DeliveryReport {
  /** Indexes of the records Firehose accepted, ascending. */
  delivered: number[];
  /** Indexes of the records not accepted when delivery stopped, ascending (empty when all went). */
  failed: number[];
  /** `PutRecordBatch` calls made. */
  calls: number;
  /** Records re-sent after a failure, summed over rounds. */
  retried: number;
  /** Rounds run (1 = no retry). */
  rounds: number;
  /** The last failure seen (`ErrorCode: message`), if any. */
  lastError: string | undefined;
  /** Why records are left: the time budget ran out (`deadline`) or Firehose refused for good (`fatal`). */
  stoppedBy: "deadline" | "fatal" | undefined;
}

/**
 * Splits records into `PutRecordBatch`-sized chunks (≤ 500 records and ≤ 4 MiB), keeping order;
 * returns index lists into `records`.
 * @throws {@link ScorerError} `INVALID_ARGUMENT` for a record over 1,000 KiB.
 * @example
 * ```ts
 * chunkRecords(lines.map((l) => Buffer.from(l))); // [[0, 1, …, 499], [500, …]]
 * ```
 * @public
 */
export function chunkRecords(records: readonly Uint8Array[], indexes: readonly number[] = records.map((_, i) => i)): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = records[i]!.length;
    if (size > FIREHOSE_MAX_RECORD_BYTES) {
      throw new ScorerError("INVALID_ARGUMENT", `record ${i} is ${size} bytes, over Firehose's ${FIREHOSE_MAX_RECORD_BYTES}-byte limit`);
    }
    if (current.length === FIREHOSE_MAX_BATCH_RECORDS || (current.length > 0 && bytes + size > FIREHOSE_MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Whether a failed AWS call may succeed if sent again (throttling, 5xx, no answer at all). @internal */
export function isRetryable(err: unknown): boolean {
  const e = err as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  if (e.name === "AbortError") return false;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true; // network failure: no reply at all
  if (status >= 500 || status === 429) return true;
  return e.name === "ThrottlingException" || e.name === "ServiceUnavailableException";
}

/** `name: message` of an error, for logs and reports. @internal */
export function errorText(err: unknown): string {
  const e = err as Error;
  return `${e.name || "Error"}: ${e.message}`;
}

/** A time budget of `ms` from now, for callers without a Lambda context. */
function budgetFromNow(ms: number): () => number {
  const end = performance.now() + ms;
  return () => end - performance.now();
}

/**
 * Delivers records to Firehose with `PutRecordBatch`, re-sending failed entries (and calls that
 * failed retryably after the SDK's own retries) alone after a jittered back-off, for as long as the
 * time budget allows. Never throws for records Firehose would not take: they are reported in
 * `failed`, for the caller to dead-letter or report.
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` for a record over Firehose's 1,000 KiB.
 * @example
 * ```ts
 * const report = await deliverRecords(lines.map((l) => Buffer.from(l)), {
 *   client: new FirehoseClient({}),
 *   streamName: "fraud-scores",
 *   remainingMs: () => context.getRemainingTimeInMillis() - 5_000,
 * });
 * if (report.failed.length > 0) console.warn(`${report.failed.length} records not delivered`);
 * ```
 * @public
 */
export async function deliverRecords(records: readonly Uint8Array[], options: DeliveryOptions): Promise<DeliveryReport> {
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const report: DeliveryReport = { delivered: [], failed: [], calls: 0, retried: 0, rounds: 0, lastError: undefined, stoppedBy: undefined };
  let pending = records.map((_, i) => i);
  let errorCodes: Record<string, number> = {};
  const count = (code: string, n: number): void => {
    errorCodes[code] = (errorCodes[code] ?? 0) + n;
  };

  const sendChunk = async (chunk: number[], failed: number[]): Promise<boolean> => {
    report.calls++;
    try {
      const command = new PutRecordBatchCommand({ DeliveryStreamName: options.streamName, Records: chunk.map((i) => ({ Data: records[i]! })) });
      const out = await options.client.send(command, options.signal ? { abortSignal: options.signal } : {});
      const responses = out.RequestResponses ?? [];
      if (responses.length !== chunk.length) throw new Error(`PutRecordBatch answered ${responses.length} entries for ${chunk.length} records`);
      const ok: number[] = [];
      responses.forEach((r, k) => {
        if (!r.ErrorCode) return void ok.push(chunk[k]!);
        failed.push(chunk[k]!);
        count(r.ErrorCode, 1);
        report.lastError = `${r.ErrorCode}: ${r.ErrorMessage ?? ""}`;
      });
      report.delivered.push(...ok);
      if (ok.length > 0) options.onDelivered?.(ok);
      return true;
    } catch (err) {
      failed.push(...chunk);
      count((err as Error).name || "Error", chunk.length);
      report.lastError = errorText(err);
      return isRetryable(err);
    }
  };

  const outcome = await retryRounds(
    async (n) => {
      if (n > 1) report.retried += pending.length;
      errorCodes = {};
      const failed: number[] = [];
      const results = await Promise.all(chunkRecords(records, pending).map((chunk) => limit(() => sendChunk(chunk, failed))));
      pending = failed.sort((a, b) => a - b);
      return { pending: pending.length, stop: results.includes(false) || options.signal?.aborted === true };
    },
    { ...options, remainingMs: options.remainingMs ?? budgetFromNow(30_000) },
    (info) => options.onRetry?.({ ...info, errorCodes }),
  );
  report.rounds = outcome.rounds;
  report.failed = pending;
  report.stoppedBy = options.signal?.aborted ? "deadline" : outcome.stoppedBy;
  report.delivered.sort((a, b) => a - b);
  return report;
}
