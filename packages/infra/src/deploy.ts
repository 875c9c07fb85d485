/**
 * `@fraud/infra/deploy`: the deploy application around the stack — synthesis to `cdktf.out`, the
 * Terraform runner, the phased deploy with its state file, the S3 and SageMaker steps, plan and
 * destroy, and the `fraud-infra` command. Loads the AWS SDK only when a step needs it.
 *
 * @example
 * ```ts
 * import { runDeploy } from "@fraud/infra/deploy";
 * const result = await runDeploy({ environment: "dev", cwd: "packages/infra", model: { kind: "file", path: "model.tar.gz" } });
 * ```
 * @packageDocumentation
 */
export { InfraError, isInfraError } from "./errors.js";
export type { InfraErrorCode, InfraErrorOptions } from "./errors.js";
export { readSageMakerJson } from "./config.js";
export { readSynthesized, stackDir, synthesize } from "./synth.js";
export type { SynthesizeOptions, SynthesizedStack } from "./synth.js";
export { Terraform, findCredentials, findTerraform, preflight, runTerraform, terraformCommands } from "./terraform.js";
export type { PlanFlags, ResourceChange, RunTerraformOptions, TerraformAction, TerraformOptions } from "./terraform.js";
export * from "./deploy/index.js";
export { runCli } from "./command.js";
export type { CliIo } from "./command.js";
