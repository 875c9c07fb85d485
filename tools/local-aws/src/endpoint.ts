/**
 * A local stand-in for a SageMaker real-time endpoint serving a model of any registered algorithm:
 * the runtime API (`POST /endpoints/{name}/invocations`) and the container API (`GET /ping`,
 * `POST /invocations`), each request read and answered in the model's own inference protocol
 * (its container's content types, error shapes and payload limit).
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SAGEMAKER_NAME_RULES } from "@fraud/trainer/aws";
import type { Prediction } from "@fraud/contracts";
import { ProtocolError } from "@fraud/trainer/model";
import type { Model, ModelLimits } from "@fraud/trainer/model";
import { z } from "zod";
import { LocalAwsError } from "./errors.js";
import { BodyTooLarge, closeServer, listen, readBody, send, urlFor } from "./http.js";
import type { RequestLogger } from "./http.js";
import { loadEndpointModel } from "./model.js";
import { nonEmpty, parseOptions, portSchema, quote } from "./options.js";

const ACCOUNT = "000000000000";

/** Options of {@link startEndpoint}. @public */
export interface EndpointOptions {
  /** The model: a loaded model, or a `model.tar.gz` of any registered algorithm as a path or bytes. */
  model: Model | string | Uint8Array;
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
   * Further endpoints served beside `name` at the same URL, by endpoint name (as one account and
   * region holds several endpoints): e.g. an anomaly detector beside the classifier. The container
   * API (`/invocations`) serves `model`.
   * @defaultValue none
   */
  endpoints?: Readonly<Record<string, Model | string | Uint8Array>>;
  /**
   * Region used in error texts.
   * @defaultValue "us-east-1"
   */
  region?: string;
  /**
   * Size limits applied while reading an artifact (largest artifact, decompressed size, feature
   * count), checked before anything is allocated from a size the artifact declares.
   * @defaultValue `MODEL_LIMITS` of `@fraud/trainer/model` (32 MiB, 64 MiB, 1,000,000 features)
   */
  limits?: ModelLimits;
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
  readonly model: Model;
  /** Every endpoint served, by name (`name` first). */
  readonly models: ReadonlyMap<string, Model>;
  /** Stops the server. */
  close(): Promise<void>;
}

const badName = (issue: { input?: unknown }): string => `invalid endpoint name: ${quote(issue.input)}`;

const optionsSchema = z.object({
  port: portSchema.default(0),
  host: nonEmpty("host").default("127.0.0.1"),
  name: z
    .string({ error: badName })
    .regex(SAGEMAKER_NAME_RULES.endpoint.pattern, { error: badName })
    .max(SAGEMAKER_NAME_RULES.endpoint.maxLength, { error: badName })
    .default("fraud-detection-endpoint"),
  region: nonEmpty("region").default("us-east-1"),
});

interface Served {
  model: Model;
  name: string;
  region: string;
}

interface Outcome {
  contentType: string;
  body: string | Uint8Array;
  rows: number;
}

/** Runs the container's inference in the model's protocol; what the container refuses comes back as a {@link ProtocolError}. */
function infer(served: Served, body: Uint8Array, contentType: string | undefined, accept: string | undefined): Outcome {
  const { model } = served;
  const protocol = model.protocol;
  const responseType = protocol.negotiate(accept); // 406 before any parsing
  const rows = protocol.parseRequest(body, contentType, model.featureDim);
  let predictions: readonly Prediction[];
  try {
    predictions = model.predict(rows);
  } catch (err) {
    throw new ProtocolError("BAD_PAYLOAD", `unable to evaluate payload provided: ${(err as Error).message}`, { cause: err });
  }
  const bad = predictions.findIndex((p) => !Number.isFinite(p.score));
  if (bad >= 0) throw new ProtocolError("BAD_PAYLOAD", `unable to evaluate payload provided: the score of row ${bad + 1} is not finite (features too large)`);
  const out = protocol.encodeResponse(predictions, responseType);
  return { contentType: out.contentType, body: out.body, rows: rows.rows };
}

function runtimeError(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void {
  send(res, status, { "content-type": "application/json", "x-amzn-ErrorType": type, "x-amzn-RequestId": randomUUID() }, JSON.stringify({ __type: type, Message: message, ...extra }));
}

/** What the runtime API answers when the container refused a request: 424 `ModelError`. */
function modelError(served: Served, res: ServerResponse, err: ProtocolError): void {
  const { name, region } = served;
  const kind = err.status >= 500 ? "server" : "client";
  const logGroup = `/aws/sagemaker/Endpoints/${name}`;
  runtimeError(
    res,
    424,
    "ModelError",
    `Received ${kind} error (${err.status}) from primary with message "${err.message}". See https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logEventViewer:group=${logGroup} in account ${ACCOUNT} for more information.`,
    { OriginalStatusCode: err.status, OriginalMessage: err.message, LogStreamArn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${logGroup}` },
  );
}

/** Which API a path belongs to: the container's, the runtime's (with the endpoint name), or none. */
type Route = { api: "ping" } | { api: "container" } | { api: "runtime"; endpoint: string } | { api: "none"; runtimeLike: boolean };

function routeOf(path: string): Route {
  if (path === "/ping") return { api: "ping" };
  if (path === "/invocations") return { api: "container" };
  const m = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
  if (!m) return { api: "none", runtimeLike: path.startsWith("/endpoints/") };
  try {
    return { api: "runtime", endpoint: decodeURIComponent(m[1]!) };
  } catch {
    return { api: "runtime", endpoint: m[1]! };
  }
}

/** Refuses what is not an invocation of this endpoint; undefined when the request may proceed. */
function refuseRoute(known: ReadonlyMap<string, Served>, req: IncomingMessage, res: ServerResponse, path: string, route: Route): string | undefined {
  const text = { "content-type": "text/plain" };
  if (route.api === "ping") {
    req.resume();
    if (req.method !== "GET") send(res, 405, text, "method not allowed");
    else send(res, 200, {}, "");
    return req.method === "GET" ? "200" : "405";
  }
  if (route.api === "none") {
    req.resume();
    if (route.runtimeLike) runtimeError(res, 404, "UnknownOperationException", `No operation at ${req.method} ${path.slice(0, 80)}.`);
    else send(res, 404, text, `not found: ${path.slice(0, 80)}`);
    return "404";
  }
  if (req.method !== "POST") {
    req.resume();
    if (route.api === "runtime") runtimeError(res, 405, "UnknownOperationException", `Method ${req.method} is not allowed on ${path.slice(0, 80)}.`);
    else send(res, 405, text, "method not allowed");
    return "405";
  }
  if (route.api === "runtime" && !known.has(route.endpoint)) {
    req.resume();
    runtimeError(res, 400, "ValidationError", `Endpoint ${route.endpoint.slice(0, 80)} of account ${ACCOUNT} not found.`);
    return `400 ValidationError (unknown endpoint ${route.endpoint.slice(0, 80)})`;
  }
  return undefined;
}

/** Answers one request; resolves with a summary for the debug log. */
async function handle(known: ReadonlyMap<string, Served>, primary: Served, req: IncomingMessage, res: ServerResponse): Promise<string> {
  const path = (req.url ?? "/").split("?")[0]!;
  const route = routeOf(path);
  const refused = refuseRoute(known, req, res, path, route);
  if (refused !== undefined) return refused;
  const served = route.api === "runtime" ? known.get(route.endpoint)! : primary;
  const runtime = route.api === "runtime";
  let body: Buffer;
  try {
    body = await readBody(req, served.model.protocol.maxPayloadBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    const msg = `Request payload size ${err.size} bytes exceeds the limit of ${served.model.protocol.maxPayloadBytes} bytes.`;
    if (runtime) runtimeError(res, 413, "ValidationError", msg);
    else send(res, 413, { "content-type": "text/plain" }, msg);
    return `413 ${msg}`;
  }
  const contentType = req.headers["content-type"];
  try {
    const out = infer(served, body, contentType, req.headers["accept"]);
    const headers: Record<string, string> = { "content-type": out.contentType };
    if (runtime) {
      headers["x-Amzn-Invoked-Production-Variant"] = "AllTraffic";
      headers["x-amzn-RequestId"] = randomUUID();
      const custom = req.headers["x-amzn-sagemaker-custom-attributes"];
      if (typeof custom === "string") headers["X-Amzn-SageMaker-Custom-Attributes"] = custom;
    }
    send(res, 200, headers, out.body);
    return `200 rows=${out.rows} ${(contentType ?? "").split(";")[0]!.trim().slice(0, 60)} -> ${out.contentType}`;
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    if (runtime) modelError(served, res, err);
    else send(res, err.status, { "content-type": "text/plain" }, err.message);
    return `${runtime ? `424 ModelError (${err.status})` : err.status} ${err.message}`;
  }
}

/**
 * Starts a local endpoint serving a model of any registered algorithm (recognised from the
 * artifact). Point the SDK at it with
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=<url>`.
 *
 * @throws {@link LocalAwsError} `MODEL_LOAD_FAILED` when the artifact cannot be loaded (including
 * one declaring sizes over the model limits), `INVALID_ARGUMENT` for a bad option or port.
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
  const o = parseOptions(optionsSchema, options);
  const log = options.log;
  const served: Served = { model: await loadEndpointModel(options.model, options.limits), name: o.name, region: o.region };
  const known = new Map<string, Served>([[o.name, served]]);
  for (const [name, model] of Object.entries(options.endpoints ?? {})) {
    const n = parseOptions(optionsSchema, { name }).name;
    if (known.has(n)) throw new LocalAwsError("INVALID_ARGUMENT", `endpoint ${quote(n)} is given twice`);
    known.set(n, { model: await loadEndpointModel(model, options.limits), name: n, region: o.region });
  }
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const started = performance.now();
    handle(known, served, req, res).then(
      (summary) => log?.(`endpoint ${req.method} ${req.url?.slice(0, 80)} ${summary} ${(performance.now() - started).toFixed(2)}ms`),
      (err: unknown) => {
        log?.(`endpoint ${req.method} ${req.url?.slice(0, 80)} 500 ${(err as Error).message}`);
        if (!res.headersSent) runtimeError(res, 500, "InternalFailure", `internal failure: ${(err as Error).message}`);
        else res.destroy();
      },
    );
  });
  const port = await listen(server, o.port, o.host);
  let closing: Promise<void> | undefined;
  return {
    url: urlFor(o.host, port),
    port,
    name: o.name,
    model: served.model,
    models: new Map([...known].map(([n, s]) => [n, s.model])),
    close: () => (closing ??= closeServer(server)),
  };
}

