/**
 * The scorer's shared facts: scoring modes, request content types, its configuration defaults and
 * where its deployment package is built.
 * @packageDocumentation
 */

/**
 * Where scores come from: a SageMaker endpoint or a model loaded from S3 into the Lambda.
 * @example
 * ```ts
 * SCORING_MODES.includes(mode); // "endpoint" | "embedded"
 * ```
 * @public
 */
export const SCORING_MODES = ["endpoint", "embedded"] as const;

/** One of {@link SCORING_MODES}. @public */
export type ScoringMode = (typeof SCORING_MODES)[number];

/**
 * Request content types of SageMaker inference the scorer can send and the local endpoint reads.
 * @example
 * ```ts
 * CONTENT_TYPES[0]; // "text/csv"
 * ```
 * @public
 */
export const CONTENT_TYPES = ["text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"] as const;

/** One of {@link CONTENT_TYPES}. @public */
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * The scorer Lambda's defaults: what it uses when a variable is unset, and what the stack leaves
 * unset unless configured. `@fraud/lambda-scorer/config` and `@fraud/infra` both read these.
 * @example
 * ```ts
 * SCORER_DEFAULTS.batchSize; // 100
 * ```
 * @public
 */
export const SCORER_DEFAULTS = Object.freeze({
  /** `SCORING_MODE`. */
  scoringMode: "endpoint" as ScoringMode,
  /** `BATCH_SIZE`: transactions per scheduled invocation. */
  batchSize: 100,
  /** `CONTENT_TYPE` of `InvokeEndpoint` requests. */
  contentType: "text/csv" as ContentType,
  /** `MODEL_MAX_BYTES`: largest model object embedded scoring loads (16 MiB). */
  modelMaxBytes: 16 * 1024 * 1024,
  /** `MAX_ROWS_PER_REQUEST`: rows per `InvokeEndpoint` call. */
  maxRowsPerRequest: 1000,
  /** `DELIVERY_SAFETY_MARGIN_MS`. */
  deliverySafetyMarginMs: 5000,
  /** `POWERTOOLS_SERVICE_NAME`. */
  serviceName: "fraud-scorer",
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  metricsNamespace: "FraudDetection",
  /** `POWERTOOLS_LOG_LEVEL`. */
  logLevel: "INFO" as const,
});

/**
 * The scorer Lambda's environment variables for its optional second model, the anomaly detector (a
 * Random Cut Forest scored beside the classifier), by field. The stack writes them and the scorer
 * reads them; both take the names from here. Without `scoringMode` the scorer runs the classifier
 * only.
 * @example
 * ```ts
 * env[ANOMALY_DETECTOR_ENV_NAMES.endpointName] = "fraud-detection-dev-anomaly";
 * ```
 * @public
 */
export const ANOMALY_DETECTOR_ENV_NAMES = Object.freeze({
  /** `endpoint` (a SageMaker endpoint answers) or `embedded` (the model is loaded from S3 into the function); its presence turns the detector on. */
  scoringMode: "ANOMALY_SCORING_MODE",
  /** The detector's SageMaker endpoint name (endpoint mode). */
  endpointName: "ANOMALY_ENDPOINT_NAME",
  /** `s3://bucket/key` of the detector's `model.tar.gz` (embedded mode; also given in endpoint mode for the record). */
  modelS3Uri: "ANOMALY_MODEL_S3_URI",
  /** Anomaly score at or above which a transaction is flagged `anomalous`; the threshold recorded with the model when unset. */
  threshold: "ANOMALY_THRESHOLD",
  /** Version label of the detector written with every score. */
  modelVersion: "ANOMALY_MODEL_VERSION",
} as const);

/** A field of {@link ANOMALY_DETECTOR_ENV_NAMES}. @public */
export type AnomalyDetectorEnvField = keyof typeof ANOMALY_DETECTOR_ENV_NAMES;

/**
 * The scorer Lambda's environment variables that say which classifier it scores with, by field:
 * its algorithm (so endpoint mode speaks that container's formats) and the decision threshold
 * applied to its fraud probability. The stack writes them and the scorer reads them.
 * @example
 * ```ts
 * env[CLASSIFIER_ENV_NAMES.algorithm] = "xgboost";
 * ```
 * @public
 */
export const CLASSIFIER_ENV_NAMES = Object.freeze({
  /** `linear-learner` (default) or `xgboost`: the endpoint's container protocol; in embedded mode, checked against the artifact. */
  algorithm: "MODEL_ALGORITHM",
  /** Probability at or above which a transaction is labelled fraud; unset: the threshold recorded with the model (embedded), the endpoint's label, else 0.5. */
  threshold: "MODEL_THRESHOLD",
} as const);

/**
 * Where `nx run lambda-scorer:bundle` writes the scorer's deployment package, relative to the
 * workspace root.
 * @example
 * ```ts
 * join(workspaceRoot, LAMBDA_ZIP_PATH);
 * ```
 * @public
 */
export const LAMBDA_ZIP_PATH = "packages/lambda-scorer/dist/lambda/lambda.zip";

/**
 * The scorer's deployment package as a path relative to a folder of the workspace, e.g. infra's
 * default `lambda.zipPath` relative to `packages/infra`.
 * @example
 * ```ts
 * lambdaZipPathFrom("packages/infra"); // "../lambda-scorer/dist/lambda/lambda.zip"
 * ```
 * @public
 */
export function lambdaZipPathFrom(folder: string): string {
  const from = folder.split("/").filter((p) => p !== "" && p !== ".");
  const to = LAMBDA_ZIP_PATH.split("/");
  let common = 0;
  while (common < from.length && common < to.length && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => ".."), ...to.slice(common)].join("/");
}
