/**
 * The package's typed error.
 * @packageDocumentation
 */
import { FraudError } from "@fraud/contracts";

/**
 * Stable codes of {@link ScorerError}:
 * - `INVALID_ARGUMENT` — a configuration value, event or request is missing or malformed (the
 *   message names the field and quotes the bad value; the HTTP handler answers 400).
 * - `ENDPOINT_FAILED` — `InvokeEndpoint` failed after the SDK's retries, or answered unexpectedly.
 * - `MODEL_LOAD_FAILED` — the embedded model could not be fetched or read.
 * - `MODEL_TOO_LARGE` — the embedded model object is larger than `MODEL_MAX_BYTES`.
 * - `DELIVERY_FAILED` — records could be neither delivered to Firehose nor dead-lettered to the
 *   on-failure queue in the invocation's time (`failedCount`, `deliveredCount`).
 * @public
 */
export type ScorerErrorCode = "INVALID_ARGUMENT" | "ENDPOINT_FAILED" | "MODEL_LOAD_FAILED" | "MODEL_TOO_LARGE" | "DELIVERY_FAILED";

/** One problem found in a configuration (see {@link ScorerError.issues}). @public */
export interface ConfigIssue {
  /** The configuration field, e.g. `batchSize`. */
  field: string;
  /** Its environment variable, e.g. `BATCH_SIZE`. */
  env: string;
  /** What is wrong, e.g. `must be an integer from 1 to 10000 (got "0")`. */
  message: string;
}

/** Options of the {@link ScorerError} constructor. @public */
export interface ScorerErrorOptions extends ErrorOptions {
  /** Records not delivered (`DELIVERY_FAILED`). */
  failedCount?: number;
  /** Records delivered before giving up (`DELIVERY_FAILED`). */
  deliveredCount?: number;
  /** Every configuration problem (`INVALID_ARGUMENT` from the configuration). */
  issues?: readonly ConfigIssue[];
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
export class ScorerError extends FraudError<ScorerErrorCode> {
  /** Records not delivered, for `DELIVERY_FAILED`. */
  readonly failedCount: number | undefined;
  /** Records delivered before giving up, for `DELIVERY_FAILED`. */
  readonly deliveredCount: number | undefined;
  /** Every configuration problem, for `INVALID_ARGUMENT` raised by the configuration; else empty. */
  readonly issues: readonly ConfigIssue[];

  constructor(code: ScorerErrorCode, message: string, options: ScorerErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ScorerError";
    this.failedCount = options.failedCount;
    this.deliveredCount = options.deliveredCount;
    this.issues = options.issues ?? [];
  }
}

/**
 * Type guard for {@link ScorerError}, optionally narrowing to one code.
 * @example
 * ```ts
 * if (isScorerError(err, "INVALID_ARGUMENT")) return { statusCode: 400, body: err.message };
 * ```
 * @public
 */
export function isScorerError(err: unknown, code?: ScorerErrorCode): err is ScorerError {
  return err instanceof ScorerError && (code === undefined || err.code === code);
}

/** Quotes a bad value for a message: `@fraud/contracts`' one quoting rule. @internal */
export { quote } from "@fraud/contracts";
