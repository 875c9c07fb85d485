/**
 * S3 locations: bucket-name rules, key prefixes, `s3://` URIs and their schema.
 * @packageDocumentation
 */
import * as z from "zod";
import { invalidArgument, refineWith } from "./contract-error.js";
import { quote } from "./text.js";

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
/** Longest S3 object key, in UTF-8 bytes. @public */
export const S3_MAX_KEY_BYTES = 1024;

/** The general-purpose bucket naming rules; `undefined` when valid, else what is wrong. */
function bucketProblem(bucket: string): string | undefined {
  if (typeof bucket !== "string" || !BUCKET.test(bucket)) return "use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (bucket.includes("..")) return "no two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "not formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) || /(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(bucket)) return "a prefix or suffix S3 reserves";
  return undefined;
}

/**
 * Checks an S3 bucket name (the general-purpose bucket naming rules).
 * @example
 * ```ts
 * validateBucketName("fraud-artifacts"); // "fraud-artifacts"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT`.
 * @public
 */
export function validateBucketName(bucket: string): string {
  const problem = bucketProblem(bucket);
  if (problem !== undefined) invalidArgument(`invalid S3 bucket name ${quote(bucket)}: ${problem}`, `invalid bucket name (${problem})`);
  return bucket;
}

/**
 * Normalises an S3 key prefix to `""` or `a/b/` (no leading slash, one trailing slash, no empty
 * segment, no control character, at most 512 characters).
 * @example
 * ```ts
 * keyPrefix("/fraud-detection/data"); // "fraud-detection/data/"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT`.
 * @public
 */
export function keyPrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  if (p.includes("//") || CONTROL.test(p) || p.length > 512) {
    invalidArgument(`invalid S3 key prefix ${quote(prefix ?? "")}: use at most 512 characters without control characters or empty segments`);
  }
  return p === "" ? "" : `${p}/`;
}

/**
 * Splits an `s3://bucket/key` URI. The bucket must follow S3's naming rules; the key (1–1024
 * bytes, no control characters) is required unless `allowPrefix` is set, in which case
 * `s3://bucket`, `s3://bucket/` and `s3://bucket/prefix/` are accepted too. The error's `reason`
 * is the problem alone (`the object key is missing`, `invalid bucket name (…)`).
 * @example
 * ```ts
 * parseS3Uri("s3://fraud-artifacts/fraud-detection/models/model.tar.gz");
 * // { bucket: "fraud-artifacts", key: "fraud-detection/models/model.tar.gz" }
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT`, quoting at most 80 characters of the URI.
 * @public
 */
export function parseS3Uri(uri: string, options: { allowPrefix?: boolean } = {}): S3Location {
  const what = options.allowPrefix ? "an s3://bucket[/prefix] URI" : "an s3://bucket/key URI";
  const fail = (reason?: string): never => invalidArgument(`${quote(uri)} is not ${what}${reason ? `: ${reason}` : ""}`, reason ?? `not ${what}`);
  const m = typeof uri === "string" ? /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(uri) : null;
  if (m === null) return fail();
  const bucket = m[1]!;
  const key = m[2] ?? "";
  const problem = bucketProblem(bucket);
  if (problem !== undefined) fail(`invalid bucket name (${problem})`);
  if (key === "" && !options.allowPrefix) fail("the object key is missing");
  if (CONTROL.test(key) || new TextEncoder().encode(key).length > S3_MAX_KEY_BYTES) fail(`keys are at most ${S3_MAX_KEY_BYTES} bytes without control characters`);
  return { bucket, key };
}

/**
 * Formats a location as `s3://bucket/key` (the inverse of {@link parseS3Uri}).
 * @example
 * ```ts
 * formatS3Uri({ bucket: "b", key: "models/model.tar.gz" }); // "s3://b/models/model.tar.gz"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT` for an invalid bucket name or a key with a leading slash.
 * @public
 */
export function formatS3Uri(location: S3Location): string {
  validateBucketName(location.bucket);
  if (location.key.startsWith("/")) invalidArgument(`S3 key ${quote(location.key)} starts with a slash`);
  return location.key === "" ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.key}`;
}

/**
 * The ARN of an S3 object or key-prefix pattern in a partition.
 * @example
 * ```ts
 * s3ObjectArn("aws-cn", { bucket: "b", key: "models/model.tar.gz" }); // "arn:aws-cn:s3:::b/models/model.tar.gz"
 * ```
 * @public
 */
export function s3ObjectArn(partition: string, location: S3Location): string {
  return `arn:${partition}:s3:::${location.bucket}/${location.key}`;
}

// Built in a pure IIFE: a bundle that imports this module but not the schema (the scorer Lambda) leaves zod out.
/**
 * Schema of an `s3://bucket/key` object URI (the rules of {@link parseS3Uri}), for configuration
 * schemas: infra's model URL, the scorer's `MODEL_S3_URI`, `sagemaker.json`'s `modelDataUrl`.
 * @example
 * ```ts
 * s3UriSchema.parse("s3://fraud-artifacts/fraud-detection/models/model.tar.gz");
 * ```
 * @public
 */
export const s3UriSchema = /* @__PURE__ */ (() =>
  z.string().superRefine(refineWith((v: string) => parseS3Uri(v))))();

/**
 * Schema of an S3 bucket name.
 * @example
 * ```ts
 * bucketNameSchema.parse("fraud-artifacts");
 * ```
 * @public
 */
export const bucketNameSchema = /* @__PURE__ */ (() =>
  z.string().superRefine(refineWith(validateBucketName)))();

/**
 * Schema of a normalised key prefix (`""` or `a/b/`).
 * @example
 * ```ts
 * keyPrefixSchema.parse("fraud-detection/data/");
 * ```
 * @public
 */
export const keyPrefixSchema = /* @__PURE__ */ (() =>
  z.string().superRefine(
  refineWith((v: string) => {
    if (keyPrefix(v) !== v) invalidArgument(`key prefix ${quote(v)} must be empty or end with "/" and have no leading "/"`);
  }),
))();

