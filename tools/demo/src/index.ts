/**
 * `@fraud/demo`: the whole fraud-detection pipeline on one machine, behind `npm start`; and the
 * pieces that drive the bundled Lambda the way AWS does.
 * @packageDocumentation
 */
export { DemoError, isDemoError } from "./errors.js";
export type { DemoErrorCode, DemoErrorOptions } from "./errors.js";
export { REPO_ROOT } from "./options.js";
export type { DemoOptions } from "./options.js";
export { STAGES } from "./stages.js";
export type { Reporter, Stage } from "./stages.js";
export { runDemo } from "./pipeline.js";
export type { AnomalySummary, ClassifierSummary, DataSummary, DemoSummary, LatencySummary, ModelSummary, OutputsSummary, StreamSummary } from "./summary.js";
export { localLambdaEnv, startLambda } from "./lambda-host.js";
export type { Invocation, LambdaHost, LambdaHostOptions, LocalServiceUrls } from "./lambda-host.js";
export { invokeAsync, postTransactions } from "./invoke.js";
export type { AsyncInvokeOptions, AsyncOutcome, HttpClientOptions, HttpOutcome, PostedTransaction } from "./invoke.js";
export { jsonLinesDestination } from "./on-failure.js";
export type { InvocationRecord, OnFailureDestination } from "./on-failure.js";
