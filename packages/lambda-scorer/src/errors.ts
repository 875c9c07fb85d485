/**
 * Stable codes of {@link ScorerError}:
 * - `CONFIG_INVALID` — environment variables are missing or malformed (listed in the message).
 * - `INVALID_INPUT` — a request or transaction is malformed (answered 400 by the HTTP handler).
 * - `ENDPOINT_FAILED` — `InvokeEndpoint` failed after the SDK's retries, or answered unexpectedly.
 * - `MODEL_LOAD_FAILED` — the embedded model could not be fetched or read.
 * - `DELIVERY_FAILED` — records were still failing after every delivery attempt (`failedCount`).
 * @public
 */
export type ScorerErrorCode = "CONFIG_INVALID" | "INVALID_INPUT" | "ENDPOINT_FAILED" | "MODEL_LOAD_FAILED" | "DELIVERY_FAILED";

/** Options of the {@link ScorerError} constructor. @public */
export interface ScorerErrorOptions extends ErrorOptions {
  /** Records not delivered (`DELIVERY_FAILED`). */
  failedCount?: number;
  /** Records delivered before giving up (`DELIVERY_FAILED`). */
  deliveredCount?: number;
}

/**
 * The error raised by `@fraud/lambda-scorer`.
 *
 * @example
 * ```ts
 * try {
 *   await scoreTransactions(batch, deps);
 * } catch (err) {
 *   if (isScorerError(err, "DELIVERY_FAILED")) console.error(`${err.failedCount} records not delivered`);
 *   throw err;
 * }
 * ```
 * @public
 */
export class ScorerError extends Error {
  /** Stable code identifying the failure. */
  readonly code: ScorerErrorCode;
  /** Records not delivered, for `DELIVERY_FAILED`. */
  readonly failedCount: number | undefined;
  /** Records delivered before giving up, for `DELIVERY_FAILED`. */
  readonly deliveredCount: number | undefined;

  constructor(code: ScorerErrorCode, message: string, options: ScorerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ScorerError";
    this.code = code;
    this.failedCount = options.failedCount;
    this.deliveredCount = options.deliveredCount;
  }
}

/**
 * Type guard for {@link ScorerError}, optionally narrowing to one code.
 * @public
 */
export function isScorerError(err: unknown, code?: ScorerErrorCode): err is ScorerError {
  return err instanceof ScorerError && (code === undefined || err.code === code);
}
