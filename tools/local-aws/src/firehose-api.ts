/**
 * The Firehose JSON 1.1 operations (`PutRecord`, `PutRecordBatch`, `DescribeDeliveryStream`,
 * `ListDeliveryStreams`) over an {@link ObjectStore}, with Firehose's limits and error shapes.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { FIREHOSE_MAX_BATCH_BYTES, FIREHOSE_MAX_BATCH_RECORDS, FIREHOSE_MAX_RECORD_BYTES, FIREHOSE_STREAM_NAME_PATTERN } from "@fraud/contracts";
import type { ObjectStore } from "./firehose-store.js";
import { quote } from "./options.js";

/** The account id in ARNs and messages. @internal */
export const ACCOUNT = "000000000000";
const REGION = "us-east-1";

/** A request Firehose refuses: HTTP `status`, `__type` and `message`. @internal */
export class FirehoseFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "FirehoseFault";
  }
}

/** What the operations need besides the store. @internal */
export interface ApiContext {
  /** The buffers and writer. */
  store: ObjectStore;
  /** The only stream accepted, when configured; otherwise streams are created by their first put. */
  streamName: string | undefined;
  /** Most streams created by puts. */
  maxStreams: number;
  /** Share of `PutRecordBatch` records reported failed. */
  failRate: number;
  /** Uniform [0, 1) draws for the failure injection. */
  random: () => number;
  /** What `DescribeDeliveryStream` reports. */
  describe: { prefix: string; bufferMb: number; bufferSeconds: number };
}

type Input = Record<string, unknown>;
type EntryResponse = { RecordId: string } | { ErrorCode: string; ErrorMessage: string };

function invalid(message: string): FirehoseFault {
  return new FirehoseFault(400, "InvalidArgumentException", message);
}

function notFound(name: string): FirehoseFault {
  return new FirehoseFault(400, "ResourceNotFoundException", `Firehose ${name} under account ${ACCOUNT} not found.`);
}

function streamNameOf(input: Input): string {
  const name = input["DeliveryStreamName"];
  if (typeof name !== "string" || !FIREHOSE_STREAM_NAME_PATTERN.test(name)) throw invalid(`Invalid DeliveryStreamName: ${quote(name)}`);
  return name;
}

/** The stream a put goes to, created on first use when no single stream is configured. */
function putStream(ctx: ApiContext, input: Input): string {
  const name = streamNameOf(input);
  if (ctx.store.has(name)) return name;
  if (ctx.streamName !== undefined) throw notFound(name);
  if (ctx.store.size >= ctx.maxStreams) {
    throw new FirehoseFault(400, "LimitExceededException", `Cannot create ${name}: the limit of ${ctx.maxStreams} delivery streams is reached.`);
  }
  ctx.store.create(name);
  return name;
}

function decodeData(data: unknown, index: number): Buffer {
  if (typeof data !== "string") throw invalid(`Record ${index} has no Data (a base64 string is required).`);
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
    throw new FirehoseFault(400, "SerializationException", `Record ${index} Data is not valid base64.`);
  }
  const bytes = Buffer.from(data, "base64");
  if (bytes.length > FIREHOSE_MAX_RECORD_BYTES) throw invalid(`Record ${index} size ${bytes.length} exceeds the limit of ${FIREHOSE_MAX_RECORD_BYTES} bytes.`);
  return bytes;
}

function decodeBatch(records: unknown): Buffer[] {
  if (!Array.isArray(records) || records.length === 0) throw invalid("Records must contain at least 1 record.");
  if (records.length > FIREHOSE_MAX_BATCH_RECORDS) {
    throw invalid(
      `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${FIREHOSE_MAX_BATCH_RECORDS} (got ${records.length}).`,
    );
  }
  let total = 0;
  const decoded = records.map((r: unknown, i) => {
    const data = decodeData(typeof r === "object" && r !== null ? (r as Input)["Data"] : undefined, i);
    total += data.length;
    return data;
  });
  if (total > FIREHOSE_MAX_BATCH_BYTES) throw invalid(`Batch size ${total} exceeds the limit of ${FIREHOSE_MAX_BATCH_BYTES} bytes.`);
  return decoded;
}

function putRecord(ctx: ApiContext, input: Input): unknown {
  const stream = putStream(ctx, input);
  const record = input["Record"];
  if (typeof record !== "object" || record === null) throw invalid("Record is required.");
  const [refused] = ctx.store.accept(stream, [decodeData((record as Input)["Data"], 0)]);
  if (refused !== undefined) throw new FirehoseFault(500, "ServiceUnavailableException", refused);
  return { RecordId: randomUUID(), Encrypted: false };
}

function putRecordBatch(ctx: ApiContext, input: Input): unknown {
  const stream = putStream(ctx, input);
  const records = decodeBatch(input["Records"]);
  // injected failures first (as throttling), then whatever the store cannot take
  const injected = records.map(() => ctx.failRate > 0 && ctx.random() < ctx.failRate);
  const offered = records.filter((_, i) => !injected[i]);
  const refusals = ctx.store.accept(stream, offered);
  let next = 0;
  let failed = 0;
  const responses = records.map((_, i): EntryResponse => {
    const reason = injected[i] ? "Slow down." : refusals[next++];
    if (reason === undefined) return { RecordId: randomUUID() };
    failed++;
    return { ErrorCode: "ServiceUnavailableException", ErrorMessage: reason };
  });
  return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
}

function describeStream(ctx: ApiContext, input: Input): unknown {
  const name = streamNameOf(input);
  const created = ctx.store.created(name);
  if (created === undefined) throw notFound(name);
  const { prefix, bufferMb, bufferSeconds } = ctx.describe;
  return {
    DeliveryStreamDescription: {
      DeliveryStreamName: name,
      DeliveryStreamARN: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${name}`,
      DeliveryStreamStatus: "ACTIVE",
      DeliveryStreamType: "DirectPut",
      VersionId: "1",
      CreateTimestamp: created / 1000,
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
  };
}

const OPERATIONS: Record<string, (ctx: ApiContext, input: Input) => unknown> = {
  PutRecord: putRecord,
  PutRecordBatch: putRecordBatch,
  DescribeDeliveryStream: describeStream,
  ListDeliveryStreams: (ctx) => ({ DeliveryStreamNames: ctx.store.names(), HasMoreDeliveryStreams: false }),
};

/** Runs one operation on a parsed JSON body; refusals are {@link FirehoseFault}s. @internal */
export function operate(ctx: ApiContext, op: string, input: Input): unknown {
  const run = Object.hasOwn(OPERATIONS, op) ? OPERATIONS[op] : undefined;
  if (!run) throw new FirehoseFault(400, "UnknownOperationException", `Unknown operation ${op.slice(0, 80)}.`);
  return run(ctx, input);
}
