import type { StackConfig } from "../config.js";
import { stackNames } from "./names.js";

/**
 * The scorer Lambda's environment for this stack.
 * @public
 */
export function scorerEnvironment(config: StackConfig, failureQueueUrl: string): Record<string, string> {
  const names = stackNames(config);
  const l = config.lambda;
  const env: Record<string, string> = {
    SCORING_MODE: l.scoringMode,
    DELIVERY_STREAM_NAME: names.stream,
    BATCH_SIZE: String(l.batchSize),
    CONTENT_TYPE: l.contentType,
    MODEL_VERSION: config.model.version ?? "1",
    DEAD_LETTER_QUEUE_URL: failureQueueUrl,
    POWERTOOLS_SERVICE_NAME: "fraud-scorer",
    POWERTOOLS_METRICS_NAMESPACE: "FraudDetection",
    POWERTOOLS_LOG_LEVEL: l.logLevel,
    NODE_OPTIONS: "--enable-source-maps",
  };
  if (l.scoringMode === "endpoint") env["ENDPOINT_NAME"] = names.endpoint;
  if (config.model.dataUrl !== undefined) env["MODEL_S3_URI"] = config.model.dataUrl;
  if (l.fraudRate !== undefined) env["FRAUD_RATE"] = String(l.fraudRate);
  return env;
}
