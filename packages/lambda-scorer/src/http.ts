/**
 * The HTTP contract: request checks (method, content type, body) and the response that tells the
 * caller, per transaction, what was delivered.
 * @packageDocumentation
 */
import type { ScoreBatchResult, ScoringTransaction } from "./core.js";
import { isScorerError } from "./errors.js";
import { parseHttpEvent } from "./events.js";
import { MAX_HTTP_BODY_BYTES, parseTransactionsBody } from "./transactions.js";

/** A payload 2.0 response. @public */
export interface HttpResult {
  /** HTTP status. */
  statusCode: number;
  /** Response headers. */
  headers: Record<string, string>;
  /** JSON body. */
  body: string;
}

/** One prediction in an HTTP response. @public */
export interface HttpPrediction {
  /** The transaction's id (the caller's, or derived from the transaction when it had none). */
  transactionId: string;
  /** The output record's stable id. */
  id: string;
  /** Fraud probability (classifier) or regression value. */
  score: number;
  /** 1 = fraud, 0 = legitimate; `null` for a regressor. */
  predictedLabel: 0 | 1 | null;
  /** With an anomaly detector: the anomaly score. */
  anomalyScore?: number;
  /** With an anomaly detector: whether the score is at or above the anomaly threshold. */
  anomalous?: boolean;
  /** With an anomaly detector: the classifier's answer, as the AWS solution's Lambda returns it. */
  fraud_classifier?: {
    /** Fraud probability. */
    pred_proba: number;
    /** Predicted label at the classifier's threshold (`null` for a regressor). */
    prediction: 0 | 1 | null;
  };
  /** With an anomaly detector: the detector's answer, as the AWS solution's Lambda returns it. */
  anomaly_detector?: {
    /** Anomaly score. */
    score: number;
  };
}

/** A transaction whose record was not delivered. @public */
export interface HttpFailure {
  /** The transaction's id: re-send this transaction. */
  transactionId: string;
  /** The last delivery error. */
  reason: string;
}

/**
 * The body of a scoring response (status 200, 207 or 503). `delivered` and `failed` partition the
 * request's transaction ids: re-send exactly the `failed` ones.
 * @public
 */
export interface HttpScoreResponse {
  /** Model version that scored the transactions. */
  modelVersion: string;
  /** Transactions in the request. */
  count: number;
  /** Transactions predicted fraudulent. */
  flagged: number;
  /** With an anomaly detector: transactions flagged anomalous. */
  anomalous?: number;
  /** Ids of the transactions whose record Firehose accepted. */
  delivered: string[];
  /** Transactions whose record Firehose did not accept in time, with the last error. */
  failed: HttpFailure[];
  /** Every transaction's score, in request order. */
  predictions: HttpPrediction[];
  /** Present when not everything was delivered. */
  message?: string;
}

/** A request that can be scored. @public */
export interface HttpRequest {
  /** Its validated transactions. */
  transactions: ScoringTransaction[];
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/**
 * Checks an HTTP request and parses its transactions. Returns the error response instead for a
 * request that cannot be scored: 400 (malformed event or body, with the reason), 405 (not POST),
 * 415 (not JSON).
 * @example
 * ```ts
 * const request = parseHttpRequest(event);
 * if ("statusCode" in request) return request;
 * ```
 * @public
 */
export function parseHttpRequest(event: unknown): HttpRequest | HttpResult {
  try {
    const e = parseHttpEvent(event);
    const method = e.requestContext?.http?.method;
    if (method !== undefined && method !== "POST") return json(405, { message: `method ${method.slice(0, 20)} not allowed; POST JSON transactions` }, { allow: "POST" });
    const type = e.headers?.["content-type"];
    if (type !== undefined && !/^application\/json\b/i.test(type.trim())) {
      return json(415, { message: `content-type ${JSON.stringify(type.slice(0, 80))} not supported; send application/json` });
    }
    const raw = e.body ?? "";
    if (e.isBase64Encoded && raw.length > Math.ceil((MAX_HTTP_BODY_BYTES * 4) / 3) + 4) {
      return json(400, { message: `body is larger than ${MAX_HTTP_BODY_BYTES} bytes`, code: "INVALID_ARGUMENT" });
    }
    return { transactions: parseTransactionsBody(e.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw) };
  } catch (err) {
    if (!isScorerError(err, "INVALID_ARGUMENT")) throw err;
    return json(400, { message: err.message, code: err.code });
  }
}

/**
 * The response to a scored request: 200 when every record was delivered; 207 when some were and
 * some were not; 503 (with `retry-after: 1`) when none was. The body ({@link HttpScoreResponse})
 * lists delivered and failed transaction ids either way.
 * @example
 * ```ts
 * return httpResponse(await scoreTransactions(transactions, deps), config.modelVersion);
 * ```
 * @public
 */
export function httpResponse(result: ScoreBatchResult, modelVersion: string): HttpResult {
  const delivered: string[] = [];
  const failed: HttpScoreResponse["failed"] = [];
  const reason = result.lastError ?? "not delivered in time";
  result.records.forEach((r, i) => {
    if (result.status[i] === "failed") failed.push({ transactionId: r.transactionId, reason });
    else delivered.push(r.transactionId);
  });
  const withDetector = result.records.length > 0 && result.records[0]!.anomalyScore !== undefined;
  const body: HttpScoreResponse = {
    modelVersion,
    count: result.records.length,
    flagged: result.flagged,
    ...(withDetector ? { anomalous: result.anomalous } : {}),
    delivered,
    failed,
    predictions: result.records.map((r): HttpPrediction => {
      const p: HttpPrediction = { transactionId: r.transactionId, id: r.id, score: r.score, predictedLabel: r.predictedLabel };
      if (r.anomalyScore === undefined) return p;
      return Object.assign(p, {
        anomalyScore: r.anomalyScore,
        anomalous: r.anomalous === true,
        fraud_classifier: { pred_proba: r.score, prediction: r.predictedLabel },
        anomaly_detector: { score: r.anomalyScore },
      });
    }),
  };
  if (failed.length === 0) return json(200, body);
  body.message = `${failed.length} of ${result.records.length} records not delivered; re-send the failed transactions`;
  return delivered.length > 0 ? json(207, body) : json(503, body, { "retry-after": "1" });
}
