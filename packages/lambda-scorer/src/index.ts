/**
 * `@fraud/lambda-scorer`: scores a live stream of card transactions on a SageMaker endpoint (or an
 * embedded Linear Learner model) and streams one JSON line per transaction to Firehose, losing
 * nothing. The Lambda bundle's entry exports `scheduled` and `http`; this entry exposes the pure
 * core and the handler factory for reuse and tests.
 * @packageDocumentation
 */
export { ScorerError, isScorerError } from "./errors.js";
export type { ScorerErrorCode, ScorerErrorOptions } from "./errors.js";
export {
  CONTENT_TYPES,
  FIREHOSE_MAX_BATCH_BYTES,
  FIREHOSE_MAX_BATCH_RECORDS,
  FIREHOSE_MAX_RECORD_BYTES,
  parseS3Uri,
  parseScorerEnv,
  scoredRecordSchema,
  scorerEnv,
} from "./config.js";
export type { ContentType, S3Location, ScoredRecord, ScorerConfig, ScorerConfigInput, ScoringMode } from "./config.js";
export type { LambdaContext } from "./context.js";
export { chunkRecords, deliverRecords } from "./delivery.js";
export type { DeliveryOptions, DeliveryReport, FirehoseSender } from "./delivery.js";
export { createEmbeddedScorer, createEndpointScorer } from "./scorers.js";
export type { EmbeddedModel, EndpointScorerOptions, FeatureMatrix, InvokeSender, Score, Scorer } from "./scorers.js";
export { formatScoredLine, scoreTransactions } from "./core.js";
export type { ScoreBatchResult, ScoreDependencies, ScoredTransaction, ScoringTransaction } from "./core.js";
export { MAX_HTTP_BODY_BYTES, MAX_HTTP_TRANSACTIONS, drawTransactions, eventSeed, fromLiveTransaction, parseTransaction, parseTransactionsBody } from "./transactions.js";
export { createHandlers, createRuntime } from "./handlers.js";
export type {
  Handlers,
  HttpEvent,
  HttpResult,
  RuntimeOverrides,
  ScheduledEvent,
  ScheduledResult,
  ScorerRuntime,
} from "./handlers.js";
