import { ContractError } from "@fraud/contracts";
import { TrainerError } from "../errors.js";

/**
 * Stable machine-readable codes carried by every {@link SageMakerError}.
 *
 * Raised before anything is uploaded or billed:
 * - `INVALID_ARGUMENT` — an option or configuration value outside its valid range (instance count,
 *   bucket name, key prefix, S3 URI, job name, tag, runtime, a `fraud-stack.json` field).
 * - `UNKNOWN_REGION` — not an AWS region name, or no Linear Learner image is published for it.
 * - `NO_REGION` — no region given and none configured (`--region`, `AWS_REGION`, shared config).
 * - `NO_CREDENTIALS` — the standard credential chain found no credentials.
 * - `BAD_ROLE_ARN` — the execution role is not an IAM role ARN of the region's partition.
 * - `BAD_INSTANCE_TYPE` — an instance type SageMaker does not offer for training.
 * - `BUCKET_NOT_FOUND` — the bucket does not exist.
 * - `BUCKET_NOT_WRITABLE` — the bucket exists but the caller may not read or write it.
 *
 * Raised while the job runs or afterwards:
 * - `JOB_FAILED` — the training job ended `Failed` (the message carries SageMaker's `FailureReason`).
 * - `JOB_STOPPED` — the training job was stopped before it produced a model.
 * - `JOB_NOT_FOUND` — no training job has that name in the region.
 * - `AWS_ERROR` — any other AWS service error, with the service's error name and message.
 *
 * @public
 */
export type SageMakerErrorCode =
  | "INVALID_ARGUMENT"
  | "UNKNOWN_REGION"
  | "NO_REGION"
  | "NO_CREDENTIALS"
  | "BAD_ROLE_ARN"
  | "BAD_INSTANCE_TYPE"
  | "BUCKET_NOT_FOUND"
  | "BUCKET_NOT_WRITABLE"
  | "JOB_FAILED"
  | "JOB_STOPPED"
  | "JOB_NOT_FOUND"
  | "AWS_ERROR";

/**
 * Raised by the AWS side of the package (`@fraud/trainer/aws` and `@fraud/trainer/sagemaker`);
 * `code` is stable and safe to branch on.
 *
 * @example
 * ```ts
 * try {
 *   linearLearnerImage("xx-nowhere-1");
 * } catch (err) {
 *   if (isSageMakerError(err, "UNKNOWN_REGION")) console.error(err.message);
 * }
 * ```
 * @public
 */
export class SageMakerError extends TrainerError<SageMakerErrorCode> {
  constructor(code: SageMakerErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "SageMakerError";
  }
}

/**
 * Type guard for {@link SageMakerError}, optionally narrowing to one code.
 *
 * @example
 * ```ts
 * if (isSageMakerError(err, "JOB_FAILED")) process.exitCode = 3;
 * ```
 * @public
 */
export function isSageMakerError(err: unknown, code?: SageMakerErrorCode): err is SageMakerError {
  return err instanceof SageMakerError && (code === undefined || err.code === code);
}

/** Throws `INVALID_ARGUMENT`. */
export function invalid(message: string): never {
  throw new SageMakerError("INVALID_ARGUMENT", message);
}

/**
 * A shared rule of `@fraud/contracts` as this package's API: its {@link ContractError} becomes a
 * {@link SageMakerError} with the same code and message (the original as `cause`).
 */
export function asSageMakerErrors<A extends unknown[], R>(rule: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    try {
      return rule(...args);
    } catch (err) {
      if (err instanceof ContractError) throw new SageMakerError(err.code, err.message, { cause: err });
      throw err;
    }
  };
}
