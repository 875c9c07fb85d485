import { FraudError } from "@fraud/contracts";

/**
 * Stable codes of {@link LocalAwsError}:
 * - `INVALID_ARGUMENT` — a start option or CLI flag is out of range or malformed.
 * - `MODEL_LOAD_FAILED` — the model artifact given to the endpoint cannot be loaded (unreadable,
 *   malformed, or declaring sizes over the model limits).
 * - `IO_FAILED` — the Firehose stand-in's destination cannot be created or written.
 * @public
 */
export type LocalAwsErrorCode = "INVALID_ARGUMENT" | "MODEL_LOAD_FAILED" | "IO_FAILED";

/** Context of a {@link LocalAwsError}. @public */
export interface LocalAwsErrorOptions extends ErrorOptions {
  /** The file or directory involved, when there is one. */
  path?: string | undefined;
}

/**
 * The error raised by the local stand-ins' library functions (never for a bad request: requests get
 * the HTTP error AWS would send).
 *
 * @example
 * ```ts
 * try {
 *   await startFirehose({ dir: "out", failRate: 2 });
 * } catch (err) {
 *   if (isLocalAwsError(err, "INVALID_ARGUMENT")) console.error(err.message);
 * }
 * ```
 * @public
 */
export class LocalAwsError extends FraudError<LocalAwsErrorCode> {
  /** The file or directory involved, when there is one. */
  readonly path: string | undefined;

  constructor(code: LocalAwsErrorCode, message: string, options: LocalAwsErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LocalAwsError";
    this.path = options.path;
  }
}

/**
 * Whether `err` is a {@link LocalAwsError} (with `code`, when given).
 *
 * @example
 * ```ts
 * if (isLocalAwsError(err, "IO_FAILED")) console.error(`cannot write ${err.path}`);
 * ```
 * @public
 */
export function isLocalAwsError(err: unknown, code?: LocalAwsErrorCode): err is LocalAwsError {
  return err instanceof LocalAwsError && (code === undefined || err.code === code);
}
