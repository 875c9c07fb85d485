/**
 * The pure core: score a batch of transactions, deliver one JSON line per transaction to Firehose
 * within the time budget, skip what this container already handed off for the event, and
 * dead-letter what Firehose would not take. Every dependency is injected, so it runs the same
 * against AWS, the local stand-ins and mocks.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { deadLetterRecords } from "./deadletter.js";
import type { QueueSender } from "./deadletter.js";
import { deliverRecords } from "./delivery.js";
import type { FirehoseSender } from "./delivery.js";
import { ScorerError } from "./errors.js";
import type { DeliveryLedger } from "./ledger.js";
import type { ScoredRecord } from "./record.js";
import type { RetryPolicy } from "./retry.js";
import type { Scorer } from "./scorers.js";

/** A transaction ready to score. @public */
export interface ScoringTransaction {
  /** Unique transaction id (written as `transactionId`). */
  id: string;
  /** Where it came from: `Mobile`, `Web` or `Store`. */
  channel: ScoredRecord["channel"];
  /** When it happened, ISO 8601. */
  timestamp: string;
  /** Amount in the dataset's currency. */
  amount: number;
  /** The model's features in column order (`Time, V1…V28, Amount`: 30 values). */
  features: ArrayLike<number>;
}

/**
 * What happened to one record: `delivered` (Firehose took it now), `already` (this container
 * handed it off for the same event before), `dead-lettered` (in the on-failure queue) or `failed`
 * (neither).
 * @public
 */
export type RecordStatus = "delivered" | "already" | "dead-lettered" | "failed";

/** Where undelivered records of a scheduled event go. @public */
export interface DeadLetterTarget {
  /** SQS client. */
  client: QueueSender;
  /** The on-failure queue's URL. */
  queueUrl: string;
  /** Time left for dead-lettering, in ms (the handlers keep a fifth of the safety margin back). */
  remainingMs: () => number;
  /** Aborts SQS calls in flight. */
  signal?: AbortSignal;
}

/** The optional second model: an anomaly detector scored beside the classifier. @public */
export interface AnomalyDetector {
  /** Its scorer: `score` is the anomaly score, `predictedLabel` 1 when anomalous. */
  scorer: Scorer;
  /** Written with every record as `anomalyModelVersion`. */
  modelVersion: string;
}

/** Dependencies of {@link scoreTransactions}. @public */
export interface ScoreDependencies {
  /** Where scores come from: the classifier. */
  scorer: Scorer;
  /** An anomaly detector scored beside the classifier: records then carry `anomalyScore`, `anomalous` and `anomalyModelVersion`. */
  detector?: AnomalyDetector;
  /** Firehose client. */
  firehose: FirehoseSender;
  /** Delivery stream name. */
  streamName: string;
  /** Written with every score. */
  modelVersion: string;
  /** Time left for Firehose delivery, in ms (the handlers pass remaining time minus the safety margin). @defaultValue 30 s from the call */
  remainingMs?: () => number;
  /** Aborts Firehose calls in flight at the deadline. */
  signal?: AbortSignal;
  /** Back-off settings and injectable sleep/random of the retry loop. */
  retry?: Omit<RetryPolicy, "remainingMs">;
  /** Called before each delivery retry round. */
  onRetry?: (info: { round: number; pending: number; delayMs: number; errorCodes: Record<string, number> }) => void;
  /** The event the batch belongs to and the container's ledger: records handed off before are skipped, new ones recorded. */
  event?: {
    /** The scheduled event's id. */
    id: string;
    /** The container's ledger. */
    ledger: DeliveryLedger;
  };
  /** The on-failure queue for records Firehose did not take (scheduled invocations). */
  deadLetter?: DeadLetterTarget;
}

/** Outcome of {@link scoreTransactions}. @public */
export interface ScoreBatchResult {
  /** Every transaction's output record, in input order. */
  records: ScoredRecord[];
  /** What happened to each record (same order). */
  status: RecordStatus[];
  /** Records per status. */
  counts: Record<RecordStatus, number>;
  /** Transactions predicted fraudulent. */
  flagged: number;
  /** Transactions the anomaly detector flagged (0 without one). */
  anomalous: number;
  /** `PutRecordBatch` calls made. */
  deliveryCalls: number;
  /** Records re-sent to Firehose after failures, summed over rounds. */
  retried: number;
  /** The last delivery failure seen, if any. */
  lastError: string | undefined;
  /** Milliseconds spent scoring. */
  scoreMs: number;
  /** Milliseconds spent delivering (and dead-lettering). */
  deliverMs: number;
}

/**
 * The stable id of an output record: the first 32 hex digits of SHA-256 over
 * `modelVersion + "\n" + transactionId`.
 * @example
 * ```ts
 * recordId("v1", "tx-1"); // 32 hex digits, the same every time
 * ```
 * @public
 */
export function recordId(modelVersion: string, transactionId: string): string {
  return createHash("sha256").update(`${modelVersion}\n${transactionId}`).digest("hex").slice(0, 32);
}

/** Serializes an output record: JSON in the schema's field order (no newline). @public */
export function formatRecord(r: ScoredRecord): string {
  if (r.anomalyScore !== undefined) {
    return JSON.stringify({
      id: r.id,
      timestamp: r.timestamp,
      transactionId: r.transactionId,
      channel: r.channel,
      amount: r.amount,
      score: r.score,
      predictedLabel: r.predictedLabel,
      modelVersion: r.modelVersion,
      anomalyScore: r.anomalyScore,
      anomalous: r.anomalous,
      anomalyModelVersion: r.anomalyModelVersion,
    });
  }
  return JSON.stringify({
    id: r.id,
    timestamp: r.timestamp,
    transactionId: r.transactionId,
    channel: r.channel,
    amount: r.amount,
    score: r.score,
    predictedLabel: r.predictedLabel,
    modelVersion: r.modelVersion,
  });
}

async function scoreAll(transactions: readonly ScoringTransaction[], scorer: Scorer, modelVersion: string, detector: AnomalyDetector | undefined): Promise<ScoredRecord[]> {
  const dim = transactions[0]!.features.length;
  const data = new Float64Array(transactions.length * dim);
  transactions.forEach((t, i) => {
    if (t.features.length !== dim) {
      throw new ScorerError("INVALID_ARGUMENT", `transaction ${i} (${t.id}) has ${t.features.length} features, the first has ${dim}`);
    }
    for (let j = 0; j < dim; j++) data[i * dim + j] = t.features[j]!;
  });
  const matrix = { data, rows: transactions.length, cols: dim };
  const [scores, anomalies] = await Promise.all([scorer.score(matrix), detector?.scorer.score(matrix)]);
  if (scores.length !== transactions.length) {
    throw new ScorerError("ENDPOINT_FAILED", `scorer returned ${scores.length} scores for ${transactions.length} transactions`);
  }
  if (anomalies !== undefined && anomalies.length !== transactions.length) {
    throw new ScorerError("ENDPOINT_FAILED", `anomaly detector returned ${anomalies.length} scores for ${transactions.length} transactions`);
  }
  return transactions.map((t, i) => {
    const s = scores[i]!;
    const label = s.predictedLabel;
    const record: ScoredRecord = {
      id: recordId(modelVersion, t.id),
      timestamp: t.timestamp,
      transactionId: t.id,
      channel: t.channel,
      amount: t.amount,
      score: s.score,
      predictedLabel: label === 0 || label === 1 ? label : null,
      modelVersion,
    };
    if (anomalies === undefined) return record;
    const a = anomalies[i]!;
    return Object.assign(record, { anomalyScore: a.score, anomalous: a.predictedLabel === 1, anomalyModelVersion: detector!.modelVersion });
  });
}

async function handOff(lines: readonly string[], records: readonly ScoredRecord[], status: RecordStatus[], deps: ScoreDependencies, result: ScoreBatchResult): Promise<void> {
  const event = deps.event;
  const remember = (indexes: readonly number[]): void => event?.ledger.add(event.id, indexes.map((i) => records[i]!.id));
  const todo = status.flatMap((s, i) => (s === "failed" ? [i] : []));
  const bytes = todo.map((i) => Buffer.from(`${lines[i]!}\n`));
  const report = await deliverRecords(bytes, {
    ...deps.retry,
    client: deps.firehose,
    streamName: deps.streamName,
    ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
    onDelivered: (k) => remember(k.map((j) => todo[j]!)),
  });
  for (const k of report.delivered) status[todo[k]!] = "delivered";
  Object.assign(result, { deliveryCalls: report.calls, retried: report.retried, lastError: report.lastError });
  const dl = deps.deadLetter;
  if (report.failed.length === 0 || !dl || !event) return;
  const undelivered = report.failed.map((k) => todo[k]!);
  const sent = await deadLetterRecords(lines, undelivered, {
    ...deps.retry,
    client: dl.client,
    queueUrl: dl.queueUrl,
    header: { deliveryStreamName: deps.streamName, eventId: event.id, reason: report.lastError ?? `delivery stopped (${report.stoppedBy ?? "unknown"})` },
    remainingMs: dl.remainingMs,
    ...(dl.signal ? { signal: dl.signal } : {}),
    onSent: remember,
  });
  for (const i of sent.sent) status[i] = "dead-lettered";
  if (sent.lastError) result.lastError = `${result.lastError ?? ""}; dead-letter queue: ${sent.lastError}`;
}

/**
 * Scores transactions and hands every output record off: to Firehose within the time budget, or —
 * when an on-failure queue is given — to the queue. Records this container already handed off for
 * the same event are skipped. Never throws for undelivered records: each record's
 * {@link RecordStatus} says what happened, and the caller decides (the scheduled handler throws
 * when any is `failed`; the HTTP handler reports them).
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` (rows of different widths), `ENDPOINT_FAILED`,
 * `MODEL_LOAD_FAILED` — before anything is delivered.
 * @example
 * ```ts
 * const result = await scoreTransactions(transactions, { scorer, firehose, streamName: "scores", modelVersion: "v1" });
 * console.log(`${result.counts.delivered} delivered, ${result.counts.failed} failed`);
 * ```
 * @public
 */
export async function scoreTransactions(transactions: readonly ScoringTransaction[], deps: ScoreDependencies): Promise<ScoreBatchResult> {
  const result: ScoreBatchResult = {
    records: [],
    status: [],
    counts: { delivered: 0, already: 0, "dead-lettered": 0, failed: 0 },
    flagged: 0,
    anomalous: 0,
    deliveryCalls: 0,
    retried: 0,
    lastError: undefined,
    scoreMs: 0,
    deliverMs: 0,
  };
  if (transactions.length === 0) return result;
  const t0 = performance.now();
  const records = await scoreAll(transactions, deps.scorer, deps.modelVersion, deps.detector);
  const t1 = performance.now();
  const event = deps.event;
  const status: RecordStatus[] = records.map((r) => (event?.ledger.has(event.id, r.id) ? "already" : "failed"));
  await handOff(records.map(formatRecord), records, status, deps, result);
  for (const s of status) result.counts[s]++;
  return Object.assign(result, {
    records,
    status,
    flagged: records.filter((r) => r.predictedLabel === 1).length,
    anomalous: records.filter((r) => r.anomalous === true).length,
    scoreMs: t1 - t0,
    deliverMs: performance.now() - t1,
  });
}
