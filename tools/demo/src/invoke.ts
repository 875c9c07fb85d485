/**
 * How AWS invokes the scorer, emulated over a {@link LambdaHost}: asynchronous invocations (the
 * EventBridge schedule) retried on error and then sent to the on-failure destination, and HTTP
 * clients (the Function URL) re-sending on 5xx only the transactions not delivered.
 * @packageDocumentation
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { HttpScoreResponse } from "@fraud/lambda-scorer";
import type { Invocation, LambdaHost } from "./lambda-host.js";
import type { OnFailureDestination } from "./on-failure.js";

/** Options of {@link invokeAsync}. @public */
export interface AsyncInvokeOptions {
  /** Where the event goes once every attempt failed. */
  destination: OnFailureDestination;
  /**
   * Retries after the first attempt (Lambda's `MaximumRetryAttempts`, 0–2).
   * @defaultValue 2
   */
  maxRetries?: number;
  /**
   * Wait before each retry, in milliseconds. Lambda waits about 1 minute, then 2; the local run
   * scales that down.
   * @defaultValue [100, 200]
   */
  retryDelaysMs?: readonly number[];
  /** The function's ARN in the invocation record. @defaultValue a local fraud-scorer ARN */
  functionArn?: string;
}

/** What an asynchronous invocation came to. @public */
export interface AsyncOutcome<T> {
  /** The successful attempt's invocation, if one succeeded. */
  result: Invocation<T> | undefined;
  /** Attempts made (1–3). */
  attempts: number;
  /** Whether the event went to the on-failure destination. */
  sentToDestination: boolean;
  /** Handler milliseconds of every attempt. */
  ms: number[];
}

/**
 * Invokes `handler` the way Lambda runs an asynchronous invocation: on error it retries (up to
 * `maxRetries`, after `retryDelaysMs`), then sends the event to the on-failure destination with
 * Lambda's invocation record.
 *
 * @example
 * ```ts
 * const outcome = await invokeAsync(host, "scheduled", event, { destination: jsonLinesDestination("dlq.jsonl") });
 * ```
 * @public
 */
export async function invokeAsync<T>(host: LambdaHost, handler: "scheduled" | "http", event: unknown, options: AsyncInvokeOptions): Promise<AsyncOutcome<T>> {
  const maxRetries = options.maxRetries ?? 2;
  const delays = options.retryDelaysMs ?? [100, 200];
  const ms: number[] = [];
  let last: Invocation<T> | undefined;
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (attempt > 0) await sleep(delays[Math.min(attempt - 1, delays.length - 1)] ?? 0);
    last = await host.invoke<T>(handler, event);
    ms.push(last.ms);
    if (last.ok) return { result: last, attempts: attempt + 1, sentToDestination: false, ms };
  }
  await options.destination.send({
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: last?.requestId ?? "",
      functionArn: options.functionArn ?? "arn:aws:lambda:us-east-1:000000000000:function:fraud-scorer:$LATEST",
      condition: "RetriesExhausted",
      approximateInvokeCount: maxRetries + 1,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: last?.errorType ?? "Error", errorMessage: last?.error ?? "unknown error" },
  });
  return { result: undefined, attempts: maxRetries + 1, sentToDestination: true, ms };
}

/** A transaction as an HTTP caller posts it. @public */
export interface PostedTransaction {
  /** The caller's id of the transaction. */
  id: string;
}

/** Options of {@link postTransactions}. @public */
export interface HttpClientOptions {
  /**
   * Requests per batch, the first included: a 5xx answer is followed by re-sending only the
   * transactions it says were not delivered, until this many requests were made.
   * @defaultValue 3
   */
  maxAttempts?: number;
  /**
   * Wait before each re-send, in milliseconds.
   * @defaultValue [100, 200]
   */
  retryDelaysMs?: readonly number[];
}

/** What posting one batch came to. @public */
export interface HttpOutcome {
  /** Requests made. */
  requests: number;
  /** Transactions re-sent after 5xx answers. */
  resent: number;
  /** Transactions the function reported flagged. */
  flagged: number;
  /** Delivered transactions the function's anomaly detector flagged (0 without one). */
  anomalous: number;
  /** Records the function re-sent to Firehose after partial failures, as its answers report. */
  firehoseRetries: number;
  /** Ids still not delivered when the client gave up (the caller was told each time). */
  undelivered: string[];
  /** Handler milliseconds of every request. */
  ms: number[];
  /** The last failure, when any request failed. */
  lastError: string | undefined;
  /** A 4xx answer: the function refused the request itself (nothing is re-sent). */
  clientError: string | undefined;
}

interface HttpAnswer {
  statusCode: number;
  body: string;
}

/** What one answer says: the ids delivered, the ids to re-send, and the delivered transactions flagged. */
function readAnswer(answer: HttpAnswer, sent: readonly PostedTransaction[]): { failed: Set<string>; flagged: number; anomalous: number; retried: number } {
  let body: Partial<HttpScoreResponse> & { retried?: number };
  try {
    body = JSON.parse(answer.body) as typeof body;
  } catch {
    body = {};
  }
  // an answer that does not list failures (a 502 from the endpoint, an unparsable body) delivered nothing
  const failed = Array.isArray(body.failed) ? new Set(body.failed.map((f) => f.transactionId)) : new Set(sent.map((t) => t.id));
  const delivered = new Set(Array.isArray(body.delivered) ? body.delivered : []);
  const flagged = (body.predictions ?? []).filter((p) => p.predictedLabel === 1 && delivered.has(p.transactionId)).length;
  const anomalous = (body.predictions ?? []).filter((p) => p.anomalous === true && delivered.has(p.transactionId)).length;
  return { failed, flagged, anomalous, retried: body.retried ?? 0 };
}

function httpEvent(transactions: readonly PostedTransaction[]): unknown {
  return {
    version: "2.0",
    rawPath: "/",
    headers: { "content-type": "application/json" },
    requestContext: { http: { method: "POST", path: "/" } },
    body: JSON.stringify({ transactions }),
    isBase64Encoded: false,
  };
}

/**
 * Posts transactions to the `http` handler as a Function URL client does: on a 5xx (or 207
 * partial) answer it re-sends only the transactions the answer lists as `failed`, up to
 * `maxAttempts` requests.
 *
 * @example
 * ```ts
 * const outcome = await postTransactions(host, batch);
 * if (outcome.undelivered.length > 0) console.error(`${outcome.undelivered.length} not delivered`);
 * ```
 * @public
 */
export async function postTransactions(host: LambdaHost, transactions: readonly PostedTransaction[], options: HttpClientOptions = {}): Promise<HttpOutcome> {
  const maxAttempts = options.maxAttempts ?? 3;
  const delays = options.retryDelaysMs ?? [100, 200];
  const outcome: HttpOutcome = { requests: 0, resent: 0, flagged: 0, anomalous: 0, firehoseRetries: 0, undelivered: [], ms: [], lastError: undefined, clientError: undefined };
  let pending = transactions;
  while (pending.length > 0 && outcome.requests < maxAttempts) {
    if (outcome.requests > 0) {
      await sleep(delays[Math.min(outcome.requests - 1, delays.length - 1)] ?? 0);
      outcome.resent += pending.length;
    }
    const r = await host.invoke<HttpAnswer>("http", httpEvent(pending));
    outcome.requests++;
    outcome.ms.push(r.ms);
    const answer = r.value;
    if (r.ok && answer && answer.statusCode >= 400 && answer.statusCode < 500) {
      outcome.clientError = `HTTP ${answer.statusCode}: ${answer.body.slice(0, 200)}`;
      break;
    }
    // 200: all delivered; 207 and 5xx: re-send exactly the failed ones; a thrown invocation delivered nothing known
    const read = r.ok && answer ? readAnswer(answer, pending) : { failed: new Set(pending.map((t) => t.id)), flagged: 0, anomalous: 0, retried: 0 };
    outcome.flagged += read.flagged;
    outcome.anomalous += read.anomalous;
    outcome.firehoseRetries += read.retried;
    if (read.failed.size > 0) outcome.lastError = r.ok ? `HTTP ${answer?.statusCode}: ${answer?.body.slice(0, 200)}` : (r.error ?? "unknown error");
    pending = pending.filter((t) => read.failed.has(t.id));
  }
  outcome.undelivered = pending.map((t) => t.id);
  return outcome;
}
