/**
 * A local stand-in for Kinesis Data Firehose (DirectPut → S3): the JSON 1.1 API, its limits and
 * error shapes, size/time buffering, GZIP objects under Firehose's default key layout.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { LocalAwsError } from "./errors.js";
import { BodyTooLarge, checkPort, closeServer, listen, mulberry32, readBody, send, urlFor } from "./internal.js";
import type { RequestLogger } from "./internal.js";

const gzip = promisify(gzipCb);

/** Most records one `PutRecordBatch` call may carry. @public */
export const FIREHOSE_MAX_BATCH_RECORDS = 500;
/** Most bytes (decoded `Data`, summed) one `PutRecordBatch` call may carry: 4 MiB. @public */
export const FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Most bytes one record's decoded `Data` may hold: 1,000 KiB. @public */
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;
/** Largest HTTP body accepted (base64 inflates 4 MiB to ~5.6 MiB; JSON adds a little). */
const MAX_HTTP_BODY = 8 * 1024 * 1024;
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const ACCOUNT = "000000000000";
const REGION = "us-east-1";

/** Options of {@link startFirehose}. @public */
export interface FirehoseOptions {
  /** Directory playing the S3 bucket: objects are written under it by key. */
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
   * The only delivery stream name accepted; others get `ResourceNotFoundException`. When omitted
   * any valid name is accepted and created on first use.
   */
  streamName?: string;
  /**
   * Key prefix placed before Firehose's `YYYY/MM/DD/HH/` (a `/` is added when missing).
   * @defaultValue ""
   */
  prefix?: string;
  /** Called with one line per request (debug logging). */
  log?: RequestLogger;
}

/** A running Firehose stand-in. @public */
export interface FirehoseServer {
  /** Base URL, e.g. `http://127.0.0.1:49152`: the value for `AWS_ENDPOINT_URL_FIREHOSE`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Delivers every buffered record now; resolves with the keys written (relative to `dir`). */
  flush(): Promise<string[]>;
  /** Stops accepting requests, delivers what is buffered, and resolves when all is on disk. */
  close(): Promise<void>;
  /** Keys of every object written so far, in delivery order. */
  readonly objects: readonly string[];
}

interface StreamState {
  name: string;
  created: number;
  chunks: Buffer[];
  bytes: number;
  oldest: number;
  timer: NodeJS.Timeout | undefined;
}

class FirehoseFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** Firehose's default object key for a delivery. @internal */
export function objectKey(prefix: string, stream: string, oldest: Date, written: Date, uuid: string): string {
  const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  const d = oldest;
  const w = written;
  const folder = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
  const stamp = `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}-${pad(w.getUTCHours())}-${pad(w.getUTCMinutes())}-${pad(w.getUTCSeconds())}`;
  return `${p}${folder}${stream}-1-${stamp}-${uuid}.gz`;
}

function checkRange(name: string, value: number, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new LocalAwsError("INVALID_OPTION", `${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function streamArn(name: string): string {
  return `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${name}`;
}

function decodeData(data: unknown, index: number): Buffer {
  if (typeof data !== "string") {
    throw new FirehoseFault(400, "InvalidArgumentException", `Record ${index} has no Data (a base64 string is required).`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new FirehoseFault(400, "SerializationException", `Record ${index} Data is not valid base64.`);
  }
  return Buffer.from(data, "base64");
}

/**
 * Starts the Firehose stand-in. Point the SDK at it with `AWS_ENDPOINT_URL_FIREHOSE=<url>`.
 *
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
  if (typeof options.dir !== "string" || options.dir === "") throw new LocalAwsError("INVALID_OPTION", "dir is required");
  const port = checkPort(options.port ?? 0);
  const host = options.host ?? "127.0.0.1";
  const bufferSeconds = checkRange("bufferSeconds", options.bufferSeconds ?? 60, 0, 900);
  const bufferMb = checkRange("bufferMb", options.bufferMb ?? 5, 1, 128);
  const failRate = checkRange("failRate", options.failRate ?? 0, 0, 1);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new LocalAwsError("INVALID_OPTION", `seed must be an integer, got ${seed}`);
  if (options.streamName !== undefined && !STREAM_NAME.test(options.streamName)) {
    throw new LocalAwsError("INVALID_OPTION", `invalid stream name: ${JSON.stringify(options.streamName)}`);
  }
  const prefix = options.prefix ?? "";
  const dir = options.dir;
  const log = options.log;
  const bufferBytes = bufferMb * 1024 * 1024;
  const random = mulberry32(seed);
  const streams = new Map<string, StreamState>();
  const pending = new Set<Promise<string | undefined>>();
  const objects: string[] = [];
  let writeError: Error | undefined;
  let requestCount = 0;

  const getStream = (name: unknown): StreamState => {
    if (typeof name !== "string" || !STREAM_NAME.test(name)) {
      throw new FirehoseFault(400, "InvalidArgumentException", `Invalid DeliveryStreamName: ${JSON.stringify(name)}`);
    }
    let s = streams.get(name);
    if (!s) {
      if (options.streamName !== undefined && name !== options.streamName) {
        throw new FirehoseFault(400, "ResourceNotFoundException", `Firehose ${name} under account ${ACCOUNT} not found.`);
      }
      s = { name, created: Date.now(), chunks: [], bytes: 0, oldest: 0, timer: undefined };
      streams.set(name, s);
    }
    return s;
  };

  const deliver = (s: StreamState): Promise<string | undefined> => {
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    if (s.chunks.length === 0) return Promise.resolve(undefined);
    const data = Buffer.concat(s.chunks, s.bytes);
    const oldest = new Date(s.oldest);
    s.chunks = [];
    s.bytes = 0;
    const job = (async () => {
      const key = objectKey(prefix, s.name, oldest, new Date(), randomUUID());
      const file = join(dir, key);
      const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(tmp, await gzip(data));
      await rename(tmp, file);
      objects.push(key);
      log?.(`firehose deliver ${key} ${data.length} bytes`);
      return key;
    })();
    const tracked = job.catch((err: unknown) => {
      writeError = new LocalAwsError("IO_FAILED", `cannot write firehose object: ${(err as Error).message}`, { cause: err });
      log?.(`firehose error ${writeError.message}`);
      return undefined;
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
    return tracked;
  };

  const append = (s: StreamState, records: Buffer[]): void => {
    for (const r of records) {
      if (s.chunks.length === 0) {
        s.oldest = Date.now();
        if (bufferSeconds > 0 && !s.timer) {
          s.timer = setTimeout(() => void deliver(s), bufferSeconds * 1000);
          s.timer.unref();
        }
      }
      s.chunks.push(r);
      s.bytes += r.length;
      if (s.bytes >= bufferBytes) void deliver(s);
    }
    if (bufferSeconds === 0) void deliver(s);
  };

  const describe = (s: StreamState): unknown => ({
    DeliveryStreamDescription: {
      DeliveryStreamName: s.name,
      DeliveryStreamARN: streamArn(s.name),
      DeliveryStreamStatus: "ACTIVE",
      DeliveryStreamType: "DirectPut",
      VersionId: "1",
      CreateTimestamp: s.created / 1000,
      Destinations: [
        {
          DestinationId: "destinationId-000000000001",
          ExtendedS3DestinationDescription: {
            RoleARN: `arn:aws:iam::${ACCOUNT}:role/firehose-local`,
            BucketARN: "arn:aws:s3:::local",
            Prefix: prefix,
            BufferingHints: { SizeInMBs: bufferMb, IntervalInSeconds: bufferSeconds },
            CompressionFormat: "GZIP",
            EncryptionConfiguration: { NoEncryptionConfig: "NoEncryption" },
          },
        },
      ],
      HasMoreDestinations: false,
    },
  });

  const operate = (op: string, input: Record<string, unknown>): unknown => {
    switch (op) {
      case "PutRecord": {
        const s = getStream(input["DeliveryStreamName"]);
        const record = input["Record"] as Record<string, unknown> | undefined;
        if (typeof record !== "object" || record === null) throw new FirehoseFault(400, "InvalidArgumentException", "Record is required.");
        const data = decodeData(record["Data"], 0);
        if (data.length > FIREHOSE_MAX_RECORD_BYTES) {
          throw new FirehoseFault(400, "InvalidArgumentException", `Record size ${data.length} exceeds the limit of ${FIREHOSE_MAX_RECORD_BYTES} bytes.`);
        }
        append(s, [data]);
        return { RecordId: randomUUID(), Encrypted: false };
      }
      case "PutRecordBatch": {
        const s = getStream(input["DeliveryStreamName"]);
        const records = input["Records"];
        if (!Array.isArray(records) || records.length === 0) {
          throw new FirehoseFault(400, "InvalidArgumentException", "Records must contain at least 1 record.");
        }
        if (records.length > FIREHOSE_MAX_BATCH_RECORDS) {
          throw new FirehoseFault(
            400,
            "InvalidArgumentException",
            `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${FIREHOSE_MAX_BATCH_RECORDS} (got ${records.length}).`,
          );
        }
        const decoded: Buffer[] = [];
        let total = 0;
        for (let i = 0; i < records.length; i++) {
          const r = records[i] as Record<string, unknown> | null;
          const data = decodeData(typeof r === "object" && r !== null ? r["Data"] : undefined, i);
          if (data.length > FIREHOSE_MAX_RECORD_BYTES) {
            throw new FirehoseFault(400, "InvalidArgumentException", `Record ${i} size ${data.length} exceeds the limit of ${FIREHOSE_MAX_RECORD_BYTES} bytes.`);
          }
          total += data.length;
          decoded.push(data);
        }
        if (total > FIREHOSE_MAX_BATCH_BYTES) {
          throw new FirehoseFault(400, "InvalidArgumentException", `Batch size ${total} exceeds the limit of ${FIREHOSE_MAX_BATCH_BYTES} bytes.`);
        }
        const accepted: Buffer[] = [];
        let failed = 0;
        const responses = decoded.map((data) => {
          if (failRate > 0 && random() < failRate) {
            failed++;
            return { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." };
          }
          accepted.push(data);
          return { RecordId: randomUUID() };
        });
        append(s, accepted);
        return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
      }
      case "DescribeDeliveryStream":
        return describe(getStream(input["DeliveryStreamName"]));
      case "ListDeliveryStreams":
        return { DeliveryStreamNames: [...streams.keys()], HasMoreDeliveryStreams: false };
      default:
        throw new FirehoseFault(400, "UnknownOperationException", `Unknown operation ${op}.`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    const target = String(req.headers["x-amz-target"] ?? "");
    const op = target.startsWith("Firehose_20150804.") ? target.slice("Firehose_20150804.".length) : "";
    let status = 200;
    let body: unknown;
    let extra = "";
    try {
      if (req.method !== "POST" || (req.url ?? "/").split("?")[0] !== "/") {
        throw new FirehoseFault(404, "UnknownOperationException", `No such resource: ${req.method} ${req.url}`);
      }
      if (op === "") throw new FirehoseFault(400, "UnknownOperationException", `Missing or unknown X-Amz-Target: ${JSON.stringify(target)}`);
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_HTTP_BODY);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          throw new FirehoseFault(413, "InvalidArgumentException", `Request body exceeds ${MAX_HTTP_BODY} bytes.`);
        }
        throw err;
      }
      let input: unknown;
      try {
        input = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new FirehoseFault(400, "SerializationException", "Request body is not valid JSON.");
      }
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new FirehoseFault(400, "SerializationException", "Request body must be a JSON object.");
      }
      body = operate(op, input as Record<string, unknown>);
      const failed = (body as { FailedPutCount?: number }).FailedPutCount;
      if (failed !== undefined) extra = ` records=${(input as { Records: unknown[] }).Records.length} failed=${failed}`;
    } catch (err) {
      const fault =
        err instanceof FirehoseFault ? err : new FirehoseFault(500, "ServiceUnavailableException", `Internal error: ${(err as Error).message}`);
      status = fault.status;
      body = { __type: fault.type, message: fault.message };
      extra = ` ${fault.type}`;
      res.setHeader("x-amzn-ErrorType", fault.type);
    }
    send(res, status, { "content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": requestId }, JSON.stringify(body));
    requestCount++;
    if (log) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`firehose ${op || req.method} ${status}${extra} ${ms.toFixed(2)}ms`);
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { "content-type": "application/x-amz-json-1.1" }, JSON.stringify({ __type: "InternalFailure", message: String(err) }));
    });
  });
  const bound = await listen(server, port, host);

  const flush = async (): Promise<string[]> => {
    const keys = await Promise.all([...streams.values()].map((s) => deliver(s)));
    await Promise.all([...pending]);
    if (writeError) {
      const e = writeError;
      writeError = undefined;
      throw e;
    }
    return keys.filter((k): k is string => k !== undefined);
  };

  let closing: Promise<void> | undefined;
  return {
    url: urlFor(host, bound),
    port: bound,
    objects,
    flush,
    close: () => {
      closing ??= (async () => {
        await closeServer(server);
        await flush();
        log?.(`firehose closed after ${requestCount} requests`);
      })();
      return closing;
    },
  };
}
