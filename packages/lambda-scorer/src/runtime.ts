/**
 * What the handlers need, made once per cold start: configuration, Powertools Logger and Metrics,
 * AWS SDK clients (created on first use) and the container's delivery ledger.
 * @packageDocumentation
 */
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DEFAULT_ALGORITHM } from "@fraud/contracts";
import { inferenceProtocol } from "@fraud/trainer/model";
import type { Model } from "@fraud/trainer/model";
import type { ScorerConfig } from "./config.js";
import type { AnomalyDetector } from "./core.js";
import type { QueueSender } from "./deadletter.js";
import { ScorerError } from "./errors.js";
import type { FirehoseSender } from "./delivery.js";
import { createDeliveryLedger } from "./ledger.js";
import type { DeliveryLedger } from "./ledger.js";
import { loadEmbeddedModel, s3ModelFetcher } from "./model.js";
import type { ModelFetcher } from "./model.js";
import type { RetryPolicy } from "./retry.js";
import { createEmbeddedScorer, createEndpointScorer } from "./scorers.js";
import type { InvokeSender, Scorer } from "./scorers.js";

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
  /** SQS client for the on-failure queue. */
  readonly sqs: QueueSender;
  /** What this container already handed off, per scheduled event. */
  readonly ledger: DeliveryLedger;
  /** Back-off settings of the retry loop (tests inject a manual clock's sleep). */
  readonly retry: Omit<RetryPolicy, "remainingMs">;
  /** The scorer; the embedded model is loaded once, and again after a failed load. */
  getScorer(): Promise<Scorer>;
  /** The anomaly detector when `ANOMALY_SCORING_MODE` is set, else undefined; loaded once, and again after a failed load. */
  getDetector(): Promise<AnomalyDetector | undefined>;
}

/** Clients and tools {@link createRuntime} would otherwise make itself. @public */
export interface RuntimeOverrides {
  /** Logger. */
  logger?: Logger;
  /** Metrics. */
  metrics?: Metrics;
  /** Firehose client. */
  firehose?: FirehoseSender;
  /** SQS client. */
  sqs?: QueueSender;
  /** SageMaker runtime client. */
  sagemaker?: InvokeSender;
  /** Reads the model artifact (embedded mode). @defaultValue S3 `GetObject` */
  fetchModel?: ModelFetcher;
  /** Ledger. */
  ledger?: DeliveryLedger;
  /** Retry settings. */
  retry?: Omit<RetryPolicy, "remainingMs">;
}

/** An SQS client made (and its module imported) on the first send: most cold starts never dead-letter. */
function lazySqs(): QueueSender {
  let client: Promise<SQSClient> | undefined;
  return {
    async send(command, options) {
      client ??= import("@aws-sdk/client-sqs").then((m) => new m.SQSClient({}));
      return (await client).send(command, options);
    },
  };
}

/**
 * Builds the per-cold-start runtime. The AWS SDK clients honour `AWS_ENDPOINT_URL_FIREHOSE`,
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`, `AWS_ENDPOINT_URL_S3` and `AWS_ENDPOINT_URL_SQS`.
 * @example
 * ```ts
 * const runtime = createRuntime(parseScorerEnv(process.env));
 * await runtime.getScorer(); // in embedded mode: loads the model now, during init
 * ```
 * @public
 */
export function createRuntime(config: ScorerConfig, overrides: RuntimeOverrides = {}): ScorerRuntime {
  const logger = overrides.logger ?? new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics = overrides.metrics ?? new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
  let scorer: Promise<Scorer> | undefined;
  let detector: Promise<AnomalyDetector | undefined> | undefined;
  let sagemaker: InvokeSender | undefined;
  const fetch = overrides.fetchModel ?? s3ModelFetcher();
  const client = (): InvokeSender => (sagemaker ??= overrides.sagemaker ?? new SageMakerRuntimeClient({}));

  const load = async (uri: string, role: string): Promise<Model> => {
    const started = performance.now();
    const model = await loadEmbeddedModel(uri, { fetch, maxBytes: config.modelMaxBytes });
    const ms = Math.round(performance.now() - started);
    const { algorithm, kind, featureDim, threshold, sha256 } = model.describe();
    logger.info(`${role} loaded`, { model: uri, algorithm, kind, featureDim, threshold, sha256, ms });
    return model;
  };

  const makeScorer = async (): Promise<Scorer> => {
    if (config.scoringMode === "endpoint") {
      return createEndpointScorer({
        client: client(),
        endpointName: config.endpointName!,
        algorithm: config.modelAlgorithm ?? DEFAULT_ALGORITHM,
        contentType: config.contentType,
        maxRowsPerRequest: config.maxRowsPerRequest,
        ...(config.modelThreshold === undefined ? {} : { threshold: config.modelThreshold }),
      });
    }
    const uri = config.modelS3Uri!;
    const model = await load(uri, "model");
    if (model.kind === "anomaly_detector") {
      throw new ScorerError("MODEL_LOAD_FAILED", `model ${uri} is an anomaly detector (${model.algorithm}), not a classifier; give it as ANOMALY_MODEL_S3_URI`);
    }
    if (config.modelAlgorithm !== undefined && model.algorithm !== config.modelAlgorithm) {
      throw new ScorerError("MODEL_LOAD_FAILED", `model ${uri} is ${model.algorithm}, but MODEL_ALGORITHM is ${config.modelAlgorithm}`);
    }
    return createEmbeddedScorer(model, uri, config.modelThreshold);
  };

  const makeDetector = async (): Promise<AnomalyDetector | undefined> => {
    const mode = config.anomalyScoringMode;
    if (mode === undefined) return undefined;
    const modelVersion = config.anomalyModelVersion!;
    const uri = config.anomalyModelS3Uri;
    const loadDetector = async (): Promise<Model> => {
      const model = await load(uri!, "anomaly detector");
      if (model.kind !== "anomaly_detector") {
        throw new ScorerError("MODEL_LOAD_FAILED", `anomaly model ${uri} is a ${model.kind} (${model.algorithm}), not an anomaly detector`);
      }
      return model;
    };
    if (mode === "embedded") return { scorer: createEmbeddedScorer(await loadDetector(), uri, config.anomalyThreshold), modelVersion };
    // An endpoint answers scores only: the threshold is ANOMALY_THRESHOLD, else the one recorded with the model.
    const threshold = config.anomalyThreshold ?? (await loadDetector()).threshold;
    const protocol = inferenceProtocol("randomcutforest");
    const contentType = protocol.requestContentTypes.includes(config.contentType) ? config.contentType : protocol.requestContentTypes[0]!;
    const scorer = createEndpointScorer({ client: client(), endpointName: config.anomalyEndpointName!, algorithm: "randomcutforest", contentType, maxRowsPerRequest: config.maxRowsPerRequest, threshold });
    return { scorer, modelVersion };
  };

  return {
    config,
    logger,
    metrics,
    firehose: overrides.firehose ?? new FirehoseClient({}),
    sqs: overrides.sqs ?? lazySqs(),
    ledger: overrides.ledger ?? createDeliveryLedger(),
    retry: overrides.retry ?? {},
    getScorer() {
      scorer ??= makeScorer().catch((err: unknown) => {
        scorer = undefined;
        throw err;
      });
      return scorer;
    },
    getDetector() {
      detector ??= makeDetector().catch((err: unknown) => {
        detector = undefined;
        throw err;
      });
      return detector;
    },
  };
}
