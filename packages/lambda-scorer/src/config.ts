/**
 * Configuration from environment variables, validated once per cold start.
 * @packageDocumentation
 */
import { ScorerError } from "./errors.js";

/** Request content types the endpoint scorer can send. @public */
export const CONTENT_TYPES = ["text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"] as const;

/** One of {@link CONTENT_TYPES}. @public */
export type ContentType = (typeof CONTENT_TYPES)[number];

/** Where scores come from. @public */
export type ScoringMode = "endpoint" | "embedded";

/** An `s3://bucket/key` location. @public */
export interface S3Location {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
}

/** Validated configuration of the scorer Lambda. @public */
export interface ScorerConfig {
  /** `SCORING_MODE`: `endpoint` (InvokeEndpoint) or `embedded` (model loaded from S3). @defaultValue "endpoint" */
  scoringMode: ScoringMode;
  /** `ENDPOINT_NAME` (required in endpoint mode). */
  endpointName: string | undefined;
  /** `MODEL_S3_URI` parsed (required in embedded mode). */
  modelS3: S3Location | undefined;
  /** `DELIVERY_STREAM_NAME` (required). */
  deliveryStreamName: string;
  /** `BATCH_SIZE`: transactions drawn per scheduled invocation, 1–10,000. @defaultValue 100 */
  batchSize: number;
  /** `CONTENT_TYPE` of InvokeEndpoint requests. @defaultValue "text/csv" */
  contentType: ContentType;
  /** `MODEL_VERSION` written with every score. @defaultValue the endpoint name or the model URI */
  modelVersion: string;
  /** `FRAUD_RATE` of simulated transactions, in (0, 1); the simulator's default when unset. */
  fraudRate: number | undefined;
  /** `MAX_ROWS_PER_REQUEST`: rows per InvokeEndpoint call, 1–10,000. @defaultValue 1000 */
  maxRowsPerRequest: number;
  /** `DELIVERY_MAX_ATTEMPTS`: PutRecordBatch attempts per record, 1–20. @defaultValue 6 */
  deliveryMaxAttempts: number;
}

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/** Parses `s3://bucket/key`; `undefined` when malformed. @public */
export function parseS3Uri(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/**
 * Reads and validates the scorer's environment variables, reporting every problem at once.
 *
 * @throws {@link ScorerError} `CONFIG_INVALID` listing what is missing or malformed.
 * @example
 * ```ts
 * const config = loadConfig({ SCORING_MODE: "endpoint", ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "scores" });
 * ```
 * @public
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ScorerConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return dflt;
    }
    return n;
  };

  const modeRaw = get("SCORING_MODE") ?? "endpoint";
  let scoringMode: ScoringMode = "endpoint";
  if (modeRaw === "endpoint" || modeRaw === "embedded") scoringMode = modeRaw;
  else problems.push(`SCORING_MODE must be "endpoint" or "embedded" (got ${JSON.stringify(modeRaw)})`);

  const endpointName = get("ENDPOINT_NAME");
  if (scoringMode === "endpoint") {
    if (endpointName === undefined) problems.push("ENDPOINT_NAME is missing (required when SCORING_MODE=endpoint)");
    else if (!ENDPOINT_NAME.test(endpointName)) problems.push(`ENDPOINT_NAME is not a valid endpoint name (got ${JSON.stringify(endpointName)})`);
  }
  const modelUri = get("MODEL_S3_URI");
  let modelS3: S3Location | undefined;
  if (modelUri !== undefined) {
    modelS3 = parseS3Uri(modelUri);
    if (!modelS3) problems.push(`MODEL_S3_URI must look like s3://bucket/key (got ${JSON.stringify(modelUri)})`);
  } else if (scoringMode === "embedded") {
    problems.push("MODEL_S3_URI is missing (required when SCORING_MODE=embedded)");
  }

  const deliveryStreamName = get("DELIVERY_STREAM_NAME");
  if (deliveryStreamName === undefined) problems.push("DELIVERY_STREAM_NAME is missing");
  else if (!STREAM_NAME.test(deliveryStreamName)) problems.push(`DELIVERY_STREAM_NAME is not a valid stream name (got ${JSON.stringify(deliveryStreamName)})`);

  const batchSize = int("BATCH_SIZE", 100, 1, 10_000);
  const maxRowsPerRequest = int("MAX_ROWS_PER_REQUEST", 1000, 1, 10_000);
  const deliveryMaxAttempts = int("DELIVERY_MAX_ATTEMPTS", 6, 1, 20);

  const ctRaw = (get("CONTENT_TYPE") ?? "text/csv").toLowerCase();
  let contentType: ContentType = "text/csv";
  if ((CONTENT_TYPES as readonly string[]).includes(ctRaw)) contentType = ctRaw as ContentType;
  else problems.push(`CONTENT_TYPE must be one of ${CONTENT_TYPES.join(", ")} (got ${JSON.stringify(ctRaw)})`);

  let fraudRate: number | undefined;
  const fr = get("FRAUD_RATE");
  if (fr !== undefined) {
    fraudRate = Number(fr);
    if (!Number.isFinite(fraudRate) || fraudRate <= 0 || fraudRate >= 1) {
      problems.push(`FRAUD_RATE must be a number between 0 and 1, exclusive (got ${JSON.stringify(fr)})`);
      fraudRate = undefined;
    }
  }

  if (problems.length > 0) throw new ScorerError("CONFIG_INVALID", `invalid configuration: ${problems.join("; ")}`);
  const modelVersion = get("MODEL_VERSION") ?? (scoringMode === "endpoint" ? endpointName! : modelUri!);
  return {
    scoringMode,
    endpointName,
    modelS3,
    deliveryStreamName: deliveryStreamName!,
    batchSize,
    contentType,
    modelVersion,
    fraudRate,
    maxRowsPerRequest,
    deliveryMaxAttempts,
  };
}
