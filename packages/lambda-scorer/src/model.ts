/**
 * Embedded mode: fetch `model.tar.gz` from S3 (refusing objects over `MODEL_MAX_BYTES` before
 * reading them) and load it through the trainer's model registry (any registered algorithm,
 * recognised from the artifact).
 * @packageDocumentation
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { parseS3Uri } from "@fraud/trainer/aws";
import { loadModel } from "@fraud/trainer/model";
import type { Model } from "@fraud/trainer/model";
import { ScorerError, isScorerError } from "./errors.js";

/** Reads an object's bytes, refusing more than `maxBytes`. @public */
export type ModelFetcher = (bucket: string, key: string, maxBytes: number) => Promise<Uint8Array>;

function tooLarge(uri: string, size: number | string, maxBytes: number): ScorerError {
  return new ScorerError("MODEL_TOO_LARGE", `model ${uri} is ${size} bytes, over MODEL_MAX_BYTES (${maxBytes})`);
}

/**
 * A {@link ModelFetcher} over S3 `GetObject` (the S3 client is imported on first use, so
 * endpoint-mode cold starts never load it): checks `ContentLength` before reading and counts the
 * bytes while reading, so an oversized object is never buffered whole.
 * @example
 * ```ts
 * const fetch = s3ModelFetcher();
 * const bytes = await fetch("models", "fraud/model.tar.gz", 16 * 1024 * 1024);
 * ```
 * @public
 */
export function s3ModelFetcher(): ModelFetcher {
  let client: S3Client | undefined;
  return async (bucket, key, maxBytes) => {
    const uri = `s3://${bucket}/${key}`;
    const { GetObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
    client ??= new S3Client({});
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body) throw new ScorerError("MODEL_LOAD_FAILED", `model ${uri} has no body`);
    if (out.ContentLength !== undefined && out.ContentLength > maxBytes) {
      body.destroy?.();
      throw tooLarge(uri, out.ContentLength, maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      total += chunk.length;
      if (total > maxBytes) {
        body.destroy?.();
        throw tooLarge(uri, `more than ${maxBytes}`, maxBytes);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  };
}

/**
 * Fetches and checks the embedded model.
 * @throws {@link ScorerError} `MODEL_TOO_LARGE` over `maxBytes`; `MODEL_LOAD_FAILED` when the
 * object cannot be fetched or is not a model artifact of a registered algorithm (the trainer's
 * error is the `cause`).
 * @example
 * ```ts
 * const model = await loadEmbeddedModel("s3://models/fraud/model.tar.gz", { fetch: s3ModelFetcher(new S3Client({})), maxBytes: 16 << 20 });
 * ```
 * @public
 */
export async function loadEmbeddedModel(uri: string, options: { fetch: ModelFetcher; maxBytes: number }): Promise<Model> {
  let location: { bucket: string; key: string };
  try {
    location = parseS3Uri(uri);
  } catch (err) {
    throw new ScorerError("INVALID_ARGUMENT", `MODEL_S3_URI: ${(err as Error).message}`, { cause: err });
  }
  let bytes: Uint8Array;
  try {
    bytes = await options.fetch(location.bucket, location.key, options.maxBytes);
  } catch (err) {
    if (isScorerError(err)) throw err;
    const e = err as Error;
    throw new ScorerError("MODEL_LOAD_FAILED", `cannot fetch model ${uri}: ${e.name}: ${e.message}`, { cause: err });
  }
  try {
    return await loadModel(bytes, { name: uri, maxArtifactBytes: options.maxBytes });
  } catch (err) {
    const e = err as Error & { code?: string };
    const code = e.code === "MODEL_TOO_LARGE" ? "MODEL_TOO_LARGE" : "MODEL_LOAD_FAILED";
    throw new ScorerError(code, `cannot read model ${uri}: ${e.code ?? e.name}: ${e.message}`, { cause: err });
  }
}
