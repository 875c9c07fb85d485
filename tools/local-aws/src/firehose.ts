/**
 * A local stand-in for Kinesis Data Firehose (DirectPut → S3): the JSON 1.1 API, its limits and
 * error shapes, size/time buffering bounded across streams, GZIP objects under Firehose's default
 * key layout.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FIREHOSE_DATE_PARTITIONS, FIREHOSE_STREAM_NAME_PATTERN, evaluateFirehosePrefix, isContractError } from "@fraud/contracts";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { z } from "zod";
import { checkWritableDirectory } from "./directory.js";
import { LocalAwsError } from "./errors.js";
import { FirehoseFault, operate } from "./firehose-api.js";
import type { ApiContext } from "./firehose-api.js";
import { ObjectStore } from "./firehose-store.js";
import { BodyTooLarge, closeServer, listen, readBody, send, urlFor } from "./http.js";
import type { RequestLogger } from "./http.js";
import { nonEmpty, numberIn, parseOptions, portSchema, quote } from "./options.js";

/** Largest HTTP body accepted (base64 inflates 4 MiB to ~5.6 MiB; JSON adds a little). */
const MAX_HTTP_BODY = 8 * 1024 * 1024;
const JSON_1_1 = "application/x-amz-json-1.1";
const TARGET_PREFIX = "Firehose_20150804.";

/** Options of {@link startFirehose}. @public */
export interface FirehoseOptions {
  /** Directory playing the S3 bucket: created when missing; start fails when it cannot take files. */
  dir: string;
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
   * Buffering interval: a buffer is delivered this long after its first record arrived (0–900).
   * @defaultValue 60
   */
  bufferSeconds?: number;
  /**
   * Buffering size in MiB (1–128), measured before compression; reaching it delivers at once.
   * @defaultValue 5
   */
  bufferMb?: number;
  /**
   * Most MiB (1–4096) held at once across every stream — buffered, being written, or kept after a
   * failed write. Records that would cross it are reported failed (`ServiceUnavailableException`)
   * and the buffers are delivered early, so memory stays bounded whatever names clients use.
   * @defaultValue 256
   */
  maxBufferedMb?: number;
  /**
   * Most delivery streams (1–5000) created by puts when `streamName` is not set; more answer
   * `LimitExceededException`.
   * @defaultValue 50
   */
  maxStreams?: number;
  /**
   * Share of records (0–1) that `PutRecordBatch` reports failed with `ServiceUnavailableException`,
   * as throttling does. Failed records are not stored.
   * @defaultValue 0
   */
  failRate?: number;
  /**
   * Seed of the failure draw, so runs are reproducible.
   * @defaultValue 1
   */
  seed?: number;
  /**
   * The only delivery stream, existing from the start; other names get `ResourceNotFoundException`.
   * When omitted, a stream is created by its first `PutRecord`/`PutRecordBatch`.
   */
  streamName?: string;
  /**
   * Where objects go, as the stack configures its delivery stream: a plain key prefix (a `/` is
   * added when missing) gets the stack's Hive-style partitions appended
   * (`<prefix>year=YYYY/month=MM/day=DD/hour=HH/`, `firehosePrefixExpressions` of
   * `@fraud/contracts`); a Firehose prefix expression (holding `!{…}`) is evaluated as it is.
   * @defaultValue "" (partitions at the top of `dir`)
   */
  prefix?: string;
  /** Called with one line per request (debug logging). */
  log?: RequestLogger;
  /**
   * Called with failed and recovered object writes.
   * @defaultValue a line on stderr
   */
  warn?: RequestLogger;
}

/** A running Firehose stand-in. @public */
export interface FirehoseServer {
  /** Base URL, e.g. `http://127.0.0.1:49152`: the value for `AWS_ENDPOINT_URL_FIREHOSE`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /**
   * Delivers every buffered record now and retries failed writes; resolves with the keys written
   * (relative to `dir`), rejects with an `IO_FAILED` {@link LocalAwsError} naming the records still
   * unwritten.
   */
  flush(): Promise<string[]>;
  /** Stops accepting requests, delivers what is buffered, and resolves when all is on disk (rejects like {@link FirehoseServer.flush}). */
  close(): Promise<void>;
  /** Keys of every object written so far, in delivery order. */
  readonly objects: readonly string[];
}

const optionsSchema = z.object({
  dir: nonEmpty("dir"),
  port: portSchema.default(0),
  host: nonEmpty("host").default("127.0.0.1"),
  bufferSeconds: numberIn("bufferSeconds", { min: 0, max: 900 }).default(60),
  bufferMb: numberIn("bufferMb", { min: 1, max: 128 }).default(5),
  maxBufferedMb: numberIn("maxBufferedMb", { min: 1, max: 4096 }).default(256),
  maxStreams: numberIn("maxStreams", { min: 1, max: 5000, integer: true }).default(50),
  failRate: numberIn("failRate", { min: 0, max: 1 }).default(0),
  seed: numberIn("seed", { min: -(2 ** 31), max: 2 ** 32, integer: true }).default(1),
  streamName: z
    .string()
    .regex(FIREHOSE_STREAM_NAME_PATTERN, { error: (i) => `invalid stream name: ${quote(i.input)}` })
    .optional(),
  prefix: z.string({ error: (i) => `prefix must be a string, got ${quote(i.input)}` }).default(""),
});

/**
 * The prefix expression the stand-in evaluates: a plain prefix gets the stack's date partitions
 * (one definition, in `@fraud/contracts`), an expression is taken as it is once it evaluates.
 */
function prefixExpression(prefix: string): string {
  if (!prefix.includes("!{")) return `${prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`}${FIREHOSE_DATE_PARTITIONS}`;
  try {
    evaluateFirehosePrefix(prefix, { timestamp: new Date(0), randomString: () => "x".repeat(11) });
  } catch (err) {
    if (isContractError(err)) throw new LocalAwsError("INVALID_ARGUMENT", err.message, { cause: err });
    throw err;
  }
  return prefix;
}

/** The parsed request: the operation and its JSON body. */
async function readRequest(req: IncomingMessage): Promise<{ op: string; input: Record<string, unknown> }> {
  if (req.method !== "POST" || (req.url ?? "/").split("?")[0] !== "/") {
    throw new FirehoseFault(404, "UnknownOperationException", `No such resource: ${req.method} ${(req.url ?? "").slice(0, 80)}`);
  }
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== JSON_1_1) throw new FirehoseFault(400, "UnknownOperationException", `Content-Type must be ${JSON_1_1}, got ${quote(type)}.`);
  const target = String(req.headers["x-amz-target"] ?? "");
  if (!target.startsWith(TARGET_PREFIX)) throw new FirehoseFault(400, "UnknownOperationException", `Missing or unknown X-Amz-Target: ${quote(target)}`);
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_HTTP_BODY);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new FirehoseFault(413, "InvalidArgumentException", `Request body exceeds ${MAX_HTTP_BODY} bytes.`);
    throw err;
  }
  let input: unknown;
  try {
    input = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new FirehoseFault(400, "SerializationException", "Request body is not valid JSON.");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new FirehoseFault(400, "SerializationException", "Request body must be a JSON object.");
  return { op: target.slice(TARGET_PREFIX.length), input: input as Record<string, unknown> };
}

/** Answers one request; resolves with a summary for the debug log. */
async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<string> {
  const headers: Record<string, string> = { "content-type": JSON_1_1, "x-amzn-RequestId": randomUUID() };
  let op = "";
  try {
    const request = await readRequest(req);
    op = request.op;
    const body = operate(ctx, op, request.input);
    send(res, 200, headers, JSON.stringify(body));
    const failed = (body as { FailedPutCount?: number }).FailedPutCount;
    return `${op} 200${failed === undefined ? "" : ` records=${(request.input["Records"] as unknown[]).length} failed=${failed}`}`;
  } catch (err) {
    const fault = err instanceof FirehoseFault ? err : new FirehoseFault(500, "InternalFailure", `Internal error: ${(err as Error).message}`);
    send(res, fault.status, { ...headers, "x-amzn-ErrorType": fault.type }, JSON.stringify({ __type: fault.type, message: fault.message }));
    return `${op || req.method} ${fault.status} ${fault.type}`;
  }
}

/**
 * Starts the Firehose stand-in. Point the SDK at it with `AWS_ENDPOINT_URL_FIREHOSE=<url>`.
 *
 * @throws {@link LocalAwsError} `INVALID_ARGUMENT` for a bad option or an unusable port,
 * `IO_FAILED` when `dir` cannot be created or written.
 * @example
 * ```ts
 * const firehose = await startFirehose({ dir: "out/firehose", bufferSeconds: 1 });
 * process.env.AWS_ENDPOINT_URL_FIREHOSE = firehose.url;
 * // … PutRecordBatch …
 * await firehose.close(); // delivers whatever is still buffered
 * ```
 * @public
 */
export async function startFirehose(options: FirehoseOptions): Promise<FirehoseServer> {
  const o = parseOptions(optionsSchema, options);
  const log = options.log;
  await checkWritableDirectory(o.dir);
  const prefix = prefixExpression(o.prefix);
  const store = new ObjectStore({
    dir: o.dir,
    prefix,
    bufferBytes: o.bufferMb * 1024 * 1024,
    bufferSeconds: o.bufferSeconds,
    maxRetainedBytes: o.maxBufferedMb * 1024 * 1024,
    writeRetries: 2,
    retryDelayMs: 100,
    redeliverMs: 5000,
    log,
    warn: options.warn ?? ((line) => process.stderr.write(`firehose: ${line}\n`)),
  });
  if (o.streamName !== undefined) store.create(o.streamName);
  const rng = xoroshiro128plus(o.seed);
  const ctx: ApiContext = {
    store,
    streamName: o.streamName,
    maxStreams: o.maxStreams,
    failRate: o.failRate,
    random: () => uniformFloat64(rng),
    describe: { prefix, bufferMb: o.bufferMb, bufferSeconds: o.bufferSeconds },
  };
  let requests = 0;
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const started = performance.now();
    handle(ctx, req, res).then(
      (summary) => {
        requests++;
        log?.(`firehose ${summary} ${(performance.now() - started).toFixed(2)}ms`);
      },
      () => res.destroy(),
    );
  });
  const port = await listen(server, o.port, o.host);
  let closing: Promise<void> | undefined;
  return {
    url: urlFor(o.host, port),
    port,
    objects: store.objects,
    flush: () => store.flush(),
    close: () =>
      (closing ??= (async () => {
        await closeServer(server);
        store.stop();
        try {
          await store.flush();
        } finally {
          store.stop();
          log?.(`firehose closed after ${requests} requests`);
        }
      })()),
  };
}
