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
