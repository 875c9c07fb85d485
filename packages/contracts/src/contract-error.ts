/**
 * The typed error of the shared rules: what `@fraud/contracts`' validators throw, so callers branch
 * on a `code` instead of reading message text.
 * @packageDocumentation
 */
import type * as z from "zod";
import { FraudError } from "./errors.js";

/**
 * Stable codes of {@link ContractError}.
 *
 * - `INVALID_ARGUMENT` — a value outside a shared rule (an S3 URI, a bucket name, a SageMaker name,
 *   an image URI, an environment name, an integer, a `fraud-stack.json` field, a `FRAUD_INFRA_*` value).
 * - `UNKNOWN_REGION` — not an AWS region name, or no image of the algorithm is published there.
 * - `BAD_ROLE_ARN` — not an IAM role ARN, or one of another partition than the region's.
 *
 * @public
 */
export type ContractErrorCode = "INVALID_ARGUMENT" | "UNKNOWN_REGION" | "BAD_ROLE_ARN";

/**
 * Raised by the validators of `@fraud/contracts`. `reason` holds the message without the quoted
 * value's preamble, for callers that embed the problem in their own sentence.
 *
 * @example
 * ```ts
 * try { parseS3Uri("s3://Bad/key"); } catch (err) {
 *   if (isContractError(err, "INVALID_ARGUMENT")) console.error(err.reason); // "invalid bucket name (…)"
 * }
 * ```
 * @public
 */
export class ContractError extends FraudError<ContractErrorCode> {
  /** The problem alone (e.g. `the object key is missing`), without the value it was found in. */
  readonly reason: string;

  /**
   * @param code - The stable code.
   * @param message - One line, quoting the bad value.
   * @param reason - The problem alone; defaults to the message.
   * @param options - `cause`.
   */
  constructor(code: ContractErrorCode, message: string, reason: string = message, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "ContractError";
    this.reason = reason;
  }
}

/**
 * Type guard for {@link ContractError}, optionally narrowing to one code.
 * @example
 * ```ts
 * if (isContractError(err, "UNKNOWN_REGION")) usage(err.message);
 * ```
 * @public
 */
export function isContractError(err: unknown, code?: ContractErrorCode): err is ContractError {
  return err instanceof ContractError && (code === undefined || err.code === code);
}

/** Throws `INVALID_ARGUMENT`. @internal */
export function invalidArgument(message: string, reason?: string): never {
  throw new ContractError("INVALID_ARGUMENT", message, reason);
}

/**
 * A zod refinement from a throwing validator of this package: a {@link ContractError}'s message
 * becomes the issue; any other error propagates.
 * @example
 * ```ts
 * const regionSchema = z.string().superRefine(refineWith(partitionOf));
 * ```
 * @public
 */
export function refineWith<T>(check: (value: T) => unknown): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    try {
      check(value);
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
      ctx.addIssue({ code: "custom", message: err.message });
    }
  };
}
