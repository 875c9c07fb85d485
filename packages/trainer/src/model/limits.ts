import { ModelError } from "../errors.js";

/**
 * Size limits applied while reading a `model.tar.gz`, before anything is allocated from a size the
 * artifact declares. Every field is optional; a missing field takes its {@link MODEL_LIMITS} default.
 *
 * A Linear Learner model of `d` features needs about `16·d` bytes once loaded (the float64 values
 * read from the file, and the float32 weights); the defaults admit a million features and keep the
 * memory of a hostile artifact below about 200 MiB.
 *
 * @example
 * ```ts
 * await loadModel("big.tar.gz", { maxFeatures: 5_000_000, maxUncompressedBytes: 256 * 1024 * 1024 });
 * ```
 * @public
 */
export interface ModelLimits {
  /**
   * Largest artifact accepted, as stored (the gzip-compressed `model.tar.gz`), in bytes.
   * @defaultValue 33_554_432 (32 MiB)
   */
  maxArtifactBytes?: number;
  /**
   * Largest decompressed tar, and largest total of the zip entries read, in bytes.
   * @defaultValue 67_108_864 (64 MiB)
   */
  maxUncompressedBytes?: number;
  /**
   * Largest number of features (rows of `fc0_weight`); also the largest number of elements any
   * array of the params file may declare, sparse arrays included.
   * @defaultValue 1_000_000
   */
  maxFeatures?: number;
}

/**
 * The default {@link ModelLimits}.
 *
 * @example
 * ```ts
 * MODEL_LIMITS.maxFeatures; // 1000000
 * ```
 * @public
 */
export const MODEL_LIMITS: Readonly<Required<ModelLimits>> = Object.freeze({
  maxArtifactBytes: 32 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxFeatures: 1_000_000,
});

/** Options naming the artifact in messages. */
export interface NamedLimits extends ModelLimits {
  /** Name used in error messages (a path or `model.tar.gz`). @defaultValue "model.tar.gz" */
  name?: string;
}

/** Fills the defaults and checks every limit is a positive safe integer. */
export function resolveLimits(limits: ModelLimits = {}): Required<ModelLimits> {
  const out = { ...MODEL_LIMITS };
  for (const key of Object.keys(MODEL_LIMITS) as (keyof ModelLimits)[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 1) throw new ModelError("INVALID_ARGUMENT", `${key} must be a positive integer, got ${String(v).slice(0, 80)}`);
    out[key] = v;
  }
  return out;
}

/** The error raised when an artifact exceeds a limit; names the option that raises it. */
export function tooLarge(file: string, what: string, limit: keyof ModelLimits, value: number): ModelError {
  return new ModelError("MODEL_TOO_LARGE", `${file}: ${what} (limit ${limit} = ${value})`);
}
