import { Readable } from "node:stream";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { RecordIOWriter } from "@fraud/recordio";
import type { Dataset } from "../data.js";
import { SageMakerError, awsErrorName, awsStatus, wrapAwsError } from "./errors.js";
import type { ChannelFormat, ChannelName, ChannelPlan, JobLayout } from "./job.js";
import { channelPlans } from "./job.js";
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
  /** How the rows are encoded. @defaultValue "recordio" */
  format?: ChannelFormat;
  /** The object's `Content-Type`. @defaultValue "application/x-recordio-protobuf" */
  contentType?: string;
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
 * shared as evenly as possible between its shards (contiguous row ranges), each channel made from
 * the split of its name and encoded as the channel says.
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` when a train shard would be empty.
 * @public
 */
export function planUploads(splits: Splits, layout: JobLayout, channels: readonly ChannelPlan[] = channelPlans("linear-learner", { instanceCount: layout.keys.train?.length ?? 1 })): UploadPart[] {
  const parts: UploadPart[] = [];
  for (const c of channels) {
    const channel = c.name;
    const data = splits[channel];
    const keys = layout.keys[channel] ?? [];
    if (data.rows < keys.length) {
      throw new SageMakerError("INVALID_ARGUMENT", `the ${channel} split has ${data.rows} rows, fewer than the ${keys.length} instances that each need a shard`);
    }
    keys.forEach((key, i) => {
      const start = Math.floor((i * data.rows) / keys.length);
      const end = Math.floor(((i + 1) * data.rows) / keys.length);
      parts.push({ channel, bucket: layout.bucket, key, data, start, end, format: c.format, contentType: c.contentType });
    });
  }
  return parts;
}

/**
 * Encodes rows `[start, end)` of a dataset as RecordIO-protobuf (float32 features, and a float32
 * label unless `labels` is false), chunk by chunk: memory stays at one chunk whatever the number of rows.
 * @public
 */
export function* encodeRecordIO(data: Dataset, start = 0, end = data.rows, chunkBytes = 1 << 20, labels = true): Generator<Uint8Array, void, undefined> {
  const cols = colsOf(data);
  const writer = new RecordIOWriter({ cols, chunkBytes, ...(labels ? {} : { labelDtype: null }) });
  for (let i = start; i < end; i++) {
    const features = data.features.subarray(i * cols, (i + 1) * cols);
    writer.write(labels ? { features, label: data.labels[i]! } : features);
    if ((i - start) % 1024 === 1023) yield* writer.take();
  }
  yield* writer.take();
  const last = writer.flush();
  if (last.length > 0) yield last;
}

/**
 * Encodes rows `[start, end)` as CSV the way SageMaker's XGBoost reads it: the label first, then
 * the features, no header, `\n` line ends; each value in the shortest form that reads back as the
 * same double (`String(x)`), a missing value (NaN) as an empty field. Chunk by chunk, about
 * `chunkBytes` each.
 * @public
 */
export function* encodeCsv(data: Dataset, start = 0, end = data.rows, chunkBytes = 1 << 20): Generator<Uint8Array, void, undefined> {
  const cols = colsOf(data);
  const encoder = new TextEncoder();
  let lines: string[] = [];
  let size = 0;
  for (let i = start; i < end; i++) {
    let line = String(data.labels[i]!);
    for (let j = i * cols, stop = j + cols; j < stop; j++) {
      const v = data.features[j]!;
      line += Number.isNaN(v) ? "," : `,${v}`;
    }
    line += "\n";
    lines.push(line);
    size += line.length;
    if (size >= chunkBytes) {
      yield encoder.encode(lines.join(""));
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) yield encoder.encode(lines.join(""));
}

/** The encoded chunks of one part, as its channel says. @public */
export function encodePart(p: UploadPart, chunkBytes = 1 << 20): Generator<Uint8Array, void, undefined> {
  const format = p.format ?? "recordio";
  if (format === "csv") return encodeCsv(p.data, p.start, p.end, chunkBytes);
  return encodeRecordIO(p.data, p.start, p.end, chunkBytes, format === "recordio");
}

/** Size in bytes of the RecordIO encoding of rows `[start, end)`, without keeping it. @public */
export function recordIOSize(data: Dataset, start = 0, end = data.rows): number {
  let n = 0;
  for (const c of encodeRecordIO(data, start, end)) n += c.length;
  return n;
}

/** Size in bytes of one part's encoding, without keeping it. @public */
export function partSize(p: UploadPart): number {
  let n = 0;
  for (const c of encodePart(p)) n += c.length;
  return n;
}

/**
 * What {@link uploadSplits} would write, computed by encoding (for dry runs).
 * @public
 */
export function summarizeUploads(parts: readonly UploadPart[]): UploadSummary[] {
  return parts.map((p) => ({ bucket: p.bucket, key: p.key, bytes: partSize(p), records: p.end - p.start }));
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
    const body = Readable.from(encodePart(p), { objectMode: false });
    const upload = new Upload({
      client: s3,
      params: { Bucket: p.bucket, Key: p.key, Body: body, ContentType: p.contentType ?? "application/x-recordio-protobuf" },
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

/** Dense float32 RecordIO rows all encode to the same size: measure one row; CSV is measured whole. */
function sizeFromOneRow(p: UploadPart): number {
  if (p.end <= p.start) return 0;
  if (p.format === "csv") return partSize(p);
  return partSize({ ...p, end: p.start + 1 }) * (p.end - p.start);
}
