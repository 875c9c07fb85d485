import { FraudError } from "@fraud/contracts";

/**
 * Stable machine-readable codes carried by every {@link InfraError}.
 *
 * - `CONFIG_NOT_FOUND` — the configuration file (or the `sagemaker.json` it names) does not exist.
 * - `CONFIG_PARSE` — a configuration file is not valid JSON.
 * - `INVALID_ARGUMENT` — a configuration value (file, environment override) or a command-line flag
 *   is out of range, of the wrong type, unknown, or contradicts another; `field` names a
 *   configuration field.
 * - `ASSET_MISSING` — a file the stack uploads (the Lambda zip, the notebook) does not exist.
 * - `WILDCARD_POLICY` — an IAM statement uses a wildcard action, or a `*` resource for an action
 *   that accepts a narrower one (raised while building a policy, or by the synth-time check of
 *   every policy in the stack).
 * - `SYNTH_FAILED` — CDKTF could not synthesize the stack for another reason (the cause is attached).
 * - `TOOL_MISSING` — neither `terraform` nor OpenTofu's `tofu` is on `PATH`.
 * - `CREDENTIALS_MISSING` — no AWS credentials are configured for `plan`, `deploy` or `destroy`.
 * - `STACK_MISSING` — the synthesized stack folder for an environment does not exist (run `synth`).
 * - `COMMAND_FAILED` — a `terraform` command exited with a non-zero status.
 * - `STATE_INVALID` — the deploy state file (`.fraud/deploy-<env>.json`) is unreadable or malformed.
 * - `OUTPUTS_INVALID` — `terraform output -json` lacks a field of `fraud-stack.json` or holds a bad value.
 * - `MODEL_INVALID` — the model to deploy is not a Linear Learner `model.tar.gz`, or cannot be read.
 * - `AWS_FAILED` — an S3 or SageMaker request of the deploy failed.
 * - `TRAINING_FAILED` — the SageMaker training job behind `deploy --train` failed or was stopped.
 *
 * @public
 */
export type InfraErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_PARSE"
  | "INVALID_ARGUMENT"
  | "ASSET_MISSING"
  | "WILDCARD_POLICY"
  | "SYNTH_FAILED"
  | "TOOL_MISSING"
  | "CREDENTIALS_MISSING"
  | "STACK_MISSING"
  | "COMMAND_FAILED"
  | "STATE_INVALID"
  | "OUTPUTS_INVALID"
  | "MODEL_INVALID"
  | "AWS_FAILED"
  | "TRAINING_FAILED"
  | "IO_ERROR";

/** Options accepted by the {@link InfraError} constructor. @public */
export interface InfraErrorOptions extends ErrorOptions {
  /** Dotted path of the configuration field involved (for `INVALID_ARGUMENT`), e.g. `endpoint.instanceType`. */
  field?: string;
}

/**
 * The single error class raised by this package. Messages are one line and name the bad value.
 *
 * @example
 * ```ts
 * try {
 *   resolveConfig({ region: "mars-1" }, "dev");
 * } catch (err) {
 *   if (isInfraError(err, "INVALID_ARGUMENT")) console.error(err.field); // "region"
 * }
 * ```
 * @public
 */
export class InfraError extends FraudError<InfraErrorCode> {
  /** Dotted configuration path involved, when the error is about one field. */
  readonly field: string | undefined;

  constructor(code: InfraErrorCode, message: string, options: InfraErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "InfraError";
    this.field = options.field;
  }
}

/**
 * Type guard for {@link InfraError}, optionally narrowing to one code.
 * @public
 */
export function isInfraError(err: unknown, code?: InfraErrorCode): err is InfraError {
  return err instanceof InfraError && (code === undefined || err.code === code);
}
