/**
 * A local stand-in for a SageMaker real-time endpoint serving a Linear Learner model: the runtime
 * API (`POST /endpoints/{name}/invocations`) and the container API (`GET /ping`, `POST /invocations`).
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { loadModel } from "@fraud/trainer";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalAwsError } from "./errors.js";
import { PARSERS, PayloadError, formatPredictions, mimeOf, negotiate } from "./formats.js";
import type { ModelPrediction } from "./formats.js";
import { BodyTooLarge, checkPort, closeServer, listen, readBody, send, urlFor } from "./internal.js";
import type { RequestLogger } from "./internal.js";

/** Largest `InvokeEndpoint` body SageMaker accepts: 6 MiB. @public */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ACCOUNT = "000000000000";
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * What the endpoint needs from a model: the shape of `@fraud/trainer`'s `LinearLearnerModel`.
 * @public
 */
export interface EndpointModel {
  /** `binary_classifier` answers `score` and `predicted_label`; `regressor` only `score`. */
  readonly predictorType: string;
  /** Number of features every row must have. */
  readonly featureDim: number;
  /** Scores row-major rows. */
  predict(rows: { data: ArrayLike<number>; rows: number }): readonly ModelPrediction[];
}

/** Options of {@link startEndpoint}. @public */
export interface EndpointOptions {
  /** The model: a loaded model, or a Linear Learner `model.tar.gz` as a path or bytes. */
  model: EndpointModel | string | Uint8Array;
  /**
   * TCP port; 0 picks a free one.
   * @defaultValue 0
   */
  port?: number;
  /**
   * Interface to bind.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * Endpoint name answered on `/endpoints/{name}/invocations`.
   * @defaultValue "fraud-detection-endpoint"
   */
  name?: string;
  /**
   * Region used in error texts.
   * @defaultValue "us-east-1"
   */
  region?: string;
  /** Called with one line per request (debug logging). */
  log?: RequestLogger;
}

/** A running endpoint. @public */
export interface EndpointServer {
  /** Base URL, e.g. `http://127.0.0.1:49152`: the value for `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The endpoint name served. */
  readonly name: string;
  /** The model served. */
  readonly model: EndpointModel;
  /** Stops the server. */
  close(): Promise<void>;
}

async function resolveModel(model: EndpointOptions["model"]): Promise<EndpointModel> {
  if (typeof model === "string" || model instanceof Uint8Array) {
    try {
      return await loadModel(model);
    } catch (err) {
      const what = typeof model === "string" ? model : `${model.length}-byte artifact`;
      throw new LocalAwsError("MODEL_LOAD_FAILED", `cannot load model ${what}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (typeof model !== "object" || model === null || typeof model.predict !== "function" || !Number.isInteger(model.featureDim)) {
    throw new LocalAwsError("INVALID_OPTION", "model must be a model object, a path or the bytes of a model.tar.gz");
  }
  return model;
}

interface Outcome {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  rows: number;
}

/**
 * Starts a local endpoint serving a Linear Learner model. Point the SDK at it with
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=<url>`.
 *
 * @example
 * ```ts
 * const endpoint = await startEndpoint({ model: "out/model.tar.gz", name: "fraud-detection-endpoint" });
 * process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME = endpoint.url;
 * // … InvokeEndpoint …
 * await endpoint.close();
 * ```
 * @public
 */
export async function startEndpoint(options: EndpointOptions): Promise<EndpointServer> {
  const port = checkPort(options.port ?? 0);
  const host = options.host ?? "127.0.0.1";
  const name = options.name ?? "fraud-detection-endpoint";
  if (!ENDPOINT_NAME.test(name)) throw new LocalAwsError("INVALID_OPTION", `invalid endpoint name: ${JSON.stringify(name)}`);
  const region = options.region ?? "us-east-1";
  const log = options.log;
  const model = await resolveModel(options.model);
  const dim = model.featureDim;

  /** Runs the container's inference; container errors come back as PayloadError. */
  const invoke = (body: Uint8Array, contentType: string | undefined, accept: string | undefined): Outcome => {
    const mime = mimeOf(contentType);
    const parse = PARSERS[mime];
    if (!parse) {
      throw new PayloadError(415, `Content type ${JSON.stringify(contentType ?? "")} is not supported; use text/csv, application/json, application/jsonlines or application/x-recordio-protobuf`);
    }
    const responseType = negotiate(accept);
    if (!responseType) {
      throw new PayloadError(406, `Accept type ${JSON.stringify(accept)} is not supported; use application/json, application/jsonlines or application/x-recordio-protobuf`);
    }
    const rows = parse(body, dim);
    let predictions: readonly ModelPrediction[];
    try {
      predictions = model.predict(rows);
    } catch (err) {
      throw new PayloadError(400, `unable to evaluate payload provided: ${(err as Error).message}`);
    }
    return { status: 200, contentType: responseType, body: formatPredictions(predictions, responseType), rows: rows.rows };
  };

  const runtimeError = (res: ServerResponse, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void => {
    send(
      res,
      status,
      { "content-type": "application/json", "x-amzn-ErrorType": type, "x-amzn-RequestId": randomUUID() },
      JSON.stringify({ __type: type, Message: message, ...extra }),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/ping") {
      if (req.method !== "GET") {
        send(res, 405, { "content-type": "text/plain" }, "method not allowed");
        return "405";
      }
      req.resume();
      send(res, 200, {}, "");
      return "200";
    }
    const runtime = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
    if (path !== "/invocations" && !runtime) {
      req.resume();
      if (path.startsWith("/endpoints/")) {
        runtimeError(res, 404, "UnknownOperationException", `No operation at ${req.method} ${path}.`);
      } else {
        send(res, 404, { "content-type": "text/plain" }, `not found: ${path}`);
      }
      return "404";
    }
    if (req.method !== "POST") {
      req.resume();
      if (runtime) runtimeError(res, 405, "UnknownOperationException", `Method ${req.method} is not allowed on ${path}.`);
      else send(res, 405, { "content-type": "text/plain" }, "method not allowed");
      return "405";
    }
    if (runtime) {
      let requested: string;
      try {
        requested = decodeURIComponent(runtime[1]!);
      } catch {
        requested = runtime[1]!;
      }
      if (requested !== name) {
        req.resume();
        runtimeError(res, 400, "ValidationError", `Endpoint ${requested} of account ${ACCOUNT} not found.`);
        return `400 ValidationError (unknown endpoint ${requested})`;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_INVOKE_PAYLOAD_BYTES);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      const msg = `Request payload size ${err.size} bytes exceeds the limit of ${MAX_INVOKE_PAYLOAD_BYTES} bytes.`;
      if (runtime) runtimeError(res, 413, "ValidationError", msg);
      else send(res, 413, { "content-type": "text/plain" }, msg);
      return `413 ${msg}`;
    }
    const contentType = req.headers["content-type"];
    const accept = req.headers["accept"];
    try {
      const out = invoke(body, contentType, accept);
      const headers: Record<string, string> = { "content-type": out.contentType };
      if (runtime) {
        headers["x-Amzn-Invoked-Production-Variant"] = "AllTraffic";
        headers["x-amzn-RequestId"] = randomUUID();
        const custom = req.headers["x-amzn-sagemaker-custom-attributes"];
        if (typeof custom === "string") headers["X-Amzn-SageMaker-Custom-Attributes"] = custom;
      }
      send(res, 200, headers, out.body);
      return `200 rows=${out.rows} ${mimeOf(contentType)} -> ${out.contentType}`;
    } catch (err) {
      if (!(err instanceof PayloadError)) throw err;
      if (!runtime) {
        send(res, err.status, { "content-type": "text/plain" }, err.message);
        return `${err.status} ${err.message}`;
      }
      const kind = err.status >= 500 ? "server" : "client";
      const logGroup = `/aws/sagemaker/Endpoints/${name}`;
      runtimeError(
        res,
        424,
        "ModelError",
        `Received ${kind} error (${err.status}) from primary with message "${err.message}". See https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logEventViewer:group=${logGroup} in account ${ACCOUNT} for more information.`,
        {
          OriginalStatusCode: err.status,
          OriginalMessage: err.message,
          LogStreamArn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${logGroup}`,
        },
      );
      return `424 ModelError (${err.status}) ${err.message}`;
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const started = log ? process.hrtime.bigint() : 0n;
    handle(req, res).then(
      (summary) => {
        if (log) log(`endpoint ${req.method} ${req.url} ${summary} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}ms`);
      },
      (err: unknown) => {
        log?.(`endpoint ${req.method} ${req.url} 500 ${(err as Error).message}`);
        if (!res.headersSent) runtimeError(res, 500, "InternalFailure", `internal failure: ${(err as Error).message}`);
        else res.destroy();
      },
    );
  });
  const bound = await listen(server, port, host);
  let closing: Promise<void> | undefined;
  return {
    url: urlFor(host, bound),
    port: bound,
    name,
    model,
    close: () => (closing ??= closeServer(server)),
  };
}
