/**
 * The demo's errors.
 * @packageDocumentation
 */
import { FraudError } from "@fraud/contracts";
import type { Stage } from "./stages.js";

/**
 * Stable codes of {@link DemoError}:
 * - `INVALID_ARGUMENT` — an option cannot run (a usage error; the CLI exits 2).
 * - `LAMBDA_FAILED` — the bundled Lambda cannot be unpacked or started.
 * - `STAGE_FAILED` — a stage of the run failed (the CLI exits 1 naming it; `cause` holds the
 *   underlying error).
 * @public
 */
export type DemoErrorCode = "INVALID_ARGUMENT" | "LAMBDA_FAILED" | "STAGE_FAILED";

/** Context of a {@link DemoError}. @public */
export interface DemoErrorOptions extends ErrorOptions {
  /** The stage that failed. */
  stage?: Stage | undefined;
}

/**
 * Every failure of {@link runDemo}: a bad option, or the stage that failed.
 *
 * @example
 * ```ts
 * try {
 *   await runDemo({ rows: 10 }, reporter);
 * } catch (err) {
 *   if (isDemoError(err, "STAGE_FAILED")) console.error(`stage ${err.stage} failed: ${err.message}`);
 * }
 * ```
 * @public
 */
export class DemoError extends FraudError<DemoErrorCode> {
  /** The stage that failed (`STAGE_FAILED`). */
  readonly stage: Stage | undefined;

  constructor(code: DemoErrorCode, message: string, options: DemoErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DemoError";
    this.stage = options.stage;
  }
}

/**
 * Whether `err` is a {@link DemoError} (with `code`, when given).
 *
 * @example
 * ```ts
 * process.exitCode = isDemoError(err, "INVALID_ARGUMENT") ? 2 : 1;
 * ```
 * @public
 */
export function isDemoError(err: unknown, code?: DemoErrorCode): err is DemoError {
  return err instanceof DemoError && (code === undefined || err.code === code);
}
