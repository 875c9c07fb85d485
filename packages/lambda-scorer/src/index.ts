/**
 * `@fraud/lambda-scorer`: scores a live stream of card transactions on a SageMaker endpoint (or an
 * embedded Linear Learner model) and streams one JSON line per transaction to Firehose, never
 * silently dropping one. The Lambda bundle's entry exports `scheduled` and `http`; this entry
 * exposes the pure core and the handler factory for reuse and tests. The configuration contract
 * lives in `@fraud/lambda-scorer/config`, test doubles in `@fraud/lambda-scorer/testing`.
 * @packageDocumentation
 */
export { ScorerError, isScorerError } from "./errors.js";
export type { ConfigIssue, ScorerErrorCode, ScorerErrorOptions } from "./errors.js";
export { parseScorerEnv, scorerEnv } from "./config.js";
export type { ContentType, ScoredRecord, ScorerConfig, ScorerConfigInput, ScoringMode } from "./config.js";
export type { LambdaContext } from "./context.js";
export { retryRounds } from "./retry.js";
export type { RetryOutcome, RetryPolicy, RoundResult } from "./retry.js";
export { chunkRecords, deliverRecords } from "./delivery.js";
export type { DeliveryOptions, DeliveryReport, FirehoseSender } from "./delivery.js";
export { deadLetterRecords } from "./deadletter.js";
export type { DeadLetterOptions, DeadLetterReport, QueueSender } from "./deadletter.js";
export { createDeliveryLedger } from "./ledger.js";
export type { DeliveryLedger, DeliveryLedgerOptions } from "./ledger.js";
export { createEmbeddedScorer, createEndpointScorer } from "./scorers.js";
export type { EndpointScorerOptions, InvokeSender, Scorer } from "./scorers.js";
export { loadEmbeddedModel, s3ModelFetcher } from "./model.js";
export type { ModelFetcher } from "./model.js";
export { formatRecord, recordId, scoreTransactions } from "./core.js";
export type { AnomalyDetector, DeadLetterTarget, RecordStatus, ScoreBatchResult, ScoreDependencies, ScoringTransaction } from "./core.js";
export { MAX_HTTP_BODY_BYTES, MAX_HTTP_TRANSACTIONS, drawTransactions, eventSeed, fromLiveTransaction, parseTransaction, parseTransactionsBody } from "./transactions.js";
export { MAX_EVENT_DEPTH, httpEventSchema, parseHttpEvent, parseScheduledEvent, scheduledEventSchema } from "./events.js";
export type { HttpEvent, ScheduledEvent } from "./events.js";
export { httpResponse, parseHttpRequest } from "./http.js";
export type { HttpFailure, HttpPrediction, HttpRequest, HttpResult, HttpScoreResponse } from "./http.js";
export { createRuntime } from "./runtime.js";
export type { RuntimeOverrides, ScorerRuntime } from "./runtime.js";
export { createHandlers } from "./handlers.js";
export type { Handlers, ScheduledResult } from "./handlers.js";
