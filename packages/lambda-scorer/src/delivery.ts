/**
 * Firehose delivery: `PutRecordBatch` chunked to the API's limits, failed entries retried with
 * exponential back-off and full jitter, and an error (never a silent drop) when records keep failing.
 * @packageDocumentation
 */
import { PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import { ScorerError } from "./errors.js";

import { FIREHOSE_MAX_BATCH_BYTES as MAX_BATCH_BYTES, FIREHOSE_MAX_BATCH_RECORDS as MAX_BATCH_RECORDS, FIREHOSE_MAX_RECORD_BYTES as MAX_RECORD_BYTES } from "./limits.js";

/** The part of `FirehoseClient` delivery needs (a real client, or a mock in tests). @public */
export interface FirehoseSender {
  /** Sends one `PutRecordBatchCommand`. */
  send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput>;
}

/** Options of {@link deliverRecords}. @public */
export interface DeliveryOptions {
  /** Firehose client. */
  client: FirehoseSender;
  /** Delivery stream name. */
  streamName: string;
  /**
   * Attempts per record (the first send included).
   * @defaultValue 6
   */
  maxAttempts?: number;
  /**
   * Base of the exponential back-off: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ)).
   * @defaultValue 50
   */
  baseDelayMs?: number;
  /**
   * Cap of one back-off wait.
   * @defaultValue 2000
   */
  maxDelayMs?: number;
  /**
   * Calls in flight at once.
   * @defaultValue 4
   */
  concurrency?: number;
  /** Random source in [0, 1) for the jitter. @defaultValue Math.random */
  random?: () => number;
  /** Sleep function (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry round with the attempt number, records to resend and the wait. */
  onRetry?: (info: { attempt: number; records: number; delayMs: number; errorCodes: Record<string, number> }) => void;
}

/** What {@link deliverRecords} did. @public */
export interface DeliveryReport {
  /** Records delivered (all of them when the promise resolves). */
  delivered: number;
  /** `PutRecordBatch` calls made. */
  calls: number;
  /** Records resent after a failure, summed over rounds. */
  retried: number;
  /** Rounds needed (1 = no retry). */
  attempts: number;
}

/**
 * Splits records into `PutRecordBatch`-sized chunks (≤ {@link MAX_BATCH_RECORDS} records and
 * ≤ {@link MAX_BATCH_BYTES} bytes), keeping order; returns index lists into `records`.
 * @throws {@link ScorerError} `INVALID_INPUT` for a record over {@link MAX_RECORD_BYTES}.
 * @public
 */
export function chunkRecords(records: readonly Uint8Array[], indexes: readonly number[] = records.map((_, i) => i)): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = records[i]!.length;
    if (size > MAX_RECORD_BYTES) throw new ScorerError("INVALID_ARGUMENT", `record ${i} is ${size} bytes, over Firehose's ${MAX_RECORD_BYTES}-byte limit`);
    if (current.length === MAX_BATCH_RECORDS || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
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

function isRetryable(err: unknown): boolean {
  const e = err as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string; $fault?: string };
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true; // network failure: no reply at all
  if (status >= 500 || status === 429) return true;
  return e.name === "ThrottlingException" || e.name === "ServiceUnavailableException";
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers every record to Firehose with `PutRecordBatch`. Entries reported failed
 * (`ErrorCode`) — and whole calls that failed retryably after the SDK's own retries — are resent
 * alone, after an exponentially growing, fully jittered wait. Resolves only when every record is
 * accepted.
 *
 * @throws {@link ScorerError} `DELIVERY_FAILED` with `failedCount` when records still fail after
 * `maxAttempts`, or at once when Firehose refuses a call for good (e.g. unknown stream).
 * @example
 * ```ts
 * const report = await deliverRecords(lines.map((l) => Buffer.from(l)), { client: new FirehoseClient({}), streamName: "scores" });
 * ```
 * @public
 */
export async function deliverRecords(records: readonly Uint8Array[], options: DeliveryOptions): Promise<DeliveryReport> {
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 50;
  const cap = options.maxDelayMs ?? 2000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  // jitter needs no reproducibility; tests inject `random`
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const report: DeliveryReport = { delivered: 0, calls: 0, retried: 0, attempts: 0 };
  let pending = records.map((_, i) => i);
  let lastError = "";

  for (let attempt = 1; pending.length > 0; attempt++) {
    report.attempts = attempt;
    const chunks = chunkRecords(records, pending);
    const failed: number[] = [];
    const errorCodes: Record<string, number> = {};
    let fatal: { err: unknown; chunk: number[] } | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length && !fatal) {
        const chunk = chunks[next++]!;
        report.calls++;
        try {
          const out = await options.client.send(
            new PutRecordBatchCommand({ DeliveryStreamName: options.streamName, Records: chunk.map((i) => ({ Data: records[i]! })) }),
          );
          const responses = out.RequestResponses ?? [];
          if (responses.length !== chunk.length) {
            throw new ScorerError("DELIVERY_FAILED", `PutRecordBatch answered ${responses.length} entries for ${chunk.length} records`);
          }
          responses.forEach((r, k) => {
            if (r.ErrorCode) {
              failed.push(chunk[k]!);
              errorCodes[r.ErrorCode] = (errorCodes[r.ErrorCode] ?? 0) + 1;
              lastError = `${r.ErrorCode}: ${r.ErrorMessage ?? ""}`;
            } else report.delivered++;
          });
        } catch (err) {
          if (err instanceof ScorerError || !isRetryable(err)) {
            fatal = { err, chunk };
            return;
          }
          const name = (err as Error).name || "Error";
          errorCodes[name] = (errorCodes[name] ?? 0) + chunk.length;
          lastError = `${name}: ${(err as Error).message}`;
          failed.push(...chunk);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
    if (fatal) {
      const notDelivered = records.length - report.delivered;
      throw new ScorerError(
        "DELIVERY_FAILED",
        `Firehose refused PutRecordBatch to ${options.streamName}: ${(fatal.err as Error).message}; ${notDelivered} of ${records.length} records not delivered`,
        { cause: fatal.err, failedCount: notDelivered, deliveredCount: report.delivered },
      );
    }
    pending = failed.sort((a, b) => a - b);
    if (pending.length === 0) break;
    if (attempt >= maxAttempts) {
      throw new ScorerError(
        "DELIVERY_FAILED",
        `${pending.length} of ${records.length} records still failing after ${maxAttempts} attempts (last error ${lastError})`,
        { failedCount: pending.length, deliveredCount: report.delivered },
      );
    }
    const delayMs = random() * Math.min(cap, base * 2 ** attempt);
    options.onRetry?.({ attempt, records: pending.length, delayMs, errorCodes });
    report.retried += pending.length;
    await sleep(delayMs);
  }
  return report;
}
