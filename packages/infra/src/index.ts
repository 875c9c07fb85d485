/**
 * The fraud-detection system on AWS as a CDKTF application: configuration, constructs, the
 * stack, synthesis and the Terraform runner behind `nx run infra:plan|deploy|destroy`.
 *
 * @packageDocumentation
 */
export { InfraError, isInfraError } from "./errors.js";
export type { InfraErrorCode, InfraErrorOptions } from "./errors.js";
export {
  DEFAULTS,
  ENV_OVERRIDES,
  INSTANCE_TYPE_PATTERN,
  PHASES,
  alarmSettingsSchema,
  backendSettingsSchema,
  bucketSettingsSchema,
  endpointSettingsSchema,
  firehoseSettingsSchema,
  lambdaSettingsSchema,
  loadConfig,
  modelSettingsSchema,
  notebookSettingsSchema,
  readSageMakerJson,
  resolveConfig,
  scheduleSettingsSchema,
  settingsSchema,
} from "./config.js";
export type {
  AlarmSettings,
  BackendSettings,
  BucketSettings,
  EndpointSettings,
  EnvKind,
  EnvironmentOverrides,
  FirehoseSettings,
  InfraConfigFile,
  LambdaSettings,
  LoadConfigOptions,
  ModelSettings,
  NotebookSettings,
  Phase,
  ResolvedModel,
  ScheduleSettings,
  Settings,
  StackConfig,
} from "./config.js";
export { LeastPrivilegeAspect, WILDCARD_RESOURCE_ACTIONS, assumeRolePolicy, policyDocument, statementViolation } from "./policy.js";
export type { PolicyStatement } from "./policy.js";
export { SecureBucket, Storage } from "./constructs/storage.js";
export type { SecureBucketProps } from "./constructs/storage.js";
export { LAYOUT, TRAINING_LOG_GROUP, regionImage, stackNames } from "./constructs/names.js";
export type { StackNames } from "./constructs/names.js";
export { TrainingAccess } from "./constructs/training.js";
export { ModelEndpoint, VARIANT_NAME } from "./constructs/endpoint.js";
export type { ModelEndpointProps } from "./constructs/endpoint.js";
export { NOTEBOOK_FILE, NOTEBOOK_HOME, Notebook, onStartScript } from "./constructs/notebook.js";
export type { NotebookProps } from "./constructs/notebook.js";
export { FAILURE_RETENTION_SECONDS, Notifications } from "./constructs/notifications.js";
export { STACK_OUTPUT_NAMES, modelObjectArn } from "./outputs.js";
export { DATE_PARTITIONS, ResultStream } from "./constructs/stream.js";
export { SCORER_RETRIES, Scorer } from "./constructs/scorer.js";
export { scorerConfig, scorerEnvironment } from "./constructs/scorer-env.js";
export type { ScorerProps } from "./constructs/scorer.js";
export { ALARM_PERIOD_SECONDS, Alarms } from "./constructs/alarms.js";
export { FraudDetectionStack, MANAGED_BY, deployedPhase, fileSha256Base64 } from "./stack.js";
export type { FraudDetectionStackOptions } from "./stack.js";
export { readSynthesized, stackDir, synthesize } from "./synth.js";
export type { SynthesizeOptions, SynthesizedStack } from "./synth.js";
export { Terraform, findCredentials, findTerraform, preflight, runTerraform, terraformCommands } from "./terraform.js";
export type { PlanFlags, ResourceChange, RunTerraformOptions, TerraformAction, TerraformOptions } from "./terraform.js";
export * from "./deploy/index.js";
export { runCli } from "./command.js";
export type { CliIo } from "./command.js";
