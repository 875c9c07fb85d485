/**
 * Lambda entry point (bundled to `index.mjs`): validates the environment at cold start and exports
 * the `scheduled` and `http` handlers.
 * @packageDocumentation
 */
import { parseScorerEnv } from "./config.js";
import { createHandlers, createRuntime } from "./handlers.js";

const handlers = createHandlers(createRuntime(parseScorerEnv(process.env)));

/** EventBridge scheduled handler. @public */
export const scheduled = handlers.scheduled;
/** Function URL / API Gateway v2 handler. @public */
export const http = handlers.http;
