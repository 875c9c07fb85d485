/**
 * Service limits and name rules the scorer, the stack and the local stand-ins agree on.
 * @packageDocumentation
 */

/** Most records per Firehose `PutRecordBatch` call. @public */
export const FIREHOSE_MAX_BATCH_RECORDS = 500;
/** Most bytes per Firehose `PutRecordBatch` call (4 MiB, record data summed). @public */
export const FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Most bytes per Firehose record (1,000 KiB, before base64). @public */
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;

/**
 * A Firehose delivery stream name: 1–64 characters of `a-z A-Z 0-9 _ . -` (the API's
 * `DeliveryStreamName` constraint).
 * @public
 */
export const FIREHOSE_STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;

/**
 * A SageMaker endpoint name: 1–63 alphanumerics or hyphens, starting and ending alphanumeric
 * (the API's `EndpointName` constraint, `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`).
 * @public
 */
export const SAGEMAKER_ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * An `s3://bucket/key` URI: a bucket of 3–63 lowercase letters, digits, dots or hyphens and a
 * non-empty key.
 * @public
 */
export const S3_URI_PATTERN = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/** An `s3://bucket/key` location. @public */
export interface S3Location {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
}

/**
 * Parses `s3://bucket/key`; `undefined` when malformed.
 * @example
 * ```ts
 * parseS3Uri("s3://models/fraud/model.tar.gz"); // { bucket: "models", key: "fraud/model.tar.gz" }
 * ```
 * @public
 */
export function parseS3Uri(uri: string): S3Location | undefined {
  const m = S3_URI_PATTERN.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}
