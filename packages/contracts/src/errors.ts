/**
 * The common error base: every package's typed error extends {@link FraudError} and carries a
 * stable `code` that callers branch on (messages may change, codes do not).
 * @packageDocumentation
 */

/**
 * Base class of the typed errors raised by the `@fraud/*` packages.
 *
 * @example
 * ```ts
 * class ScorerError extends FraudError<"INVALID_ARGUMENT" | "ENDPOINT_FAILED"> {
 *   override readonly name = "ScorerError";
 * }
 * try { run(); } catch (err) { if (isFraudError(err) && err.code === "INVALID_ARGUMENT") usage(); }
 * ```
 * @public
 */
export class FraudError<C extends string = string> extends Error {
  /** Stable, machine-readable code identifying the failure. */
  readonly code: C;

  /**
   * @param code - The stable code.
   * @param message - One line, naming what was invalid and the value.
   * @param options - `cause`, when the failure wraps another error.
   */
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = "FraudError";
  }
}

/**
 * True for any {@link FraudError} (of any package), also across copies of this module: an object
 * that is an `Error` with a string `code` and a `name` ending in `Error` is accepted, so errors of
 * `@fraud/recordio` (which depends on nothing) are recognised too.
 * @example
 * ```ts
 * if (isFraudError(err)) console.error(`${err.code}: ${err.message}`);
 * ```
 * @public
 */
export function isFraudError(err: unknown): err is FraudError {
  if (err instanceof FraudError) return true;
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string" && /Error$/.test(err.name) && err.name !== "Error";
}
