/**
 * The fraud-detection system on AWS as a CDKTF application: configuration, constructs, the
 * stack, synthesis and the Terraform runner behind `nx run infra:plan|deploy|destroy`.
 *
 * @packageDocumentation
 */
export { InfraError, isInfraError } from "./errors.js";
export type { InfraErrorCode, InfraErrorOptions } from "./errors.js";
export { LINEAR_LEARNER_REGISTRIES, REGION_PATTERN, dnsSuffix, linearLearnerImage } from "./regions.js";
export { DEFAULTS, ENV_OVERRIDES, INSTANCE_TYPE_PATTERN, loadConfig, readSageMakerJson, resolveConfig } from "./config.js";
export type {
  AlarmSettings,
  BackendSettings,
  BucketSettings,
  DeepPartial,
  EndpointSettings,
  EnvKind,
  EnvironmentOverrides,
  FirehoseSettings,
  InfraConfigFile,
  LambdaSettings,
  LoadConfigOptions,
  ModelSettings,
  NotebookSettings,
  SageMakerJobInfo,
  ScheduleSettings,
  StackConfig,
} from "./config.js";
export { WILDCARD_RESOURCE_ACTIONS, assumeRolePolicy, policyDocument } from "./policy.js";
export type { PolicyStatement } from "./policy.js";
export { SecureBucket, Storage } from "./constructs/storage.js";
export type { SecureBucketProps } from "./constructs/storage.js";
export { ModelHosting, PREFIXES, VARIANT_NAME, partitionOf } from "./constructs/hosting.js";
export type { ModelHostingProps } from "./constructs/hosting.js";
export { DATE_PARTITIONS, ResultStream } from "./constructs/stream.js";
export { Scorer } from "./constructs/scorer.js";
export type { ScorerProps } from "./constructs/scorer.js";
export { Alarms } from "./constructs/alarms.js";
export { FraudDetectionStack, MANAGED_BY, fileSha256Base64 } from "./stack.js";
export type { FraudDetectionStackOptions } from "./stack.js";
export { readSynthesized, stackDir, synthesize } from "./synth.js";
export type { SynthesizeOptions, SynthesizedStack } from "./synth.js";
export { Terraform, findCredentials, findTerraform, preflight, runTerraform, terraformCommands } from "./terraform.js";
export type { ResourceChange, RunTerraformOptions, TerraformAction, TerraformOptions } from "./terraform.js";
export * from "./deploy/index.js";
export { runCli } from "./command.js";
export type { CliIo } from "./command.js";
