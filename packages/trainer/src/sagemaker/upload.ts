import { Readable } from "node:stream";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { RecordIOWriter } from "@fraud/recordio";
import type { Dataset } from "../data.js";
import { SageMakerError, awsErrorName, awsStatus, wrapAwsError } from "./errors.js";
import type { ChannelName, JobLayout } from "./job.js";
import { CHANNELS, RECORDIO_PROTOBUF } from "./job.js";
import type { Splits } from "./splits.js";

/** One RecordIO object to upload: a contiguous row range of one split. @public */
export interface UploadPart {
  /** Channel the object belongs to. */
  channel: ChannelName;
  /** Bucket. */
  bucket: string;
  /** Object key. */
  key: string;
  /** The split the rows come from. */
  data: Dataset;
  /** First row (inclusive). */
  start: number;
  /** Last row (exclusive). */
  end: number;
}

/** What one upload wrote (or, in a dry run, would write). @public */
export interface UploadSummary {
  /** Bucket. */
  bucket: string;
  /** Object key. */
  key: string;
  /** Object size in bytes. */
  bytes: number;
  /** RecordIO records (rows) in the object. */
  records: number;
}

/** Progress of the uploads, reported as bytes are encoded and sent. @public */
export interface UploadProgress {
  /** The object being written. */
  key: string;
  /** Bytes of this object acknowledged by S3 so far. */
  bytes: number;
  /** This object's size. */
  totalBytes: number;
  /** Bytes of every object acknowledged so far. */
  allBytes: number;
  /** Size of every object together. */
  allTotalBytes: number;
}

/** Multipart settings and progress of the uploads. @public */
export interface UploadOptions {
  /** Called as bytes are acknowledged. */
  onProgress?: (p: UploadProgress) => void;
  /** Multipart part size in bytes (S3 minimum 5 MiB). @defaultValue 8 MiB */
  partSize?: number;
  /** Parts in flight per object; memory is about `partSize × queueSize`. @defaultValue 2 */
  queueSize?: number;
  /** Cancels the uploads (the multipart upload is aborted, no partial object remains). */
  signal?: AbortSignal;
}

/** Feature count of a split. */
function colsOf(d: Dataset): number {
  return d.rows === 0 ? 0 : d.features.length / d.rows;
}

/**
 * Cuts the splits into the objects of a {@link JobLayout}: one object per key, the train split
 * shared as evenly as possible between its shards (contiguous row ranges).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` when a train shard would be empty.
 * @public
 */
export function planUploads(splits: Splits, layout: JobLayout): UploadPart[] {
  const parts: UploadPart[] = [];
  for (const channel of CHANNELS) {
    const data = splits[channel];
    const keys = layout.keys[channel];
    if (data.rows < keys.length) {
      throw new SageMakerError("INVALID_ARGUMENT", `the ${channel} split has ${data.rows} rows, fewer than the ${keys.length} instances that each need a shard`);
    }
    keys.forEach((key, i) => {
      const start = Math.floor((i * data.rows) / keys.length);
      const end = Math.floor(((i + 1) * data.rows) / keys.length);
      parts.push({ channel, bucket: layout.bucket, key, data, start, end });
    });
  }
  return parts;
}

/**
 * Encodes rows `[start, end)` of a dataset as RecordIO-protobuf (float32 features, float32 label),
 * chunk by chunk: memory stays at one chunk whatever the number of rows.
 * @public
 */
export function* encodeRecordIO(data: Dataset, start = 0, end = data.rows, chunkBytes = 1 << 20): Generator<Uint8Array, void, undefined> {
  const cols = colsOf(data);
  const writer = new RecordIOWriter({ cols, chunkBytes });
  for (let i = start; i < end; i++) {
    writer.write({ features: data.features.subarray(i * cols, (i + 1) * cols), label: data.labels[i]! });
    if ((i - start) % 1024 === 1023) yield* writer.take();
  }
  yield* writer.take();
  const last = writer.flush();
  if (last.length > 0) yield last;
}

/** Size in bytes of the RecordIO encoding of rows `[start, end)`, without keeping it. @public */
export function recordIOSize(data: Dataset, start = 0, end = data.rows): number {
  let n = 0;
  for (const c of encodeRecordIO(data, start, end)) n += c.length;
  return n;
}

/**
 * What {@link uploadSplits} would write, computed by encoding (for dry runs).
 * @public
 */
export function summarizeUploads(parts: readonly UploadPart[]): UploadSummary[] {
  return parts.map((p) => ({ bucket: p.bucket, key: p.key, bytes: recordIOSize(p.data, p.start, p.end), records: p.end - p.start }));
}

/**
 * Checks that the bucket exists and that the caller may use it (`HeadBucket`), before anything is written.
 * @throws {@link SageMakerError} `BUCKET_NOT_FOUND`, `BUCKET_NOT_WRITABLE`, `NO_CREDENTIALS` or `AWS_ERROR`.
 * @public
 */
export async function checkBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    throw bucketError(err, bucket, "HeadBucket");
  }
}

function bucketError(err: unknown, bucket: string, op: string): SageMakerError {
  const name = awsErrorName(err);
  const status = awsStatus(err);
  if (name === "NoSuchBucket" || name === "NotFound" || status === 404) return new SageMakerError("BUCKET_NOT_FOUND", `bucket ${bucket} does not exist`, { cause: err });
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return new SageMakerError("BUCKET_NOT_WRITABLE", `access to bucket ${bucket} is denied (${op}): the credentials need s3:ListBucket, s3:PutObject and s3:GetObject on it`, { cause: err });
  }
  if (name === "CredentialsProviderError") return new SageMakerError("NO_CREDENTIALS", `no AWS credentials: ${(err as Error).message}`, { cause: err });
  return wrapAwsError(op, err);
}

/**
 * Encodes each part to RecordIO and streams it into a (multipart) S3 upload through
 * `@aws-sdk/lib-storage`: the encoded bytes are never held whole in memory.
 * @throws {@link SageMakerError} `BUCKET_NOT_FOUND`, `BUCKET_NOT_WRITABLE` or `AWS_ERROR`.
 * @public
 */
export async function uploadSplits(s3: S3Client, parts: readonly UploadPart[], options: UploadOptions = {}): Promise<UploadSummary[]> {
  const sizes = parts.map((p) => sizeFromOneRow(p));
  const allTotal = sizes.reduce((a, b) => a + b, 0);
  let doneBefore = 0;
  const out: UploadSummary[] = [];
  for (const [i, p] of parts.entries()) {
    const totalBytes = sizes[i]!;
    let sent = 0;
    const body = Readable.from(encodeRecordIO(p.data, p.start, p.end), { objectMode: false });
    const upload = new Upload({
      client: s3,
      params: { Bucket: p.bucket, Key: p.key, Body: body, ContentType: RECORDIO_PROTOBUF },
      partSize: options.partSize ?? 8 * 1024 * 1024,
      queueSize: options.queueSize ?? 2,
      leavePartsOnError: false,
    });
    upload.on("httpUploadProgress", (e) => {
      sent = Math.min(e.loaded ?? sent, totalBytes);
      options.onProgress?.({ key: p.key, bytes: sent, totalBytes, allBytes: doneBefore + sent, allTotalBytes: allTotal });
    });
    const onAbort = (): void => void upload.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await upload.done();
    } catch (err) {
      if (options.signal?.aborted) throw new SageMakerError("AWS_ERROR", `upload of s3://${p.bucket}/${p.key} was cancelled`, { cause: err });
      throw bucketError(err, p.bucket, `upload of s3://${p.bucket}/${p.key}`);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    doneBefore += totalBytes;
    options.onProgress?.({ key: p.key, bytes: totalBytes, totalBytes, allBytes: doneBefore, allTotalBytes: allTotal });
    out.push({ bucket: p.bucket, key: p.key, bytes: totalBytes, records: p.end - p.start });
  }
  return out;
}

/** Dense float32 rows with a label all encode to the same size: measure one row. */
function sizeFromOneRow(p: UploadPart): number {
  if (p.end <= p.start) return 0;
  return recordIOSize(p.data, p.start, p.start + 1) * (p.end - p.start);
}
