// The infra configuration: one zod schema per section (./config/schema.ts), env variable overrides
// (./config/env.ts) and resolution per environment (./config/resolve.ts).
export {
  DEFAULTS,
  ENVIRONMENT_PATTERN,
  INSTANCE_TYPE_PATTERN,
  PHASES,
  CLASSIFIER_ALGORITHMS,
  PREFIX_PATTERN,
  alarmSettingsSchema,
  anomalyDetectorSettingsSchema,
  backendSettingsSchema,
  bucketSettingsSchema,
  endpointSettingsSchema,
  firehoseSettingsSchema,
  lambdaSettingsSchema,
  modelSettingsSchema,
  notebookSettingsSchema,
  scheduleSettingsSchema,
  settingsSchema,
} from "./config/schema.js";
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
  ModelSettings,
  NotebookSettings,
  Phase,
  ScheduleSettings,
  Settings,
} from "./config/schema.js";
export { loadConfig, resolveConfig } from "./config/resolve.js";
export type { LoadConfigOptions, ResolvedAnomalyDetector, ResolvedModel, StackConfig } from "./config/resolve.js";
export { readSageMakerJson } from "./config/sagemaker-json.js";
