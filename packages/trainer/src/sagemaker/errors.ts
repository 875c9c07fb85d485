import { SageMakerError } from "../aws/errors.js";

export { SageMakerError, isSageMakerError } from "../aws/errors.js";
export type { SageMakerErrorCode } from "../aws/errors.js";

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
