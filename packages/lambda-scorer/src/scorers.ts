/**
 * Scorers: the SageMaker endpoint (`InvokeEndpoint`, many rows per request, in the model
 * algorithm's inference protocol) and an embedded model of any registered algorithm scored
 * in-process.
 * @packageDocumentation
 */
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import type { InvokeEndpointCommandOutput } from "@aws-sdk/client-sagemaker-runtime";
import { DEFAULT_ALGORITHM } from "@fraud/contracts";
import type { Algorithm, FeatureMatrix, Prediction } from "@fraud/contracts";
import { inferenceProtocol } from "@fraud/trainer/model";
import type { InferenceProtocol, Model } from "@fraud/trainer/model";
import pLimit from "p-limit";
import { ScorerError } from "./errors.js";

/** Anything that scores feature rows. @public */
export interface Scorer {
  /** Human-readable description for logs. */
  readonly description: string;
  /** Scores every row, in order. */
  score(matrix: FeatureMatrix): Promise<Prediction[]>;
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
  /**
   * The endpoint model's algorithm: its container's inference protocol encodes the requests and
   * reads the answers.
   * @defaultValue "linear-learner"
   */
  algorithm?: Algorithm;
  /** Request content type, one the algorithm's container reads. @defaultValue the protocol's first (`text/csv`) */
  contentType?: string;
  /** Rows per `InvokeEndpoint` call. @defaultValue 1000 */
  maxRowsPerRequest?: number;
  /** Calls in flight at once. @defaultValue 4 */
  concurrency?: number;
  /**
   * Decision threshold: every row's label becomes `score >= threshold ? 1 : 0`.
   * @defaultValue the label the endpoint answers (Linear Learner's container applies the model's
   *   threshold), else 0.5 (XGBoost's container answers probabilities only)
   */
  threshold?: number;
}

/** Labels every prediction at `threshold`, or at 0.5 where the answer carried none. */
function labelled(scores: Prediction[], threshold: number | undefined): Prediction[] {
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]!;
    if (threshold !== undefined) scores[i] = { score: p.score, predictedLabel: p.score >= threshold ? 1 : 0 };
    else if (p.predictedLabel === undefined) scores[i] = { score: p.score, predictedLabel: p.score >= 0.5 ? 1 : 0 };
  }
  return scores;
}

function protocolOf(options: EndpointScorerOptions): { protocol: InferenceProtocol; contentType: string; accept: string } {
  let protocol: InferenceProtocol;
  try {
    protocol = inferenceProtocol(options.algorithm ?? DEFAULT_ALGORITHM);
  } catch (err) {
    throw new ScorerError("INVALID_ARGUMENT", (err as Error).message, { cause: err });
  }
  const contentType = options.contentType ?? protocol.requestContentTypes[0]!;
  if (!protocol.requestContentTypes.includes(contentType)) {
    throw new ScorerError("INVALID_ARGUMENT", `content type ${JSON.stringify(String(contentType).slice(0, 80))} is not one ${protocol.name} reads (${protocol.requestContentTypes.join(", ")})`);
  }
  return { protocol, contentType, accept: protocol.acceptFor(contentType) };
}

/**
 * Scores through a SageMaker endpoint: rows are encoded in the algorithm's inference protocol,
 * split into requests of at most `maxRowsPerRequest` rows and the protocol's payload limit
 * (6 MiB), sent concurrently, and answers are checked row for row.
 *
 * @example
 * ```ts
 * const scorer = createEndpointScorer({ client: new SageMakerRuntimeClient({}), endpointName: "fraud-detection-endpoint" });
 * const scores = await scorer.score({ data, rows: 100, cols: 30 });
 * ```
 * @throws {@link ScorerError} `INVALID_ARGUMENT` for an algorithm without a registered model or a
 *   content type its container does not read.
 * @public
 */
export function createEndpointScorer(options: EndpointScorerOptions): Scorer {
  const { protocol, contentType, accept } = protocolOf(options);
  const threshold = options.threshold;
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new ScorerError("INVALID_ARGUMENT", `threshold must be a finite number (got ${String(threshold).slice(0, 40)})`);
  const maxRows = options.maxRowsPerRequest ?? 1000;
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));

  const invoke = async (body: Uint8Array | string): Promise<Prediction[]> => {
    let res: InvokeEndpointCommandOutput;
    try {
      res = await options.client.send(
        new InvokeEndpointCommand({ EndpointName: options.endpointName, ContentType: contentType, Accept: accept, Body: typeof body === "string" ? Buffer.from(body) : body }),
      );
    } catch (err) {
      const e = err as Error & { OriginalMessage?: string };
      throw new ScorerError("ENDPOINT_FAILED", `InvokeEndpoint ${options.endpointName} failed: ${e.name}: ${e.OriginalMessage ?? e.message}`, { cause: err });
    }
    try {
      return protocol.parseResponse(res.Body ?? new Uint8Array(0), accept);
    } catch (err) {
      throw new ScorerError("ENDPOINT_FAILED", `InvokeEndpoint ${options.endpointName}: ${(err as Error).message}`, { cause: err });
    }
  };

  /** Scores rows [start, end) into `out`, halving the range while the request would be over the payload limit. */
  const scoreRange = async (m: FeatureMatrix, start: number, end: number, out: Prediction[]): Promise<void> => {
    let body: string | Uint8Array;
    try {
      body = protocol.encodeRequest(m, contentType, start, end);
    } catch (err) {
      throw new ScorerError("INVALID_ARGUMENT", (err as Error).message, { cause: err });
    }
    const bytes = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    if (bytes > protocol.maxPayloadBytes && end - start > 1) {
      const mid = (start + end) >> 1;
      await scoreRange(m, start, mid, out);
      await scoreRange(m, mid, end, out);
      return;
    }
    const scores = labelled(await invoke(body), threshold);
    if (scores.length !== end - start) throw new ScorerError("ENDPOINT_FAILED", `endpoint answered ${scores.length} predictions for ${end - start} rows`);
    for (let i = 0; i < scores.length; i++) out[start + i] = scores[i]!;
  };

  return {
    description: `endpoint ${options.endpointName} (${contentType})`,
    async score(m) {
      const out = new Array<Prediction>(m.rows);
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
 * Scores in-process with a loaded model of any registered algorithm: no endpoint, no network.
 * Labels come from the model's recorded threshold, or from `threshold` when given.
 *
 * @throws {@link ScorerError} `INVALID_ARGUMENT` when rows do not have the model's feature count.
 * @example
 * ```ts
 * const scorer = createEmbeddedScorer(await loadModel("model.tar.gz"));
 * ```
 * @public
 */
export function createEmbeddedScorer(model: Model, description = "embedded model", threshold?: number): Scorer {
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new ScorerError("INVALID_ARGUMENT", `threshold must be a finite number (got ${String(threshold).slice(0, 40)})`);
  return {
    description: `${description} (${model.algorithm}, ${model.featureDim} features)`,
    score(m) {
      if (m.cols !== model.featureDim) {
        return Promise.reject(new ScorerError("INVALID_ARGUMENT", `rows have ${m.cols} features, the model expects ${model.featureDim}`));
      }
      try {
        const predictions = model.predict(m);
        return Promise.resolve(threshold === undefined || model.kind === "regressor" ? predictions : labelled(predictions, threshold));
      } catch (err) {
        return Promise.reject(new ScorerError("INVALID_ARGUMENT", `cannot score rows: ${(err as Error).message}`, { cause: err }));
      }
    },
  };
}
