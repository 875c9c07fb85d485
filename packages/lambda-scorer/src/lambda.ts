/**
 * Lambda entry point (bundled to `index.mjs`): validates the environment and, in embedded mode,
 * loads the model (and the anomaly detector's, when it is embedded or its threshold is read from it) during init (a failed load is logged here and retried, as a typed
 * `MODEL_LOAD_FAILED`/`MODEL_TOO_LARGE` error, by the next invocation); exports the `scheduled` and
 * `http` handlers.
 * @packageDocumentation
 */
import { parseScorerEnv } from "./config.js";
import { createHandlers } from "./handlers.js";
import { createRuntime } from "./runtime.js";

const runtime = createRuntime(parseScorerEnv(process.env));
if (runtime.config.scoringMode === "embedded") {
  await runtime.getScorer().catch((err: unknown) => runtime.logger.error("model load failed at init", err as Error));
}
if (runtime.config.anomalyScoringMode !== undefined) {
  await runtime.getDetector().catch((err: unknown) => runtime.logger.error("anomaly detector load failed at init", err as Error));
}
const handlers = createHandlers(runtime);

/** EventBridge scheduled handler. @public */
export const scheduled = handlers.scheduled;
/** Function URL / API Gateway v2 handler. @public */
export const http = handlers.http;
