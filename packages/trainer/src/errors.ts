import { FraudError } from "@fraud/contracts";

/**
 * Stable machine-readable codes carried by every {@link ModelError}.
 *
 * - `MODEL_NOT_FOUND` — the model file cannot be read (missing, not a file, no permission).
 * - `MODEL_CORRUPT` — the bytes are not a well-formed gzip/tar/zip/JSON/MXNet NDArray structure.
 * - `MODEL_UNSUPPORTED` — a well-formed artifact that is not a Linear Learner binary classifier or
 *   regressor (another SageMaker algorithm, a multiclass model, an unknown NDArray layout).
 * - `MODEL_TOO_LARGE` — the artifact, its decompressed content or a size it declares is above a
 *   model limit (`maxArtifactBytes`, `maxUncompressedBytes`, `maxFeatures`).
 * - `BAD_FEATURE_COUNT` — a row given to `predict` does not have `featureDim` values.
 * - `INVALID_ARGUMENT` — an argument outside its documented range (writing artifacts, limits).
 * - `IO_ERROR` — the artifact cannot be written.
 *
 * @public
 */
export type ModelErrorCode = "MODEL_NOT_FOUND" | "MODEL_CORRUPT" | "MODEL_UNSUPPORTED" | "MODEL_TOO_LARGE" | "BAD_FEATURE_COUNT" | "INVALID_ARGUMENT" | "IO_ERROR";

/**
 * Stable machine-readable codes carried by every {@link TrainError}.
 *
 * - `INVALID_ARGUMENT` — a bad argument or option: an unknown hyperparameter name, a value outside
 *   its valid range, conflicting inputs.
 * - `BAD_DATA` — training or evaluation data that cannot be used (NaN/Inf, labels other than 0/1,
 *   wrong column count, no positive or no negative example in a split, too few rows).
 * - `IO_ERROR` — an input or output file cannot be read or written.
 * - `WORKER_FAILED` — a training worker thread could not start or died (e.g. out of memory).
 *
 * @public
 */
export type TrainErrorCode = "INVALID_ARGUMENT" | "BAD_DATA" | "IO_ERROR" | "WORKER_FAILED";

/**
 * Base class of every error raised by `@fraud/trainer` (a `FraudError` of `@fraud/contracts`);
 * `code` is stable and safe to branch on.
 * @public
 */
export class TrainerError<C extends string = string> extends FraudError<C> {
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "TrainerError";
  }
}

/**
 * Raised when a model artifact cannot be read, written or used.
 *
 * @example
 * ```ts
 * try {
 *   await loadModel("model.tar.gz");
 * } catch (err) {
 *   if (err instanceof ModelError && err.code === "MODEL_UNSUPPORTED") console.error(err.message);
 * }
 * ```
 * @public
 */
export class ModelError extends TrainerError<ModelErrorCode> {
  constructor(code: ModelErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "ModelError";
  }
}

/**
 * Raised for bad hyperparameters, unusable data and file problems during training or evaluation.
 * @public
 */
export class TrainError extends TrainerError<TrainErrorCode> {
  constructor(code: TrainErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "TrainError";
  }
}

/**
 * Type guard for {@link TrainerError} (every error of this package), optionally narrowing to one code.
 *
 * @example
 * ```ts
 * if (isTrainerError(err)) console.error(`${err.code}: ${err.message}`);
 * ```
 * @public
 */
export function isTrainerError(err: unknown, code?: string): err is TrainerError {
  return err instanceof TrainerError && (code === undefined || err.code === code);
}

/**
 * Type guard for {@link ModelError}, optionally narrowing to one code.
 * @public
 */
export function isModelError(err: unknown, code?: ModelErrorCode): err is ModelError {
  return err instanceof ModelError && (code === undefined || err.code === code);
}

/**
 * Type guard for {@link TrainError}, optionally narrowing to one code.
 * @public
 */
export function isTrainError(err: unknown, code?: TrainErrorCode): err is TrainError {
  return err instanceof TrainError && (code === undefined || err.code === code);
}
