/**
 * Thin Lambda handlers over {@link scoreTransactions}: `scheduled` (EventBridge) and `http`
 * (Function URL / API Gateway v2), wrapped with middy and Powertools' Logger and Metrics.
 * @packageDocumentation
 */
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit, Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { loadModel } from "@fraud/trainer";
import middy from "@middy/core";
import type { ScorerConfig } from "./config.js";
import { parseS3Uri } from "./limits.js";
import type { LambdaContext } from "./context.js";
import { scoreTransactions } from "./core.js";
import type { ScoreBatchResult, ScoringTransaction } from "./core.js";
import type { FirehoseSender } from "./delivery.js";
import { ScorerError, isScorerError } from "./errors.js";
import { createEmbeddedScorer, createEndpointScorer } from "./scorers.js";
import type { InvokeSender, Scorer } from "./scorers.js";
import { MAX_HTTP_BODY_BYTES, drawTransactions, eventSeed, parseTransactionsBody } from "./transactions.js";

/** An EventBridge scheduled event (`rate(1 minute)`). @public */
export interface ScheduledEvent {
  /** Unique event id: seeds the simulator, so a retried event re-sends the same transactions. */
  id: string;
  /** Event time (ISO 8601): the clock origin of the drawn transactions. */
  time: string;
  /** `Scheduled Event`. */
  "detail-type"?: string;
  /** `aws.events`. */
  source?: string;
  /** Optional overrides: `{ "count": n }` draws n transactions instead of `BATCH_SIZE`. */
  detail?: unknown;
}

/** What the scheduled handler returns. @public */
export interface ScheduledResult {
  /** Transactions scored and delivered. */
  scored: number;
  /** Transactions predicted fraudulent. */
  flagged: number;
  /** `PutRecordBatch` calls made. */
  deliveryCalls: number;
  /** Records resent after partial failures. */
  retried: number;
  /** Model version written with the scores. */
  modelVersion: string;
}

/** A Function URL / API Gateway HTTP API (payload 2.0) request. @public */
export interface HttpEvent {
  /** Request body. */
  body?: string | undefined;
  /** Whether `body` is base64. */
  isBase64Encoded?: boolean;
  /** Lower-cased request headers. */
  headers?: Record<string, string | undefined>;
  /** Request context; `http.method` is checked. */
  requestContext?: {
    /** HTTP details. */
    http?: {
      /** Request method. */
      method?: string;
    };
  };
}

/** A payload 2.0 response. @public */
export interface HttpResult {
  /** HTTP status. */
  statusCode: number;
  /** Response headers. */
  headers: Record<string, string>;
  /** JSON body. */
  body: string;
}

/** Everything a handler needs, made once per cold start. @public */
export interface ScorerRuntime {
  /** Validated configuration. */
  readonly config: ScorerConfig;
  /** Structured JSON logger. */
  readonly logger: Logger;
  /** CloudWatch EMF metrics. */
  readonly metrics: Metrics;
  /** Firehose client. */
  readonly firehose: FirehoseSender;
  /** The scorer (the embedded model is loaded on first use, once). */
  getScorer(): Promise<Scorer>;
}

/** Clients and tools {@link createRuntime} would otherwise make itself. @public */
export interface RuntimeOverrides {
  /** Logger. */
  logger?: Logger;
  /** Metrics. */
  metrics?: Metrics;
  /** Firehose client. */
  firehose?: FirehoseSender;
  /** SageMaker runtime client. */
  sagemaker?: InvokeSender;
  /** Reads the model artifact (embedded mode); defaults to S3 `GetObject`. */
  fetchModel?: (bucket: string, key: string) => Promise<Uint8Array>;
}

/**
 * Builds the per-cold-start runtime: Powertools tools and AWS SDK clients (which honour
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`, `AWS_ENDPOINT_URL_FIREHOSE`, `AWS_ENDPOINT_URL_S3`).
 * In embedded mode the model is fetched from S3 on first use and cached; a failed load is retried
 * by the next invocation.
 * @public
 */
export function createRuntime(config: ScorerConfig, overrides: RuntimeOverrides = {}): ScorerRuntime {
  const serviceName = process.env["POWERTOOLS_SERVICE_NAME"] ?? "fraud-scorer";
  const logger = overrides.logger ?? new Logger({ serviceName });
  const metrics = overrides.metrics ?? new Metrics({ namespace: process.env["POWERTOOLS_METRICS_NAMESPACE"] ?? "FraudDetection", serviceName });
  const firehose = overrides.firehose ?? new FirehoseClient({});
  let scorer: Promise<Scorer> | undefined;

  const makeScorer = async (): Promise<Scorer> => {
    if (config.scoringMode === "endpoint") {
      return createEndpointScorer({
        client: overrides.sagemaker ?? new SageMakerRuntimeClient({}),
        endpointName: config.endpointName!,
        contentType: config.contentType,
        maxRowsPerRequest: config.maxRowsPerRequest,
      });
    }
    const { bucket, key } = parseS3Uri(config.modelS3Uri!)!;
    const started = performance.now();
    const fetchModel =
      overrides.fetchModel ??
      (async (b: string, k: string): Promise<Uint8Array> => {
        // loaded only in embedded mode: endpoint-mode cold starts never pay for the S3 client
        const { GetObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
        const out = await new S3Client({}).send(new GetObjectCommand({ Bucket: b, Key: k }));
        if (!out.Body) throw new Error("empty object body");
        return out.Body.transformToByteArray();
      });
    try {
      const model = await loadModel(await fetchModel(bucket, key));
      logger.info("model loaded", { model: `s3://${bucket}/${key}`, featureDim: model.featureDim, predictorType: model.predictorType, ms: Math.round(performance.now() - started) });
      return createEmbeddedScorer(model, `s3://${bucket}/${key}`);
    } catch (err) {
      throw new ScorerError("MODEL_LOAD_FAILED", `cannot load model s3://${bucket}/${key}: ${(err as Error).message}`, { cause: err });
    }
  };

  return {
    config,
    logger,
    metrics,
    firehose,
    getScorer() {
      scorer ??= makeScorer().catch((err: unknown) => {
        scorer = undefined;
        throw err;
      });
      return scorer;
    },
  };
}

async function run(runtime: ScorerRuntime, transactions: ScoringTransaction[]): Promise<ScoreBatchResult> {
  const { logger, metrics, config } = runtime;
  try {
    const result = await scoreTransactions(transactions, {
      scorer: await runtime.getScorer(),
      firehose: runtime.firehose,
      streamName: config.deliveryStreamName,
      modelVersion: config.modelVersion,
      delivery: {
        onRetry: (info) => logger.warn("resending failed Firehose records", info),
      },
    });
    metrics.addMetric("TransactionsScored", MetricUnit.Count, result.scored.length);
    metrics.addMetric("TransactionsFlagged", MetricUnit.Count, result.flagged);
    metrics.addMetric("DeliveryRetriedRecords", MetricUnit.Count, result.delivery.retried);
    metrics.addMetric("ScoringLatency", MetricUnit.Milliseconds, result.scoreMs);
    metrics.addMetric("DeliveryLatency", MetricUnit.Milliseconds, result.deliverMs);
    logger.info("batch scored and delivered", {
      scored: result.scored.length,
      flagged: result.flagged,
      deliveryCalls: result.delivery.calls,
      retried: result.delivery.retried,
      scoreMs: Math.round(result.scoreMs),
      deliverMs: Math.round(result.deliverMs),
    });
    return result;
  } catch (err) {
    if (isScorerError(err, "DELIVERY_FAILED")) metrics.addMetric("DeliveryFailedRecords", MetricUnit.Count, err.failedCount ?? 0);
    if (isScorerError(err)) metrics.addMetric(`Errors_${err.code}`, MetricUnit.Count, 1);
    logger.error("batch failed", err as Error);
    throw err;
  }
}

function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** The two handlers. @public */
export interface Handlers {
  /** EventBridge scheduled handler: draws a batch from the simulator, scores, delivers; throws if any record is not delivered. */
  scheduled: (event: ScheduledEvent, context: LambdaContext) => Promise<ScheduledResult>;
  /** Function URL handler: validates POSTed transactions, scores, delivers, answers the scores. */
  http: (event: HttpEvent, context: LambdaContext) => Promise<HttpResult>;
}

/**
 * Makes the `scheduled` and `http` handlers over a runtime (middy + Powertools Logger context
 * injection + Metrics flushing with a cold-start metric).
 *
 * @example
 * ```ts
 * export const { scheduled, http } = createHandlers(createRuntime(loadConfig()));
 * ```
 * @public
 */
export function createHandlers(runtime: ScorerRuntime): Handlers {
  const { config, logger, metrics } = runtime;

  const scheduledCore = async (event: ScheduledEvent): Promise<ScheduledResult> => {
    if (typeof event !== "object" || event === null || typeof event.id !== "string") {
      throw new ScorerError("INVALID_ARGUMENT", "scheduled event has no id");
    }
    const detail = event.detail as { count?: unknown } | undefined;
    let count = config.batchSize;
    if (detail && detail.count !== undefined) {
      if (typeof detail.count !== "number" || !Number.isInteger(detail.count) || detail.count < 1 || detail.count > 10_000) {
        throw new ScorerError("INVALID_ARGUMENT", `detail.count must be an integer from 1 to 10000, got ${JSON.stringify(detail.count)}`);
      }
      count = detail.count;
    }
    const start = Date.parse(event.time);
    const transactions = drawTransactions(count, {
      seed: eventSeed(event.id),
      ...(Number.isNaN(start) ? {} : { start }),
      fraudRate: config.fraudRate,
    });
    const result = await run(runtime, transactions);
    return {
      scored: result.scored.length,
      flagged: result.flagged,
      deliveryCalls: result.delivery.calls,
      retried: result.delivery.retried,
      modelVersion: config.modelVersion,
    };
  };

  const httpCore = async (event: HttpEvent): Promise<HttpResult> => {
    const method = event?.requestContext?.http?.method;
    if (method !== undefined && method !== "POST") return json(405, { message: `method ${method} not allowed; POST JSON transactions` });
    const type = event.headers?.["content-type"];
    if (type !== undefined && !/^application\/json\b/i.test(type.trim())) {
      return json(415, { message: `content-type ${JSON.stringify(type)} not supported; send application/json` });
    }
    let transactions: ScoringTransaction[];
    try {
      const raw = event.body ?? "";
      if (event.isBase64Encoded && raw.length > Math.ceil((MAX_HTTP_BODY_BYTES * 4) / 3) + 4) {
        throw new ScorerError("INVALID_ARGUMENT", `body is larger than ${MAX_HTTP_BODY_BYTES} bytes`);
      }
      transactions = parseTransactionsBody(event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw);
    } catch (err) {
      if (!isScorerError(err, "INVALID_ARGUMENT")) throw err;
      metrics.addMetric("InvalidRequests", MetricUnit.Count, 1);
      logger.info("invalid request", { reason: err.message });
      return json(400, { message: err.message });
    }
    try {
      const result = await run(runtime, transactions);
      return json(200, {
        modelVersion: config.modelVersion,
        count: result.scored.length,
        flagged: result.flagged,
        predictions: result.scored.map((s) => ({ transactionId: s.transactionId, score: s.score, predictedLabel: s.predictedLabel })),
      });
    } catch (err) {
      if (isScorerError(err, "DELIVERY_FAILED")) return json(503, { message: err.message, failedCount: err.failedCount });
      if (isScorerError(err, "ENDPOINT_FAILED") || isScorerError(err, "MODEL_LOAD_FAILED")) return json(502, { message: err.message });
      throw err;
    }
  };

  const wrap = <E, R>(fn: (event: E) => Promise<R>) =>
    middy(fn)
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true })) as unknown as (event: E, context: LambdaContext) => Promise<R>;

  return { scheduled: wrap(scheduledCore), http: wrap(httpCore) };
}
