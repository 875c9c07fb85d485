/**
 * Scorers: the SageMaker endpoint (`InvokeEndpoint`, many rows per request) and an embedded
 * Linear Learner model scored in-process.
 * @packageDocumentation
 */
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import type { InvokeEndpointCommandOutput } from "@aws-sdk/client-sagemaker-runtime";
import { RECORDIO_CONTENT_TYPE, parseInferenceResponse, serializeInferenceRequest } from "@fraud/recordio";
import type { LinearLearnerModel } from "@fraud/trainer/model";
import pLimit from "p-limit";
import type { ContentType } from "./config.js";
import { ScorerError } from "./errors.js";

/** One score: `predictedLabel` is present for binary classifiers. @public */
export interface Score {
  /** Probability of fraud (classifier) or the regression value. */
  score: number;
  /** 1 = fraud, 0 = legitimate (classifiers only). */
  predictedLabel?: number | undefined;
}

/** Rows to score: `rows × dim` features, row-major. @public */
export interface FeatureMatrix {
  /** Row-major features. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Features per row. */
  dim: number;
}

/** Anything that scores feature rows. @public */
export interface Scorer {
  /** Human-readable description for logs. */
  readonly description: string;
  /** Scores every row, in order. */
  score(matrix: FeatureMatrix): Promise<Score[]>;
}

/** The part of `SageMakerRuntimeClient` the endpoint scorer needs. @public */
export interface InvokeSender {
  /** Sends one `InvokeEndpointCommand`. */
  send(command: InvokeEndpointCommand): Promise<InvokeEndpointCommandOutput>;
}

/** Options of {@link createEndpointScorer}. @public */
export interface EndpointScorerOptions {
  /** SageMaker runtime client (its retry strategy handles throttling and 5xx). */
  client: InvokeSender;
  /** Endpoint name. */
  endpointName: string;
  /** Request content type. @defaultValue "text/csv" */
  contentType?: ContentType;
  /** Rows per `InvokeEndpoint` call. @defaultValue 1000 */
  maxRowsPerRequest?: number;
  /** Calls in flight at once. @defaultValue 4 */
  concurrency?: number;
}

/** Payload cap per request: below SageMaker's 6 MiB with room to spare. */
const MAX_PAYLOAD = 5 * 1024 * 1024;

function serialize(m: FeatureMatrix, start: number, end: number, type: ContentType): Uint8Array | string {
  const { data, dim } = m;
  if (type === RECORDIO_CONTENT_TYPE) {
    return serializeInferenceRequest({ data: Float32Array.from(data.subarray(start * dim, end * dim)), shape: [end - start, dim] });
  }
  const lines = new Array<string>(end - start);
  for (let r = start; r < end; r++) {
    const row = Array.prototype.join.call(data.subarray(r * dim, (r + 1) * dim), ",");
    lines[r - start] = type === "text/csv" ? row : `{"features":[${row}]}`;
  }
  if (type === "text/csv") return lines.join("\n");
  if (type === "application/jsonlines") return lines.join("\n");
  return `{"instances":[${lines.join(",")}]}`;
}

function acceptFor(type: ContentType): string {
  if (type === RECORDIO_CONTENT_TYPE) return RECORDIO_CONTENT_TYPE;
  if (type === "application/jsonlines") return "application/jsonlines";
  return "application/json";
}

interface Wire {
  score?: unknown;
  predicted_label?: unknown;
}

function fromWire(p: Wire, i: number): Score {
  if (typeof p !== "object" || p === null || typeof p.score !== "number") {
    throw new ScorerError("ENDPOINT_FAILED", `endpoint response entry ${i} has no numeric score`);
  }
  return typeof p.predicted_label === "number" ? { score: p.score, predictedLabel: p.predicted_label } : { score: p.score };
}

/** Parses an InvokeEndpoint response body in the given Accept type. @internal */
export function parseResponse(body: Uint8Array, accept: string): Score[] {
  try {
    if (accept === RECORDIO_CONTENT_TYPE) {
      return parseInferenceResponse(body).map((p, i) => fromWire(p, i));
    }
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
    if (accept === "application/jsonlines") {
      return text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l, i) => fromWire(JSON.parse(l) as Wire, i));
    }
    const doc = JSON.parse(text) as { predictions?: unknown };
    if (!Array.isArray(doc.predictions)) throw new ScorerError("ENDPOINT_FAILED", 'endpoint response has no "predictions" array');
    return (doc.predictions as Wire[]).map(fromWire);
  } catch (err) {
    if (err instanceof ScorerError) throw err;
    throw new ScorerError("ENDPOINT_FAILED", `cannot parse endpoint response (${accept}): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Scores through a SageMaker endpoint: rows are split into requests of at most
 * `maxRowsPerRequest` rows and 5 MiB, sent concurrently, and answers are checked row for row.
 *
 * @example
 * ```ts
 * const scorer = createEndpointScorer({ client: new SageMakerRuntimeClient({}), endpointName: "fraud-detection-endpoint" });
 * const scores = await scorer.score({ data, rows: 100, dim: 30 });
 * ```
 * @public
 */
export function createEndpointScorer(options: EndpointScorerOptions): Scorer {
  const contentType = options.contentType ?? "text/csv";
  const accept = acceptFor(contentType);
  const maxRows = options.maxRowsPerRequest ?? 1000;
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));

  const invoke = async (body: Uint8Array | string): Promise<Score[]> => {
    let res: InvokeEndpointCommandOutput;
    try {
      res = await options.client.send(
        new InvokeEndpointCommand({ EndpointName: options.endpointName, ContentType: contentType, Accept: accept, Body: typeof body === "string" ? Buffer.from(body) : body }),
      );
    } catch (err) {
      const e = err as Error & { OriginalMessage?: string };
      throw new ScorerError("ENDPOINT_FAILED", `InvokeEndpoint ${options.endpointName} failed: ${e.name}: ${e.OriginalMessage ?? e.message}`, { cause: err });
    }
    return parseResponse(res.Body ?? new Uint8Array(0), accept);
  };

  /** Scores rows [start, end) into `out`, halving the range while the request would be over 5 MiB. */
  const scoreRange = async (m: FeatureMatrix, start: number, end: number, out: Score[]): Promise<void> => {
    const body = serialize(m, start, end, contentType);
    const bytes = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    if (bytes > MAX_PAYLOAD && end - start > 1) {
      const mid = (start + end) >> 1;
      await scoreRange(m, start, mid, out);
      await scoreRange(m, mid, end, out);
      return;
    }
    const scores = await invoke(body);
    if (scores.length !== end - start) throw new ScorerError("ENDPOINT_FAILED", `endpoint answered ${scores.length} predictions for ${end - start} rows`);
    for (let i = 0; i < scores.length; i++) out[start + i] = scores[i]!;
  };

  return {
    description: `endpoint ${options.endpointName} (${contentType})`,
    async score(m) {
      const out = new Array<Score>(m.rows);
      const ranges: Promise<void>[] = [];
      for (let s = 0; s < m.rows; s += maxRows) {
        const start = s;
        ranges.push(limit(() => scoreRange(m, start, Math.min(m.rows, start + maxRows), out)));
      }
      await Promise.all(ranges);
      return out;
    },
  };
}

/**
 * Scores in-process with a loaded Linear Learner model: no endpoint, no network.
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` when rows do not have the model's feature count.
 * @example
 * ```ts
 * const scorer = createEmbeddedScorer(await loadModel("model.tar.gz"));
 * ```
 * @public
 */
export function createEmbeddedScorer(model: LinearLearnerModel, description = "embedded model"): Scorer {
  return {
    description: `${description} (${model.featureDim} features)`,
    score(m) {
      if (m.dim !== model.featureDim) {
        return Promise.reject(new ScorerError("INVALID_ARGUMENT", `rows have ${m.dim} features, the model expects ${model.featureDim}`));
      }
      return Promise.resolve(model.predict({ data: m.data, rows: m.rows }));
    },
  };
}
