/**
 * Stable codes of {@link LocalAwsError}:
 * - `INVALID_OPTION` — a start option or CLI flag is out of range.
 * - `MODEL_LOAD_FAILED` — the model artifact given to the endpoint cannot be loaded.
 * - `IO_FAILED` — the Firehose stand-in could not write a delivered object.
 * @public
 */
export type LocalAwsErrorCode = "INVALID_OPTION" | "MODEL_LOAD_FAILED" | "IO_FAILED";

/**
 * The error raised by the local stand-ins' library functions (never for a bad request: requests get
 * the HTTP error AWS would send).
 *
 * @example
 * ```ts
 * try {
 *   await startFirehose({ dir: "out", failRate: 2 });
 * } catch (err) {
 *   if (err instanceof LocalAwsError && err.code === "INVALID_OPTION") console.error(err.message);
 * }
 * ```
 * @public
 */
export class LocalAwsError extends Error {
  /** Stable code identifying the failure. */
  readonly code: LocalAwsErrorCode;

  constructor(code: LocalAwsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalAwsError";
    this.code = code;
  }
}
