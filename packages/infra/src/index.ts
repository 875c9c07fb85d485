/**
 * The fraud-detection system on AWS as CDKTF constructs: the configuration schema and its
 * resolution, the constructs and the stack. No AWS SDK is loaded by this entry; the deploy
 * application (Terraform runner, deploy state, S3/SageMaker steps, CLI) is `@fraud/infra/deploy`.
 *
 * @example
 * ```ts
 * import { App } from "cdktf";
 * import { FraudDetectionStack, loadConfig } from "@fraud/infra";
 * const app = new App({ outdir: "cdktf.out" });
 * for (const config of loadConfig()) new FraudDetectionStack(app, config.environment, config);
 * app.synth();
 * ```
 * @packageDocumentation
 */
export { InfraError, isInfraError } from "./errors.js";
export type { InfraErrorCode, InfraErrorOptions } from "./errors.js";
export { DEFAULTS, INSTANCE_TYPE_PATTERN, PHASES, loadConfig, resolveConfig, settingsSchema } from "./config.js";
export type {
  AlarmSettings,
  AnomalyDetectorSettings,
  BackendSettings,
  BucketSettings,
  EndpointSettings,
  EnvironmentOverrides,
  FirehoseSettings,
  InfraConfigFile,
  LambdaSettings,
  LoadConfigOptions,
  ModelSettings,
  NotebookSettings,
  Phase,
  ResolvedAnomalyDetector,
  ResolvedModel,
  ScheduleSettings,
  Settings,
  StackConfig,
} from "./config.js";
export { LeastPrivilegeAspect, WILDCARD_RESOURCE_ACTIONS, assumeRolePolicy, policyDocument, statementViolation } from "./policy.js";
export type { PolicyStatement } from "./policy.js";
export { SecureBucket, Storage } from "./constructs/storage.js";
export type { DataKey, SecureBucketProps, StorageProps } from "./constructs/storage.js";
export { LAYOUT, TRAINING_LOG_GROUP, stackNames } from "./constructs/names.js";
export type { StackNames } from "./constructs/names.js";
export { TrainingAccess } from "./constructs/training.js";
export type { TrainingAccessProps } from "./constructs/training.js";
export { ModelEndpoint, VARIANT_NAME } from "./constructs/endpoint.js";
export type { EndpointPurpose, ModelEndpointProps } from "./constructs/endpoint.js";
export { NOTEBOOK_FILE, NOTEBOOK_HOME, NOTEBOOK_PACKAGES_DIR, Notebook, onStartScript, readPackedPackages } from "./constructs/notebook.js";
export type { PackedPackage } from "./constructs/notebook.js";
export type { NotebookProps } from "./constructs/notebook.js";
export { FAILURE_RETENTION_SECONDS, Notifications } from "./constructs/notifications.js";
export type { NotificationsProps } from "./constructs/notifications.js";
export { ResultStream } from "./constructs/stream.js";
export type { ResultStreamProps } from "./constructs/stream.js";
export { SCORER_RETRIES, Scorer } from "./constructs/scorer.js";
export { scorerConfig, scorerEnvironment } from "./constructs/scorer-env.js";
export type { ScorerProps } from "./constructs/scorer.js";
export { ALARM_PERIOD_SECONDS, Alarms } from "./constructs/alarms.js";
export type { AlarmsProps } from "./constructs/alarms.js";
export { FraudDetectionStack, MANAGED_BY, deployedPhase } from "./stack.js";
export type { FraudDetectionStackOptions } from "./stack.js";
