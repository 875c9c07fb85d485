/**
 * Thin Lambda handlers over {@link scoreTransactions}: `scheduled` (EventBridge) and `http`
 * (Function URL / API Gateway v2), wrapped with middy and Powertools' Logger and Metrics.
 * @packageDocumentation
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { SCORER_METRICS } from "./config.js";
import type { LambdaContext } from "./context.js";
import { scoreTransactions } from "./core.js";
import type { DeadLetterTarget, ScoreBatchResult, ScoreDependencies, ScoringTransaction } from "./core.js";
import { ScorerError, isScorerError } from "./errors.js";
import { parseScheduledEvent } from "./events.js";
import { httpResponse, parseHttpRequest } from "./http.js";
import type { HttpResult } from "./http.js";
import type { ScorerRuntime } from "./runtime.js";
import { drawTransactions, eventSeed } from "./transactions.js";

/** What the scheduled handler returns. @public */
export interface ScheduledResult {
  /** The event's id. */
  eventId: string;
  /** Transactions scored. */
  scored: number;
  /** Transactions predicted fraudulent. */
  flagged: number;
  /** Transactions the anomaly detector flagged (present only with a detector). */
  anomalous?: number;
  /** Records Firehose accepted in this invocation. */
  delivered: number;
  /** Records skipped: this container delivered or dead-lettered them for the same event before. */
  alreadyDelivered: number;
  /** Records sent to the on-failure queue. */
  deadLettered: number;
  /** Records re-sent to Firehose after partial failures. */
  retried: number;
  /** `PutRecordBatch` calls made. */
  deliveryCalls: number;
  /** Model version written with the scores. */
  modelVersion: string;
}

/** The two handlers. @public */
export interface Handlers {
  /** EventBridge handler: draws the event's transactions, scores, delivers; throws only if records are neither delivered nor dead-lettered. */
  scheduled: (event: unknown, context: LambdaContext) => Promise<ScheduledResult>;
  /** Function URL handler: validates POSTed transactions, scores, delivers, answers per transaction what was delivered. */
  http: (event: unknown, context: LambdaContext) => Promise<HttpResult>;
}

/** Firehose delivery stops `DELIVERY_SAFETY_MARGIN_MS` before the invocation's timeout. */
function deliveryDeadline(runtime: ScorerRuntime, context: LambdaContext): Pick<ScoreDependencies, "remainingMs" | "signal"> {
  const margin = runtime.config.deliverySafetyMarginMs;
  const remainingMs = (): number => context.getRemainingTimeInMillis() - margin;
  const first = remainingMs();
  return { remainingMs, ...(first > 0 ? { signal: AbortSignal.timeout(first) } : {}) };
}

/** The on-failure queue, when configured; dead-lettering may use all but the last fifth of the margin. */
function deadLetterTarget(runtime: ScorerRuntime, context: LambdaContext): DeadLetterTarget | undefined {
  const queueUrl = runtime.config.onFailureQueueUrl;
  if (queueUrl === undefined) return undefined;
  const reserve = Math.ceil(runtime.config.deliverySafetyMarginMs / 5);
  const remainingMs = (): number => context.getRemainingTimeInMillis() - reserve;
  const first = remainingMs();
  return { client: runtime.sqs, queueUrl, remainingMs, ...(first > 0 ? { signal: AbortSignal.timeout(first) } : {}) };
}

function record(runtime: ScorerRuntime, result: ScoreBatchResult): void {
  const { metrics, logger } = runtime;
  const add = (name: string, value: number, unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count): void => void metrics.addMetric(name, unit, value);
  add(SCORER_METRICS.scored, result.records.length);
  add(SCORER_METRICS.flagged, result.flagged);
  if (runtime.config.anomalyScoringMode !== undefined) add(SCORER_METRICS.anomalous, result.anomalous);
  add(SCORER_METRICS.delivered, result.counts.delivered);
  add(SCORER_METRICS.alreadyDelivered, result.counts.already);
  add(SCORER_METRICS.retried, result.retried);
  add(SCORER_METRICS.deadLettered, result.counts["dead-lettered"]);
  add(SCORER_METRICS.failed, result.counts.failed);
  add(SCORER_METRICS.scoringLatency, result.scoreMs, MetricUnit.Milliseconds);
  add(SCORER_METRICS.deliveryLatency, result.deliverMs, MetricUnit.Milliseconds);
  const summary = {
    scored: result.records.length,
    flagged: result.flagged,
    ...(runtime.config.anomalyScoringMode === undefined ? {} : { anomalous: result.anomalous }),
    delivered: result.counts.delivered,
    alreadyDelivered: result.counts.already,
    retried: result.retried,
    deadLettered: result.counts["dead-lettered"],
    failed: result.counts.failed,
    deliveryCalls: result.deliveryCalls,
    scoreMs: Math.round(result.scoreMs),
    deliverMs: Math.round(result.deliverMs),
  };
  if (result.counts.failed > 0) logger.error("records neither delivered nor dead-lettered", { ...summary, lastError: result.lastError });
  else if (result.counts["dead-lettered"] > 0) logger.warn("records dead-lettered to the on-failure queue", { ...summary, lastError: result.lastError });
  else logger.info("batch scored and delivered", summary);
}

async function run(runtime: ScorerRuntime, context: LambdaContext, transactions: ScoringTransaction[], extra: Partial<ScoreDependencies>): Promise<ScoreBatchResult> {
  const { config, logger, metrics } = runtime;
  try {
    const [scorer, detector] = await Promise.all([runtime.getScorer(), runtime.getDetector()]);
    const result = await scoreTransactions(transactions, {
      scorer,
      ...(detector === undefined ? {} : { detector }),
      firehose: runtime.firehose,
      streamName: config.deliveryStreamName,
      modelVersion: config.modelVersion,
      retry: runtime.retry,
      onRetry: (info) => logger.warn("resending failed Firehose records", info),
      ...deliveryDeadline(runtime, context),
      ...extra,
    });
    record(runtime, result);
    return result;
  } catch (err) {
    if (isScorerError(err)) metrics.addMetric(`Errors_${err.code}`, MetricUnit.Count, 1);
    logger.error("batch failed", err as Error);
    throw err;
  }
}

async function scheduledCore(runtime: ScorerRuntime, event: unknown, context: LambdaContext): Promise<ScheduledResult> {
  const { config, ledger } = runtime;
  const e = parseScheduledEvent(event);
  const count = e.detail?.count ?? config.batchSize;
  const transactions = drawTransactions(count, { seed: eventSeed(e.id), start: Date.parse(e.time), fraudRate: config.fraudRate });
  const deadLetter = deadLetterTarget(runtime, context);
  const result = await run(runtime, context, transactions, { event: { id: e.id, ledger }, ...(deadLetter ? { deadLetter } : {}) });
  const { counts } = result;
  if (counts.failed > 0) {
    const where = deadLetter === undefined ? "no ON_FAILURE_QUEUE_URL is configured" : "the on-failure queue did not take them either";
    throw new ScorerError("DELIVERY_FAILED", `${counts.failed} of ${count} records not delivered and ${where} (last error ${result.lastError ?? "none"})`, {
      failedCount: counts.failed,
      deliveredCount: counts.delivered + counts.already + counts["dead-lettered"],
    });
  }
  return {
    eventId: e.id,
    scored: result.records.length,
    flagged: result.flagged,
    ...(config.anomalyScoringMode === undefined ? {} : { anomalous: result.anomalous }),
    delivered: counts.delivered,
    alreadyDelivered: counts.already,
    deadLettered: counts["dead-lettered"],
    retried: result.retried,
    deliveryCalls: result.deliveryCalls,
    modelVersion: config.modelVersion,
  };
}

async function httpCore(runtime: ScorerRuntime, event: unknown, context: LambdaContext): Promise<HttpResult> {
  const request = parseHttpRequest(event);
  if ("statusCode" in request) {
    runtime.metrics.addMetric(SCORER_METRICS.invalidRequests, MetricUnit.Count, 1);
    runtime.logger.info("invalid request", { statusCode: request.statusCode, reason: request.body });
    return request;
  }
  try {
    return httpResponse(await run(runtime, context, request.transactions, {}), runtime.config.modelVersion);
  } catch (err) {
    if (isScorerError(err, "ENDPOINT_FAILED") || isScorerError(err, "MODEL_LOAD_FAILED") || isScorerError(err, "MODEL_TOO_LARGE")) {
      return { statusCode: 502, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: err.message, code: err.code }) };
    }
    throw err;
  }
}

/**
 * Makes the `scheduled` and `http` handlers over a runtime (middy + Powertools Logger context
 * injection + Metrics flushing with a cold-start metric).
 *
 * @example
 * ```ts
 * export const { scheduled, http } = createHandlers(createRuntime(parseScorerEnv(process.env)));
 * ```
 * @public
 */
export function createHandlers(runtime: ScorerRuntime): Handlers {
  const wrap = <R>(fn: (runtime: ScorerRuntime, event: unknown, context: LambdaContext) => Promise<R>) =>
    middy((event: unknown, context: LambdaContext) => fn(runtime, event, context))
      .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
      .use(logMetrics(runtime.metrics, { captureColdStartMetric: true })) as unknown as (event: unknown, context: LambdaContext) => Promise<R>;
  return { scheduled: wrap(scheduledCore), http: wrap(httpCore) };
}
