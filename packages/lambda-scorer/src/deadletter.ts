/**
 * Dead-lettering: records Firehose did not take in time go to the stack's on-failure SQS queue,
 * packed into messages of at most 256 KiB ({@link DeadLetterMessage}), re-sent on the same
 * {@link retryRounds} loop as delivery.
 * @packageDocumentation
 */
import type { SendMessageCommand, SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import pLimit from "p-limit";
import { errorText, isRetryable } from "./delivery.js";
import { DEAD_LETTER_MAX_MESSAGE_BYTES } from "./record.js";
import type { DeadLetterMessage } from "./record.js";
import { retryRounds } from "./retry.js";
import type { RetryPolicy } from "./retry.js";

/** The part of `SQSClient` dead-lettering needs. @public */
export interface QueueSender {
  /** Sends one `SendMessageCommand`. */
  send(command: SendMessageCommand, options?: { abortSignal?: AbortSignal }): Promise<SendMessageCommandOutput>;
}

/** Options of {@link deadLetterRecords}. @public */
export interface DeadLetterOptions extends Partial<RetryPolicy> {
  /** SQS client. */
  client: QueueSender;
  /** The on-failure queue's URL. */
  queueUrl: string;
  /** Written into every message. */
  header: Omit<DeadLetterMessage, "version" | "records">;
  /** Aborts calls in flight. */
  signal?: AbortSignal;
  /** Messages in flight at once. @defaultValue 4 */
  concurrency?: number;
  /** Called as soon as a message is accepted, with the indexes of its records. */
  onSent?: (indexes: readonly number[]) => void;
}

/** What {@link deadLetterRecords} did. @public */
export interface DeadLetterReport {
  /** Indexes of the records now in the queue, ascending. */
  sent: number[];
  /** Indexes of the records that could not be queued either, ascending. */
  failed: number[];
  /** Messages accepted. */
  messages: number;
  /** `SendMessage` calls made. */
  calls: number;
  /** The last failure seen, if any. */
  lastError: string | undefined;
}

/**
 * Packs serialized records (`lines[i]`: one record's JSON, no newline) into message bodies of at
 * most `maxBytes`; returns the index lists of each message.
 * @internal
 */
export function packMessages(lines: readonly string[], indexes: readonly number[], headerBytes: number, maxBytes = DEAD_LETTER_MAX_MESSAGE_BYTES): number[][] {
  const messages: number[][] = [];
  let current: number[] = [];
  let bytes = headerBytes;
  for (const i of indexes) {
    const size = Buffer.byteLength(lines[i]!) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      messages.push(current);
      current = [];
      bytes = headerBytes;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/**
 * Sends records to the on-failure queue, re-sending failed messages within the time budget.
 * Never throws for SQS failures: what could not be queued is reported in `failed`.
 *
 * @example
 * ```ts
 * const report = await deadLetterRecords(lines, undelivered, {
 *   client: new SQSClient({}),
 *   queueUrl: config.onFailureQueueUrl,
 *   header: { deliveryStreamName: "fraud-scores", eventId: event.id, reason: "ServiceUnavailableException" },
 *   remainingMs: () => context.getRemainingTimeInMillis() - 1_000,
 * });
 * ```
 * @public
 */
export async function deadLetterRecords(lines: readonly string[], indexes: readonly number[], options: DeadLetterOptions): Promise<DeadLetterReport> {
  // `{"version":1,…,"records":[` — the records and the closing `]}` are appended per message
  // imported on first use: most cold starts never dead-letter
  const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
  const head = JSON.stringify({ version: 1, ...options.header, records: [] }).slice(0, -2);
  const messages = packMessages(lines, indexes, Buffer.byteLength(head) + 2);
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const report: DeadLetterReport = { sent: [], failed: [], messages: 0, calls: 0, lastError: undefined };
  let pending = messages;

  const sendMessage = async (message: number[], failed: number[][]): Promise<boolean> => {
    report.calls++;
    try {
      const body = `${head}${message.map((i) => lines[i]!).join(",")}]}`;
      await options.client.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: body }), options.signal ? { abortSignal: options.signal } : {});
      report.messages++;
      report.sent.push(...message);
      options.onSent?.(message);
      return true;
    } catch (err) {
      failed.push(message);
      report.lastError = errorText(err);
      return isRetryable(err);
    }
  };

  await retryRounds(
    async () => {
      const failed: number[][] = [];
      const results = await Promise.all(pending.map((m) => limit(() => sendMessage(m, failed))));
      pending = failed;
      return { pending: pending.length, stop: results.includes(false) || options.signal?.aborted === true };
    },
    { ...options, remainingMs: options.remainingMs ?? (() => 0) },
  );
  report.failed = pending.flat().sort((a, b) => a - b);
  report.sent.sort((a, b) => a - b);
  return report;
}
