/**
 * The output record: one JSON line per scored transaction, as delivered to Firehose.
 * @packageDocumentation
 */
import * as z from "zod/mini";

/**
 * A record id: 32 lowercase hex digits, the first half of SHA-256 over
 * `modelVersion + "\n" + transactionId`. The same transaction scored by the same model always gets
 * the same id, so consumers de-duplicate on it whatever was delivered twice.
 * @public
 */
export const SCORED_RECORD_ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * One output line (JSON, newline-terminated), fields in this order. Consumers de-duplicate on `id`.
 * With an anomaly detector configured, every line also carries `anomalyScore`, `anomalous` and
 * `anomalyModelVersion` (all three, or none).
 * @example
 * ```ts
 * const record = scoredRecordSchema.parse(JSON.parse(line));
 * ```
 * @public
 */
export const scoredRecordSchema = z.strictObject({
  /** Stable record id ({@link SCORED_RECORD_ID_PATTERN}). */
  id: z.string().check(z.regex(SCORED_RECORD_ID_PATTERN)),
  /** The transaction's event time, ISO 8601 UTC. */
  timestamp: z.iso.datetime(),
  /** The transaction's id (given by the HTTP caller, or derived from the scheduled event). */
  transactionId: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Where the transaction came from. */
  channel: z.literal(["Mobile", "Web", "Store"]),
  /** Amount in the dataset's currency. */
  amount: z.number(),
  /** Fraud probability (classifier) or regression value. */
  score: z.number(),
  /** 1 = fraud, 0 = legitimate; `null` for a regressor. */
  predictedLabel: z.union([z.literal(0), z.literal(1), z.null()]),
  /** Version of the model that scored it. */
  modelVersion: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The anomaly detector's score (higher is more anomalous); only when a detector is configured. */
  anomalyScore: z.optional(z.number()),
  /** Whether `anomalyScore` is at or above the anomaly threshold; only when a detector is configured. */
  anomalous: z.optional(z.boolean()),
  /** Version of the anomaly detector that scored it; only when a detector is configured. */
  anomalyModelVersion: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
}).check(
  z.refine((r) => (r.anomalyScore === undefined) === (r.anomalous === undefined) && (r.anomalous === undefined) === (r.anomalyModelVersion === undefined), {
    error: "anomalyScore, anomalous and anomalyModelVersion come together or not at all",
  }),
);

/** One output line, parsed. @public */
export type ScoredRecord = z.infer<typeof scoredRecordSchema>;

/** Largest dead-letter message body, in bytes (SQS's 256 KiB message limit). @public */
export const DEAD_LETTER_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * One message the scorer sends to its on-failure queue: records Firehose did not take within the
 * invocation's time, ready to be re-sent (each record as a JSON line) by whoever drains the queue.
 * A batch is split over as many messages as {@link DEAD_LETTER_MAX_MESSAGE_BYTES} requires.
 * @example
 * ```ts
 * const message = deadLetterMessageSchema.parse(JSON.parse(sqsMessage.Body));
 * const lines = message.records.map((r) => `${JSON.stringify(r)}\n`);
 * ```
 * @public
 */
export const deadLetterMessageSchema = z.strictObject({
  /** Format version. */
  version: z.literal(1),
  /** The Firehose stream the records were meant for. */
  deliveryStreamName: z.string().check(z.minLength(1)),
  /** The EventBridge event id of the scheduled invocation. */
  eventId: z.string().check(z.minLength(1)),
  /** Why the records were not delivered (the last Firehose error). */
  reason: z.string(),
  /** The undelivered records. */
  records: z.array(scoredRecordSchema).check(z.minLength(1)),
});

/** One dead-letter message, parsed. @public */
export type DeadLetterMessage = z.infer<typeof deadLetterMessageSchema>;
