/**
 * `@fraud/lambda-scorer/config`: the one definition of the scorer Lambda's configuration — every
 * environment variable's name, type, range and default as one zod schema — with the loader the
 * Lambda runs at cold start ({@link parseScorerEnv}) and the writer the stack and the demo call
 * ({@link scorerEnv}). Also the Firehose limits, name patterns and the output-record schema.
 * Depends on zod only.
 * @packageDocumentation
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { ScorerError, quote } from "./errors.js";
import { describeIssue } from "./issues.js";
import type { ConfigIssue } from "./errors.js";
import {
  ANOMALY_DETECTOR_ENV_NAMES,
  CLASSIFIER_ENV_NAMES,
  CONTENT_TYPES,
  ContractError,
  SAGEMAKER_NAME_RULES,
  SCORER_DEFAULTS,
  SCORING_MODES,
  exampleQueueUrl,
  parseInteger,
  parseS3Uri,
} from "@fraud/contracts";
import { FIREHOSE_STREAM_NAME_PATTERN } from "./limits.js";

export * from "./limits.js";
export { DEAD_LETTER_MAX_MESSAGE_BYTES, SCORED_RECORD_ID_PATTERN, deadLetterMessageSchema, scoredRecordSchema } from "./record.js";
export type { DeadLetterMessage, ScoredRecord } from "./record.js";
export { ScorerError, isScorerError } from "./errors.js";
export type { ConfigIssue, ScorerErrorCode, ScorerErrorOptions } from "./errors.js";

// Scoring modes and content types are shared facts (`@fraud/contracts`), re-exported for this
// entry's users.
export { CONTENT_TYPES, SCORING_MODES } from "@fraud/contracts";
export type { ContentType, ScoringMode } from "@fraud/contracts";

/**
 * The algorithms a classifier may be (`MODEL_ALGORITHM`): the binary classifiers of `ALGORITHMS`
 * (`randomcutforest` is an anomaly detector: configure it with the `ANOMALY_*` variables).
 * @public
 */
export const CLASSIFIER_ALGORITHMS = ["linear-learner", "xgboost"] as const;

/** Powertools log levels. @public */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;

/** Most transactions one scheduled invocation may draw (`BATCH_SIZE`, `detail.count`). @public */
export const MAX_BATCH_SIZE = 10_000;

// zod/mini (tree-shakable, so the Lambda bundle carries only what these schemas use) loads no
// locale by itself: English, as zod's classic API sets it, keeps every default message unchanged.
z.config(en());

const MiB = 1024 * 1024;

function intIn(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.int({ error }).check(z.gte(min, { error }), z.lte(max, { error }));
}
/** `s3://bucket/key` by `@fraud/contracts`' rules; the message keeps its reason (e.g. the bad bucket name). */
function s3ObjectUri() {
  return z.string({ error: "must be an s3://bucket/key URI" }).check(
    z.superRefine((v, ctx) => {
      try {
        parseS3Uri(v);
      } catch (err) {
        if (!(err instanceof ContractError)) throw err;
        const reason = err.reason === "not an s3://bucket/key URI" ? "" : ` (${err.reason})`;
        ctx.addIssue({ code: "custom", input: v, message: `must be an s3://bucket/key URI${reason}` });
      }
    }),
  );
}
const ENDPOINT_RULE = SAGEMAKER_NAME_RULES.endpoint;

/**
 * The SageMaker endpoint-name pattern (letters, digits and hyphens, starting and ending with a
 * letter or digit; the 63-character limit is `SAGEMAKER_NAME_RULES.endpoint.maxLength`).
 * @deprecated A re-export of `SAGEMAKER_NAME_RULES.endpoint.pattern` from `@fraud/contracts`,
 * its home: import it from there.
 * @public
 */
export const SAGEMAKER_ENDPOINT_NAME_PATTERN: RegExp = ENDPOINT_RULE.pattern;
function matching(pattern: RegExp, what: string) {
  const error = `must be ${what}`;
  return z.string({ error }).check(z.regex(pattern, { error }));
}

/**
 * The scorer's configuration, field by field (environment variable in brackets). Parse it with
 * {@link parseScorerEnv} (from the environment) or check and serialize it with {@link scorerEnv}.
 * @public
 */
export const scorerConfigSchema = z.object({
  /** `SCORING_MODE`. @defaultValue "endpoint" */
  scoringMode: z._default(z.literal(SCORING_MODES, { error: 'must be "endpoint" or "embedded"' }), SCORER_DEFAULTS.scoringMode),
  /** `MODEL_ALGORITHM`: the classifier's algorithm; endpoint mode speaks its container's formats, embedded mode checks the artifact is one. @defaultValue endpoint mode: `linear-learner`; embedded mode: whatever the artifact is */
  modelAlgorithm: z.optional(z.literal(CLASSIFIER_ALGORITHMS, { error: `must be one of ${CLASSIFIER_ALGORITHMS.join(", ")}` })),
  /** `MODEL_THRESHOLD`: fraud probability at or above which the label is 1 (0–1). @defaultValue the threshold recorded with the model (embedded), the label the endpoint answers, else 0.5 */
  modelThreshold: z.optional(z.number({ error: "must be a number from 0 to 1" }).check(z.gte(0, { error: "must be a number from 0 to 1" }), z.lte(1, { error: "must be a number from 0 to 1" }))),
  /** `ENDPOINT_NAME`: required in endpoint mode. */
  endpointName: z.optional(
    matching(ENDPOINT_RULE.pattern, `a SageMaker endpoint name (1-${ENDPOINT_RULE.maxLength} letters, digits, hyphens)`).check(
      z.maxLength(ENDPOINT_RULE.maxLength, { error: `must be a SageMaker endpoint name (1-${ENDPOINT_RULE.maxLength} letters, digits, hyphens)` }),
    ),
  ),
  /** `MODEL_S3_URI`: `s3://bucket/key` of `model.tar.gz`, required in embedded mode. */
  modelS3Uri: z.optional(s3ObjectUri()),
  /** `MODEL_MAX_BYTES`: largest model object the embedded mode loads (1 KiB–512 MiB). @defaultValue 16 MiB */
  modelMaxBytes: z._default(intIn(1024, 512 * MiB), SCORER_DEFAULTS.modelMaxBytes),
  /** `DELIVERY_STREAM_NAME`: the Firehose stream (required). */
  deliveryStreamName: matching(FIREHOSE_STREAM_NAME_PATTERN, "a Firehose stream name (1-64 of a-z A-Z 0-9 _ . -)"),
  /** `BATCH_SIZE`: transactions drawn per scheduled invocation (1–10,000). @defaultValue 100 */
  batchSize: z._default(intIn(1, MAX_BATCH_SIZE), SCORER_DEFAULTS.batchSize),
  /** `CONTENT_TYPE` of `InvokeEndpoint` requests. @defaultValue "text/csv" */
  contentType: z._default(z.literal(CONTENT_TYPES, { error: `must be one of ${CONTENT_TYPES.join(", ")}` }), SCORER_DEFAULTS.contentType),
  /** `MODEL_VERSION` written with every score (1–128 printable characters). @defaultValue the endpoint name, or the model URI in embedded mode */
  modelVersion: z.optional(matching(/^[\x21-\x7e]{1,128}$/, "1-128 printable characters without spaces")),
  /** `FRAUD_RATE` of simulated transactions, strictly between 0 and 1 (what the simulator accepts). @defaultValue the simulator's `DEFAULT_FRAUD_RATE` (492/284,807) */
  fraudRate: z.optional(
    z.number({ error: "must be a number strictly between 0 and 1" }).check(z.gt(0, { error: "must be a number strictly between 0 and 1" }), z.lt(1, { error: "must be a number strictly between 0 and 1" })),
  ),
  /** `MAX_ROWS_PER_REQUEST`: rows per `InvokeEndpoint` call (1–10,000). @defaultValue 1000 */
  maxRowsPerRequest: z._default(intIn(1, 10_000), SCORER_DEFAULTS.maxRowsPerRequest),
  /** `DELIVERY_SAFETY_MARGIN_MS`: time kept back from the invocation's remaining time for dead-lettering and returning (0–300,000). @defaultValue 5000 */
  deliverySafetyMarginMs: z._default(intIn(0, 300_000), SCORER_DEFAULTS.deliverySafetyMarginMs),
  /** `ON_FAILURE_QUEUE_URL`: SQS queue that receives records Firehose would not take in time (scheduled invocations). */
  onFailureQueueUrl: z.optional(z.url({ protocol: /^https?$/, error: "must be an http(s) SQS queue URL" })),
  /** `ANOMALY_SCORING_MODE`: `endpoint` or `embedded`; set, it turns the anomaly detector (Random Cut Forest) on. @defaultValue unset: classifier only */
  anomalyScoringMode: z.optional(z.literal(SCORING_MODES, { error: 'must be "endpoint" or "embedded"' })),
  /** `ANOMALY_ENDPOINT_NAME`: the detector's endpoint, required when `ANOMALY_SCORING_MODE` is `endpoint`. */
  anomalyEndpointName: z.optional(
    matching(ENDPOINT_RULE.pattern, `a SageMaker endpoint name (1-${ENDPOINT_RULE.maxLength} letters, digits, hyphens)`).check(
      z.maxLength(ENDPOINT_RULE.maxLength, { error: `must be a SageMaker endpoint name (1-${ENDPOINT_RULE.maxLength} letters, digits, hyphens)` }),
    ),
  ),
  /** `ANOMALY_MODEL_S3_URI`: the detector's `model.tar.gz`, required in embedded mode (in endpoint mode, where its threshold is read when `ANOMALY_THRESHOLD` is unset). */
  anomalyModelS3Uri: z.optional(s3ObjectUri()),
  /** `ANOMALY_THRESHOLD`: anomaly score at or above which a record is `anomalous` (finite). @defaultValue the threshold recorded with the detector's model */
  anomalyThreshold: z.optional(z.number({ error: "must be a finite number" }).check(z.refine(Number.isFinite, { error: "must be a finite number" }))),
  /** `ANOMALY_MODEL_VERSION`: the detector's version label (1–128 printable characters). @defaultValue the detector's endpoint name, or its model URI */
  anomalyModelVersion: z.optional(matching(/^[\x21-\x7e]{1,128}$/, "1-128 printable characters without spaces")),
  /** `POWERTOOLS_SERVICE_NAME`. @defaultValue "fraud-scorer" */
  serviceName: z._default(matching(/^[\x21-\x7e]{1,128}$/, "1-128 printable characters without spaces"), SCORER_DEFAULTS.serviceName),
  /** `POWERTOOLS_METRICS_NAMESPACE`. @defaultValue "FraudDetection" */
  metricsNamespace: z._default(matching(/^[A-Za-z0-9._#/-]{1,255}$/, "a CloudWatch namespace (1-255 of A-Z a-z 0-9 . _ # / -)"), SCORER_DEFAULTS.metricsNamespace),
  /** `POWERTOOLS_LOG_LEVEL`. @defaultValue "INFO" */
  logLevel: z._default(z.literal(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }), SCORER_DEFAULTS.logLevel),
});

/** What {@link scorerEnv} accepts: every field optional except `deliveryStreamName`. @public */
export type ScorerConfigInput = z.input<typeof scorerConfigSchema>;

/** The validated configuration, defaults applied. @public */
export type ScorerConfig = Omit<z.output<typeof scorerConfigSchema>, "modelVersion" | "anomalyModelVersion"> & {
  /** Written with every score: `MODEL_VERSION`, else the endpoint name (endpoint mode) or the model URI. */
  modelVersion: string;
  /** The detector's version: `ANOMALY_MODEL_VERSION`, else its endpoint name or model URI; unset without a detector. */
  anomalyModelVersion?: string;
};

/** Environment variable of each configuration field. @public */
export const SCORER_ENV_NAMES = {
  /** Scoring mode. */
  scoringMode: "SCORING_MODE",
  /** SageMaker endpoint name. */
  endpointName: "ENDPOINT_NAME",
  /** Model object URI. */
  modelS3Uri: "MODEL_S3_URI",
  /** Model size limit. */
  modelMaxBytes: "MODEL_MAX_BYTES",
  /** The classifier's algorithm. */
  modelAlgorithm: CLASSIFIER_ENV_NAMES.algorithm,
  /** The classifier's decision threshold. */
  modelThreshold: CLASSIFIER_ENV_NAMES.threshold,
  /** Firehose stream. */
  deliveryStreamName: "DELIVERY_STREAM_NAME",
  /** Transactions per scheduled invocation. */
  batchSize: "BATCH_SIZE",
  /** InvokeEndpoint content type. */
  contentType: "CONTENT_TYPE",
  /** Model version written with scores. */
  modelVersion: "MODEL_VERSION",
  /** Fraud rate of simulated transactions. */
  fraudRate: "FRAUD_RATE",
  /** Rows per InvokeEndpoint call. */
  maxRowsPerRequest: "MAX_ROWS_PER_REQUEST",
  /** Time kept back from delivery. */
  deliverySafetyMarginMs: "DELIVERY_SAFETY_MARGIN_MS",
  /** On-failure queue URL. */
  onFailureQueueUrl: "ON_FAILURE_QUEUE_URL",
  /** The anomaly detector's scoring mode. */
  anomalyScoringMode: ANOMALY_DETECTOR_ENV_NAMES.scoringMode,
  /** The anomaly detector's endpoint. */
  anomalyEndpointName: ANOMALY_DETECTOR_ENV_NAMES.endpointName,
  /** The anomaly detector's model URI. */
  anomalyModelS3Uri: ANOMALY_DETECTOR_ENV_NAMES.modelS3Uri,
  /** The anomaly threshold. */
  anomalyThreshold: ANOMALY_DETECTOR_ENV_NAMES.threshold,
  /** The anomaly detector's version label. */
  anomalyModelVersion: ANOMALY_DETECTOR_ENV_NAMES.modelVersion,
  /** Powertools service name. */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** CloudWatch metrics namespace. */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  /** Log level. */
  logLevel: "POWERTOOLS_LOG_LEVEL",
} as const satisfies Record<keyof ScorerConfigInput, string>;

type Field = keyof typeof SCORER_ENV_NAMES;
const FIELDS = Object.keys(SCORER_ENV_NAMES) as Field[];
const NUMERIC: ReadonlySet<Field> = new Set(["modelMaxBytes", "modelThreshold", "batchSize", "fraudRate", "maxRowsPerRequest", "deliverySafetyMarginMs", "anomalyThreshold"]);
/** Fields read as decimal numbers (the others of {@link NUMERIC} are integers). */
const DECIMAL_FIELDS: ReadonlySet<Field> = new Set(["fraudRate", "modelThreshold", "anomalyThreshold"]);
/** Valid stand-ins for values the stack only knows at apply time (see {@link ScorerEnvOptions.isUnresolved}). */
const PLACEHOLDERS: Partial<Record<Field, string>> = {
  endpointName: "e",
  modelS3Uri: "s3://bucket/key",
  deliveryStreamName: "s",
  modelVersion: "v",
  anomalyEndpointName: "e",
  anomalyModelS3Uri: "s3://bucket/key",
  anomalyModelVersion: "v",
  onFailureQueueUrl: exampleQueueUrl("us-east-1"),
  serviceName: "s",
};

type Label = (f: Field) => string;

function validate(raw: Partial<Record<Field, unknown>>, label: Label): { config?: z.output<typeof scorerConfigSchema>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const add = (field: Field, message: string): void => {
    issues.push({ field, env: SCORER_ENV_NAMES[field], message });
  };
  const parsed = scorerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as Field;
      add(field, describeIssue("", { ...issue, path: [] }, raw[field]).trimStart());
    }
  }
  const mode = raw.scoringMode ?? "endpoint";
  if (mode === "endpoint" && raw.endpointName === undefined) add("endpointName", "is missing (required in endpoint scoring mode)");
  if (mode === "embedded" && raw.modelS3Uri === undefined) add("modelS3Uri", "is missing (required in embedded scoring mode)");
  const anomaly = raw.anomalyScoringMode;
  if (anomaly === "endpoint" && raw.anomalyEndpointName === undefined) add("anomalyEndpointName", "is missing (required when the anomaly detector is an endpoint)");
  if (anomaly === "endpoint" && raw.anomalyThreshold === undefined && raw.anomalyModelS3Uri === undefined) {
    add("anomalyThreshold", `is missing: an anomaly endpoint answers scores only, so give the threshold or ${ANOMALY_DETECTOR_ENV_NAMES.modelS3Uri} (the model it is read from)`);
  }
  if (anomaly === "embedded" && raw.anomalyModelS3Uri === undefined) add("anomalyModelS3Uri", "is missing (required when the anomaly detector is embedded)");
  if (anomaly === undefined) {
    for (const f of ["anomalyEndpointName", "anomalyModelS3Uri", "anomalyThreshold", "anomalyModelVersion"] as const) {
      if (raw[f] !== undefined) add(f, `is set but ${ANOMALY_DETECTOR_ENV_NAMES.scoringMode} is not (set it to endpoint or embedded to run the anomaly detector)`);
    }
  }
  const seen = new Set<string>();
  const unique = issues
    .sort((a, b) => FIELDS.indexOf(a.field as Field) - FIELDS.indexOf(b.field as Field))
    .filter((i) => !seen.has(i.field) && seen.add(i.field));
  if (unique.length > 0) {
    const message = `invalid scorer configuration: ${unique.map((i) => `${label(i.field as Field)} ${i.message}`).join("; ")}`;
    throw new ScorerError("INVALID_ARGUMENT", message, { issues: unique });
  }
  return { config: parsed.data!, issues };
}

function withDefaults(config: z.output<typeof scorerConfigSchema>): ScorerConfig {
  const modelVersion = config.modelVersion ?? (config.scoringMode === "endpoint" ? config.endpointName! : config.modelS3Uri!);
  const { anomalyModelVersion, ...rest } = config;
  const anomaly = config.anomalyScoringMode;
  if (anomaly === undefined) return { ...rest, modelVersion };
  return { ...rest, modelVersion, anomalyModelVersion: anomalyModelVersion ?? (anomaly === "endpoint" ? config.anomalyEndpointName! : config.anomalyModelS3Uri!) };
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function fromEnvString(field: Field, value: string | undefined): unknown {
  const v = value?.trim();
  if (v === undefined || v === "") return undefined;
  if (!NUMERIC.has(field) || !DECIMAL.test(v)) return v;
  if (DECIMAL_FIELDS.has(field)) return Number(v);
  // Integers are read the one way every package reads them (`@fraud/contracts`' parseInteger):
  // "1e3" or "+5" stay text and are refused as not an integer; "1.5" is refused as a fraction.
  const n = parseInteger(v);
  if (n !== undefined) return n;
  return Number.isInteger(Number(v)) ? v : Number(v);
}

/**
 * Reads and validates the scorer's configuration from environment variables (unset or blank means
 * the default), reporting every problem at once. Variables it does not know are ignored.
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` naming each bad variable and quoting its value;
 * `issues` lists them.
 * @example
 * ```ts
 * const config = parseScorerEnv({ ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores" });
 * config.batchSize; // 100
 * ```
 * @public
 */
export function parseScorerEnv(env: Readonly<Record<string, string | undefined>>): ScorerConfig {
  const raw: Partial<Record<Field, unknown>> = {};
  for (const field of FIELDS) {
    const value = fromEnvString(field, env[SCORER_ENV_NAMES[field]]);
    if (value !== undefined) raw[field] = value;
  }
  return withDefaults(validate(raw, (f) => SCORER_ENV_NAMES[f]).config!);
}

/** Options of {@link scorerEnv}. @public */
export interface ScorerEnvOptions {
  /**
   * Tells values only known at deploy time (e.g. CDKTF's `Token.isUnresolved`): such string values
   * are written as given and not pattern-checked.
   * @defaultValue every value is checked
   */
  isUnresolved?: (value: string) => boolean;
}

/**
 * Validates a configuration with the same rules as {@link parseScorerEnv} and serializes it to the
 * Lambda's environment map. Only the fields given are written (the Lambda applies the defaults);
 * `parseScorerEnv(scorerEnv(c))` gives back `c` with defaults applied.
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` naming each bad field (and its variable) and
 * quoting its value; `issues` lists them.
 * @example
 * ```ts
 * const environment = scorerEnv({ endpointName: "fraud-detection-endpoint-dev", deliveryStreamName: "fraud-dev-stream", batchSize: 500 });
 * // { ENDPOINT_NAME: "fraud-detection-endpoint-dev", DELIVERY_STREAM_NAME: "fraud-dev-stream", BATCH_SIZE: "500" }
 * ```
 * @public
 */
export function scorerEnv(input: ScorerConfigInput, options: ScorerEnvOptions = {}): Record<string, string> {
  if (typeof input !== "object" || input === null) {
    throw new ScorerError("INVALID_ARGUMENT", `scorer configuration must be an object (got ${quote(input)})`);
  }
  const given = input as Partial<Record<Field, unknown>>;
  const checked: Partial<Record<Field, unknown>> = {};
  for (const field of FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    const placeholder = PLACEHOLDERS[field];
    checked[field] = placeholder !== undefined && typeof value === "string" && options.isUnresolved?.(value) ? placeholder : value;
  }
  const unknown = Object.keys(given).filter((k) => !(k in SCORER_ENV_NAMES) && given[k as Field] !== undefined);
  if (unknown.length > 0) {
    throw new ScorerError("INVALID_ARGUMENT", `unknown scorer configuration field ${quote(unknown[0])}; known: ${FIELDS.join(", ")}`);
  }
  validate(checked, (f) => `${f} (${SCORER_ENV_NAMES[f]})`);
  const env: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = given[field];
    if (value !== undefined) env[SCORER_ENV_NAMES[field]] = String(value);
  }
  return env;
}

/**
 * CloudWatch metrics the scorer emits (embedded metric format, namespace
 * `POWERTOOLS_METRICS_NAMESPACE`, dimension `service` = `POWERTOOLS_SERVICE_NAME`), for alarms.
 * @public
 */
export const SCORER_METRICS = {
  /** Transactions scored. */
  scored: "TransactionsScored",
  /** Transactions predicted fraudulent. */
  flagged: "TransactionsFlagged",
  /** Records Firehose accepted. */
  delivered: "DeliveredRecords",
  /** Records skipped because this container handed them off for the same event before. */
  alreadyDelivered: "AlreadyDeliveredRecords",
  /** Records re-sent to Firehose after a failure (summed over rounds). */
  retried: "DeliveryRetriedRecords",
  /** Records sent to the on-failure queue. */
  deadLettered: "DeadLetteredRecords",
  /** Records neither delivered nor dead-lettered (the invocation fails). */
  failed: "DeliveryFailedRecords",
  /** HTTP requests answered 4xx. */
  invalidRequests: "InvalidRequests",
  /** Transactions the anomaly detector flagged `anomalous` (only with a detector). */
  anomalous: "TransactionsAnomalous",
  /** Milliseconds spent scoring a batch. */
  scoringLatency: "ScoringLatency",
  /** Milliseconds spent delivering a batch. */
  deliveryLatency: "DeliveryLatency",
} as const;
