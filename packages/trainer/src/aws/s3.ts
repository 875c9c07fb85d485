import * as z from "zod";
import { SageMakerError, invalid } from "./errors.js";
import { quote } from "../text.js";

/** An S3 object (or prefix) location. @public */
export interface S3Location {
  /** Bucket name. */
  bucket: string;
  /** Object key, or key prefix; `""` for the bucket root. */
  key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_KEY_BYTES = 1024;

/** The general-purpose bucket naming rules; `undefined` when valid, else what is wrong. */
function bucketProblem(bucket: string): string | undefined {
  if (!BUCKET.test(bucket)) return "use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (bucket.includes("..")) return "no two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "not formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) || /(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(bucket)) return "a prefix or suffix S3 reserves";
  return undefined;
}

/**
 * Checks an S3 bucket name (the general-purpose bucket naming rules).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export function validateBucketName(bucket: string): string {
  const problem = bucketProblem(bucket);
  if (problem !== undefined) invalid(`invalid S3 bucket name ${quote(bucket)}: ${problem}`);
  return bucket;
}

/**
 * Normalises an S3 key prefix to `""` or `a/b/` (no leading slash, one trailing slash, no empty
 * segment, no control character, at most 512 characters).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export function keyPrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  if (p.includes("//") || CONTROL.test(p) || p.length > 512) {
    invalid(`invalid S3 key prefix ${quote(prefix ?? "")}: use at most 512 characters without control characters or empty segments`);
  }
  return p === "" ? "" : `${p}/`;
}

/**
 * Splits an `s3://bucket/key` URI. The bucket must follow S3's naming rules; the key (1–1024
 * bytes, no control characters) is required unless `allowPrefix` is set, in which case
 * `s3://bucket`, `s3://bucket/` and `s3://bucket/prefix/` are accepted too.
 *
 * @example
 * ```ts
 * parseS3Uri("s3://fraud-artifacts/fraud-detection/models/model.tar.gz");
 * // { bucket: "fraud-artifacts", key: "fraud-detection/models/model.tar.gz" }
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`, quoting at most 80 characters of the URI.
 * @public
 */
export function parseS3Uri(uri: string, options: { allowPrefix?: boolean } = {}): S3Location {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(uri);
  const what = options.allowPrefix ? "an s3://bucket[/prefix] URI" : "an s3://bucket/key URI";
  if (m === null) invalid(`${quote(uri)} is not ${what}`);
  const bucket = m[1]!;
  const key = m[2] ?? "";
  const problem = bucketProblem(bucket);
  if (problem !== undefined) invalid(`${quote(uri)} is not ${what}: invalid bucket name (${problem})`);
  if (key === "" && !options.allowPrefix) invalid(`${quote(uri)} is not ${what}: the object key is missing`);
  if (CONTROL.test(key) || new TextEncoder().encode(key).length > MAX_KEY_BYTES) {
    invalid(`${quote(uri)} is not ${what}: keys are at most ${MAX_KEY_BYTES} bytes without control characters`);
  }
  return { bucket, key };
}

/**
 * Formats a location as `s3://bucket/key` (the inverse of {@link parseS3Uri}).
 *
 * @example
 * ```ts
 * formatS3Uri({ bucket: "b", key: "models/model.tar.gz" }); // "s3://b/models/model.tar.gz"
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` for an invalid bucket name or a key with a leading slash.
 * @public
 */
export function formatS3Uri(location: S3Location): string {
  validateBucketName(location.bucket);
  if (location.key.startsWith("/")) invalid(`S3 key ${quote(location.key)} starts with a slash`);
  return location.key === "" ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.key}`;
}

/** A zod check from a throwing validator: its message becomes the issue. */
export function refineWith<T>(check: (v: T) => unknown): (v: T, ctx: z.RefinementCtx) => void {
  return (v, ctx) => {
    try {
      check(v);
    } catch (err) {
      if (!(err instanceof SageMakerError)) throw err;
      ctx.addIssue({ code: "custom", message: err.message });
    }
  };
}

/**
 * Schema of an `s3://bucket/key` object URI (the rules of {@link parseS3Uri}), for configuration
 * schemas: infra's model URL, the scorer's `MODEL_S3_URI`, `sagemaker.json`'s `modelDataUrl`.
 *
 * @example
 * ```ts
 * s3UriSchema.parse("s3://fraud-artifacts/fraud-detection/models/model.tar.gz");
 * ```
 * @public
 */
export const s3UriSchema = z.string().superRefine(refineWith((v: string) => parseS3Uri(v)));

/** Schema of an S3 bucket name. */
export const bucketNameSchema = z.string().superRefine(refineWith(validateBucketName));
