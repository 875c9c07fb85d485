import { TrainerError } from "../errors.js";

/**
 * Stable machine-readable codes carried by every {@link SageMakerError}.
 *
 * Raised before anything is uploaded or billed:
 * - `BAD_ARGUMENT` — an option outside its valid range (instance count, bucket name, prefix, job name, tag, runtime).
 * - `UNKNOWN_REGION` — no Linear Learner image is published for the region.
 * - `NO_REGION` — no region given and none configured (`--region`, `AWS_REGION`, shared config).
 * - `NO_CREDENTIALS` — the standard credential chain found no credentials.
 * - `BAD_ROLE_ARN` — the execution role is not an IAM role ARN.
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
  | "BAD_ARGUMENT"
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
 * Raised by the SageMaker training path; `code` is stable and safe to branch on.
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
 * @public
 */
export function isSageMakerError(err: unknown, code?: SageMakerErrorCode): err is SageMakerError {
  return err instanceof SageMakerError && (code === undefined || err.code === code);
}

/** Name and message of an AWS SDK error (or any error), for one-line messages. */
export function awsErrorName(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === "string" && v !== "" && v !== "Error") return v;
  }
  return "Error";
}

/** HTTP status of an AWS SDK error, when it carries one. */
export function awsStatus(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
}

/** Wraps an unexpected AWS error into `AWS_ERROR`, naming the operation. */
export function wrapAwsError(operation: string, err: unknown): SageMakerError {
  if (err instanceof SageMakerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SageMakerError("AWS_ERROR", `${operation} failed: ${awsErrorName(err)}: ${message}`, { cause: err });
}
