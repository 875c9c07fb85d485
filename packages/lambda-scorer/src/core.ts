/**
 * The pure core: score a batch of transactions and deliver one JSON line per transaction to
 * Firehose. Every dependency is injected, so it runs the same against AWS, the local stand-ins and
 * mocks.
 * @packageDocumentation
 */
import { deliverRecords } from "./delivery.js";
import type { DeliveryOptions, DeliveryReport, FirehoseSender } from "./delivery.js";
import { ScorerError } from "./errors.js";
import type { Scorer } from "./scorers.js";

/** A transaction ready to score. @public */
export interface ScoringTransaction {
  /** Unique transaction id (written as `transactionId`). */
  id: string;
  /** Where it came from: `Mobile`, `Web` or `Store`. */
  channel: string;
  /** When it happened, ISO 8601. */
  timestamp: string;
  /** Amount in the dataset's currency. */
  amount: number;
  /** The model's features in column order (`Time, V1…V28, Amount`: 30 values). */
  features: ArrayLike<number>;
}

/** One output line, as written to Firehose. @public */
export interface ScoredTransaction {
  /** The transaction's timestamp. */
  timestamp: string;
  /** The transaction's id. */
  transactionId: string;
  /** The transaction's channel. */
  channel: string;
  /** The transaction's amount. */
  amount: number;
  /** Fraud probability (classifier) or regression value. */
  score: number;
  /** 1 = fraud, 0 = legitimate; `null` for a regressor. */
  predictedLabel: number | null;
  /** Version of the model that scored it. */
  modelVersion: string;
}

/** Dependencies of {@link scoreTransactions}. @public */
export interface ScoreDependencies {
  /** Where scores come from. */
  scorer: Scorer;
  /** Firehose client. */
  firehose: FirehoseSender;
  /** Delivery stream name. */
  streamName: string;
  /** Written with every score. */
  modelVersion: string;
  /** Retry settings of the delivery. */
  delivery?: Omit<DeliveryOptions, "client" | "streamName">;
}

/** Outcome of {@link scoreTransactions}. @public */
export interface ScoreBatchResult {
  /** Every transaction's output line, in input order. */
  scored: ScoredTransaction[];
  /** Transactions predicted fraudulent. */
  flagged: number;
  /** What delivery did. */
  delivery: DeliveryReport;
  /** Milliseconds spent scoring. */
  scoreMs: number;
  /** Milliseconds spent delivering. */
  deliverMs: number;
}

/** Serializes an output line (JSON plus `\n`, so objects concatenated by Firehose stay line-delimited). @public */
export function formatScoredLine(s: ScoredTransaction): string {
  return `${JSON.stringify({
    timestamp: s.timestamp,
    transactionId: s.transactionId,
    channel: s.channel,
    amount: s.amount,
    score: s.score,
    predictedLabel: s.predictedLabel,
    modelVersion: s.modelVersion,
  })}\n`;
}

/**
 * Scores transactions and delivers one JSON line per transaction to Firehose. Resolves only when
 * every line has been accepted.
 *
 * @throws {@link ScorerError} `INVALID_INPUT` (rows of different widths), `ENDPOINT_FAILED`,
 * `DELIVERY_FAILED` (with `failedCount`).
 * @example
 * ```ts
 * const result = await scoreTransactions(transactions, { scorer, firehose, streamName: "scores", modelVersion: "v1" });
 * console.log(`${result.flagged} of ${result.scored.length} flagged`);
 * ```
 * @public
 */
export async function scoreTransactions(transactions: readonly ScoringTransaction[], deps: ScoreDependencies): Promise<ScoreBatchResult> {
  const empty: DeliveryReport = { delivered: 0, calls: 0, retried: 0, attempts: 0 };
  if (transactions.length === 0) return { scored: [], flagged: 0, delivery: empty, scoreMs: 0, deliverMs: 0 };
  const dim = transactions[0]!.features.length;
  const data = new Float64Array(transactions.length * dim);
  transactions.forEach((t, i) => {
    if (t.features.length !== dim) {
      throw new ScorerError("INVALID_ARGUMENT", `transaction ${i} (${t.id}) has ${t.features.length} features, the first has ${dim}`);
    }
    for (let j = 0; j < dim; j++) data[i * dim + j] = t.features[j]!;
  });

  const t0 = performance.now();
  const scores = await deps.scorer.score({ data, rows: transactions.length, dim });
  const t1 = performance.now();
  if (scores.length !== transactions.length) {
    throw new ScorerError("ENDPOINT_FAILED", `scorer returned ${scores.length} scores for ${transactions.length} transactions`);
  }
  let flagged = 0;
  const scored = transactions.map((t, i): ScoredTransaction => {
    const s = scores[i]!;
    if (s.predictedLabel === 1) flagged++;
    return {
      timestamp: t.timestamp,
      transactionId: t.id,
      channel: t.channel,
      amount: t.amount,
      score: s.score,
      predictedLabel: s.predictedLabel ?? null,
      modelVersion: deps.modelVersion,
    };
  });
  const records = scored.map((s) => Buffer.from(formatScoredLine(s)));
  const delivery = await deliverRecords(records, { ...deps.delivery, client: deps.firehose, streamName: deps.streamName });
  return { scored, flagged, delivery, scoreMs: t1 - t0, deliverMs: performance.now() - t1 };
}
