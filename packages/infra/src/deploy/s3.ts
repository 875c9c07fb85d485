import type { S3Client } from "@aws-sdk/client-s3";
import type * as S3Sdk from "@aws-sdk/client-s3";
import { parseS3Uri } from "@fraud/contracts";
import type { S3Location } from "@fraud/contracts";
import { InfraError } from "../errors.js";

/**
 * Splits an `s3://bucket/key` URL.
 * @example
 * ```ts
 * parseS3Object("s3://b/models/model.tar.gz"); // { bucket: "b", key: "models/model.tar.gz" }
 * ```
 * @throws {@link InfraError} `INVALID_ARGUMENT` when it is not one.
 * @public
 */
export function parseS3Object(url: string): S3Location {
  try {
    return parseS3Uri(url);
  } catch (err) {
    throw new InfraError("INVALID_ARGUMENT", (err as Error).message, { cause: err });
  }
}

/** The S3 client module, loaded on first use: `synth` and `plan` never need the AWS SDK. */
function sdk(): Promise<typeof S3Sdk> {
  return import("@aws-sdk/client-s3");
}

function awsName(err: unknown): string {
  const e = err as { name?: string; Code?: string } | null;
  return e?.name ?? e?.Code ?? "Error";
}

function failed(operation: string, url: string, err: unknown): InfraError {
  return new InfraError("AWS_FAILED", `S3 ${operation} ${url.slice(0, 120)}: ${awsName(err)}: ${((err as Error).message ?? "").slice(0, 160)}`, { cause: err });
}

/** What {@link headObject} learns about an object. @public */
export interface ObjectHead {
  /** ETag as S3 returns it (quoted). */
  etag: string;
  /** Base64 SHA-256 checksum, when the object was uploaded with one. */
  sha256Base64: string | undefined;
  /** Size in bytes. */
  size: number;
}

/**
 * `HeadObject` with checksums: `undefined` when the object does not exist.
 * @example
 * ```ts
 * const head = await headObject(s3, "s3://b/models/model.tar.gz"); // { etag, sha256Base64, size } | undefined
 * ```
 * @throws {@link InfraError} `AWS_FAILED` on any other error (access denied, throttling…).
 * @public
 */
export async function headObject(s3: S3Client, url: string): Promise<ObjectHead | undefined> {
  const { bucket, key } = parseS3Object(url);
  const { HeadObjectCommand } = await sdk();
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    return { etag: out.ETag ?? "", sha256Base64: out.ChecksumSHA256, size: out.ContentLength ?? 0 };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (awsName(err) === "NotFound" || awsName(err) === "NoSuchKey" || status === 404) return undefined;
    throw failed("HeadObject", url, err);
  }
}

/**
 * Downloads an object into memory (after {@link headObject} checked its size).
 * @example
 * ```ts
 * const bytes = await getObjectBytes(s3, "s3://b/models/model.tar.gz");
 * ```
 * @throws {@link InfraError} `AWS_FAILED`.
 * @public
 */
export async function getObjectBytes(s3: S3Client, url: string): Promise<Uint8Array> {
  const { bucket, key } = parseS3Object(url);
  const { GetObjectCommand } = await sdk();
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error("no body");
    return await out.Body.transformToByteArray();
  } catch (err) {
    throw failed("GetObject", url, err);
  }
}

/**
 * Uploads bytes with a SHA-256 checksum S3 verifies on receipt; returns the ETag.
 * @example
 * ```ts
 * const etag = await putObject(s3, "s3://b/k", bytes, sha256Base64, "application/x-gzip");
 * ```
 * @throws {@link InfraError} `AWS_FAILED`.
 * @public
 */
export async function putObject(s3: S3Client, url: string, body: Uint8Array, sha256Base64: string, contentType: string): Promise<string> {
  const { bucket, key } = parseS3Object(url);
  const { PutObjectCommand } = await sdk();
  try {
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumSHA256: sha256Base64, ContentType: contentType }));
    return out.ETag ?? "";
  } catch (err) {
    throw failed("PutObject", url, err);
  }
}
