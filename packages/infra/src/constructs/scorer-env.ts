import { Token } from "cdktf";
import { SCORER_DEFAULTS } from "@fraud/contracts";
import { isScorerError, scorerEnv } from "@fraud/lambda-scorer/config";
import type { ScorerConfigInput } from "@fraud/lambda-scorer/config";
import type { StackConfig } from "../config/resolve.js";
import { InfraError } from "../errors.js";
import { stackNames } from "./names.js";

/** The infra setting behind each scorer configuration field, for error messages. */
const FIELD_OF: Partial<Record<keyof ScorerConfigInput, string>> = {
  scoringMode: "lambda.scoringMode",
  endpointName: "prefix",
  modelS3Uri: "model.dataUrl",
  modelMaxBytes: "lambda.modelMaxBytes",
  deliveryStreamName: "prefix",
  batchSize: "lambda.batchSize",
  contentType: "lambda.contentType",
  modelVersion: "model.version",
  fraudRate: "lambda.fraudRate",
  logLevel: "lambda.logLevel",
  modelAlgorithm: "model.algorithm",
  anomalyScoringMode: "anomalyDetector.scoringMode",
  anomalyEndpointName: "prefix",
  anomalyModelS3Uri: "anomalyDetector.dataUrl",
  anomalyThreshold: "anomalyDetector.threshold",
  anomalyModelVersion: "anomalyDetector.version",
};

/**
 * The scorer Lambda's configuration for this stack, in `@fraud/lambda-scorer/config`'s terms: the
 * names the stack gives the endpoint and stream, the classifier and its algorithm, the anomaly
 * detector when one is served (its endpoint, or its model in embedded mode, and its threshold),
 * the on-failure queue, and the `lambda.*` settings that were set (unset ones take the Lambda's
 * defaults).
 * @example
 * ```ts
 * scorerConfig(config, queue.url).deliveryStreamName; // "fraud-detection-dev-results"
 * ```
 * @public
 */
export function scorerConfig(config: StackConfig, onFailureQueueUrl: string): ScorerConfigInput {
  const names = stackNames(config);
  const l = config.lambda;
  const input: ScorerConfigInput = {
    scoringMode: l.scoringMode,
    deliveryStreamName: names.stream,
    onFailureQueueUrl,
    serviceName: SCORER_DEFAULTS.serviceName,
    metricsNamespace: SCORER_DEFAULTS.metricsNamespace,
  };
  if (l.scoringMode === "endpoint") input.endpointName = names.endpoint;
  if (config.model.dataUrl !== undefined) input.modelS3Uri = config.model.dataUrl;
  if (config.model.version !== undefined) input.modelVersion = config.model.version;
  if (l.batchSize !== undefined) input.batchSize = l.batchSize;
  if (l.contentType !== undefined) input.contentType = l.contentType;
  if (l.fraudRate !== undefined) input.fraudRate = l.fraudRate;
  if (l.logLevel !== undefined) input.logLevel = l.logLevel;
  if (l.modelMaxBytes !== undefined) input.modelMaxBytes = l.modelMaxBytes;
  input.modelAlgorithm = config.model.algorithm as NonNullable<ScorerConfigInput["modelAlgorithm"]>;
  const a = config.anomalyDetector;
  if (a.enabled === true && a.dataUrl !== undefined) {
    // The second model: called at its endpoint, or loaded from S3 into the function.
    input.anomalyScoringMode = a.scoringMode;
    if (a.scoringMode === "endpoint") input.anomalyEndpointName = names.anomalyEndpoint;
    else input.anomalyModelS3Uri = a.dataUrl;
    if (a.threshold !== undefined) input.anomalyThreshold = a.threshold;
    if (a.version !== undefined) input.anomalyModelVersion = a.version;
  }
  return input;
}

/**
 * The scorer Lambda's environment, written by the scorer's own `scorerEnv` (values Terraform
 * resolves at apply time, such as the queue URL, are written as references).
 * @example
 * ```ts
 * scorerEnvironment(config, queue.url); // { SCORING_MODE: "endpoint", ENDPOINT_NAME: "fraud-detection-dev-endpoint", … }
 * ```
 * @throws {@link InfraError} `INVALID_ARGUMENT` naming the infra setting when the Lambda would reject the value.
 * @public
 */
export function scorerEnvironment(config: StackConfig, onFailureQueueUrl: string): Record<string, string> {
  try {
    return { ...scorerEnv(scorerConfig(config, onFailureQueueUrl), { isUnresolved: (v) => Token.isUnresolved(v) }), NODE_OPTIONS: "--enable-source-maps" };
  } catch (err) {
    if (!isScorerError(err)) throw err;
    const field = FIELD_OF[(err.issues?.[0]?.field ?? "") as keyof ScorerConfigInput] ?? "lambda";
    throw new InfraError("INVALID_ARGUMENT", `invalid configuration: ${field}: the scorer Lambda would reject it: ${err.message}`, { field, cause: err });
  }
}
