import { z } from "zod";
import { scorerConfigSchema } from "@fraud/lambda-scorer/config";
import { ALGORITHMS, DEFAULT_ALGORITHM, ENVIRONMENT_NAME_PATTERN, FIREHOSE_PREFIX_DEFAULTS, SCORER_DEFAULTS, SCORING_MODES, imageUriSchema, lambdaZipPathFrom, s3UriSchema } from "@fraud/contracts";

// One zod schema per section: it gives both the TypeScript type (`z.output`) and the runtime
// check. Messages are written to follow the field name: "invalid configuration: <field>: <message>
// (got <value>)" (see ./resolve.ts). Settings the stack passes to the scorer Lambda use the
// scorer's own field schemas (`@fraud/lambda-scorer/config`), so infra accepts exactly what the
// Lambda accepts; left unset, the Lambda's defaults apply.
const scorer = scorerConfigSchema.shape;
/** A scorer field without its default, optional here: left unset, the Lambda's default applies. (Core API: works whatever zod flavour the scorer's schema is built with.) */
function unsetDefault<T extends z.core.SomeType>(field: z.core.$ZodDefault<T>): z.ZodOptional<T> {
  return z.optional(field._zod.def.innerType);
}

const int = (min: number, max: number): z.ZodNumber => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const bool = (): z.ZodBoolean => z.boolean({ error: "must be true or false" });
const text = (pattern: RegExp, hint: string): z.ZodString =>
  z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).regex(pattern, { error: hint });
// z.literal over the list (not z.enum): the same check, and a type the API docs need not expand.
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.literal(values, { error: `must be one of ${values.join(", ")}` });

/** SageMaker instance types: `ml.<family>.<size>`, e.g. `ml.m5.large`. @public */
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal)$/;
/** Shape of a resource name prefix: lowercase letters, digits and `-`, starting with a letter. @public */
export const PREFIX_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
/** Shape of an environment name (`@fraud/contracts`' `ENVIRONMENT_NAME_PATTERN`). @public */
export const ENVIRONMENT_PATTERN: RegExp = ENVIRONMENT_NAME_PATTERN;
/** The scorer zip `nx run lambda-scorer:bundle` writes, relative to this package's folder. */
const DEFAULT_ZIP_PATH = lambdaZipPathFrom("packages/infra");
const S3_KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]+\/$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;
const STORAGE_CLASSES = ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const;

/** S3 settings shared by the two buckets. @public */
export const bucketSettingsSchema = z
  .strictObject({
    /** Server-side encryption: S3-managed keys (`s3`, SSE-S3) or a customer KMS key made by the stack (`kms`). @defaultValue `"s3"` */
    encryption: oneOf(["s3", "kms"]).default("s3"),
    /** Let `destroy` delete buckets that still hold objects. @defaultValue `false` */
    forceDestroy: bool().default(false),
    /** Days before Firehose output moves to `outputTransitionStorageClass`; `0` disables the transition. @defaultValue `30` */
    outputTransitionDays: int(0, 36500).default(30),
    /** Storage class for the output transition. @defaultValue `"STANDARD_IA"` */
    outputTransitionStorageClass: oneOf(STORAGE_CLASSES).default("STANDARD_IA"),
    /** Days before Firehose output expires; `0` keeps it forever. @defaultValue `365` */
    outputExpirationDays: int(0, 36500).default(365),
    /** Days before non-current versions in the artifact bucket expire. @defaultValue `90` */
    artifactNoncurrentDays: int(1, 36500).default(90),
  })
  .superRefine((b, ctx) => {
    if (["STANDARD_IA", "ONEZONE_IA"].includes(b.outputTransitionStorageClass) && b.outputTransitionDays > 0 && b.outputTransitionDays < 30) {
      ctx.addIssue({ code: "custom", path: ["outputTransitionDays"], input: b.outputTransitionDays, message: `S3 needs at least 30 days before ${b.outputTransitionStorageClass}` });
    }
    if (b.outputExpirationDays > 0 && b.outputTransitionDays > 0 && b.outputExpirationDays <= b.outputTransitionDays) {
      ctx.addIssue({ code: "custom", path: ["outputExpirationDays"], input: b.outputExpirationDays, message: `must be later than outputTransitionDays (${b.outputTransitionDays})` });
    }
  });

/** Algorithms of the classifier (`model`); a `randomcutforest` model is the {@link AnomalyDetectorSettings | anomaly detector}. @public */
export const CLASSIFIER_ALGORITHMS = ["linear-learner", "xgboost"] as const satisfies readonly (typeof ALGORITHMS)[number][];

/** Where the classifier comes from. Without one the stack is the foundation only. @public */
export const modelSettingsSchema = z.strictObject({
  /**
   * The classifier's algorithm (`linear-learner` or `xgboost`; env `FRAUD_INFRA_MODEL_ALGORITHM`):
   * picks the region's built-in serving image when `imageUri` is unset. The deploy sets it from
   * the artifact it uploads or checks.
   * @defaultValue `"linear-learner"`
   */
  algorithm: oneOf(ALGORITHMS)
    .refine((a) => (CLASSIFIER_ALGORITHMS as readonly string[]).includes(a), { error: "the classifier must be linear-learner or xgboost (a randomcutforest model goes in anomalyDetector)" })
    .default(DEFAULT_ALGORITHM),
  /** `s3://` URL of the `model.tar.gz` (env `FRAUD_INFRA_MODEL_DATA_URL`). When unset, it is read from `sagemakerJson`. */
  dataUrl: s3UriSchema.optional(),
  /** Path of the `sagemaker.json` written by `fraud-train sagemaker` (relative to the configuration file). */
  sagemakerJson: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
  /** Container image (an ECR image URI of any partition); defaults to the region's image of `algorithm`. A custom ECR image adds pull permissions. */
  imageUri: imageUriSchema.optional(),
  /** Version label passed to the scorer as `MODEL_VERSION` (the scorer's rule); defaults to the training job name, else the Lambda's default. */
  version: scorer.modelVersion,
});

const modelPath = (): z.ZodString => z.string({ error: "must be a string" }).min(1, { error: "must not be empty" });

/**
 * The optional second model: a Random Cut Forest anomaly detector scored beside the classifier,
 * in endpoint or embedded mode of its own. A forest trained locally (`fraud-train local
 * --algorithm randomcutforest`) is in a format only this project reads, so it is served embedded;
 * one trained by SageMaker is in SageMaker's undocumented format, so only a SageMaker endpoint
 * serves it. Combinations that cannot work are refused here.
 * @public
 */
export const anomalyDetectorSettingsSchema = z
  .strictObject({
    /**
     * Score an anomaly detector beside the classifier (env `FRAUD_INFRA_ANOMALY_DETECTOR`). Unset:
     * none is configured, but a deploy keeps the one an earlier `deploy --anomaly-model` gave;
     * `false` removes it.
     */
    enabled: bool().optional(),
    /**
     * `endpoint` (a second SageMaker endpoint, `<prefix>-<env>-anomaly`) or `embedded` (loaded into
     * the scorer from S3); env `FRAUD_INFRA_ANOMALY_SCORING_MODE`. Default: `endpoint` for a
     * `sagemakerJson` model, else `embedded`.
     */
    scoringMode: oneOf(SCORING_MODES).optional(),
    /** `s3://` URL of the detector's `model.tar.gz` (env `FRAUD_INFRA_ANOMALY_MODEL_DATA_URL`); the deploy sets it to its upload of `modelPath`. */
    dataUrl: s3UriSchema.optional(),
    /** A local `model.tar.gz` from `fraud-train local --algorithm randomcutforest` (relative to the configuration file; env `FRAUD_INFRA_ANOMALY_MODEL_PATH`): the deploy uploads it. Served embedded only. */
    modelPath: modelPath().optional(),
    /** The `sagemaker.json` of a SageMaker Random Cut Forest training job (env `FRAUD_INFRA_ANOMALY_SAGEMAKER_JSON`). Served by an endpoint only. */
    sagemakerJson: modelPath().optional(),
    /** Anomaly score at or above which a transaction is flagged `anomalous` (env `FRAUD_INFRA_ANOMALY_THRESHOLD`); default the threshold recorded with the model. */
    threshold: z.number({ error: "must be a finite number" }).refine(Number.isFinite, { error: "must be a finite number" }).optional(),
    /** Serving image (endpoint mode); default the region's Random Cut Forest image, or the training job's. */
    imageUri: imageUriSchema.optional(),
    /** Version label written with every anomaly score (env `FRAUD_INFRA_ANOMALY_MODEL_VERSION`); default the training job's name. */
    version: scorer.modelVersion,
  })
  .superRefine((a, ctx) => {
    // modelPath and dataUrl go together once the deploy has uploaded the file (dataUrl is its copy).
    if (a.sagemakerJson !== undefined && (a.dataUrl !== undefined || a.modelPath !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["sagemakerJson"], message: `give either anomalyDetector.sagemakerJson or ${a.modelPath !== undefined ? "modelPath" : "dataUrl"}, not both` });
    }
    if (a.modelPath !== undefined && a.scoringMode === "endpoint") {
      ctx.addIssue({ code: "custom", path: ["scoringMode"], input: a.scoringMode, message: "a randomcutforest model trained locally (modelPath) is served embedded only: SageMaker's container cannot read it" });
    }
    if (a.sagemakerJson !== undefined && a.scoringMode === "embedded") {
      ctx.addIssue({ code: "custom", path: ["scoringMode"], input: a.scoringMode, message: "a randomcutforest model trained by SageMaker (sagemakerJson) is served only by a SageMaker endpoint" });
    }
    const mode = a.scoringMode ?? (a.sagemakerJson !== undefined ? "endpoint" : "embedded");
    if (a.enabled === true && mode === "endpoint" && a.threshold === undefined && a.modelPath === undefined) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "required in endpoint mode: a randomcutforest model trained by SageMaker records no anomaly threshold (e.g. the mean + 3 standard deviations of its training scores)" });
    }
  });

/** SageMaker endpoint settings (endpoint scoring only). @public */
export const endpointSettingsSchema = z
  .strictObject({
    /** Provisioned instances or serverless inference. @defaultValue `"provisioned"` */
    mode: oneOf(["provisioned", "serverless"]).default("provisioned"),
    /** Instance type for provisioned hosting. @defaultValue `"ml.m5.large"` */
    instanceType: text(INSTANCE_TYPE_PATTERN, "must be a SageMaker instance type such as ml.m5.large").default("ml.m5.large"),
    /** Initial instance count for provisioned hosting. @defaultValue `1` */
    instanceCount: int(1, 10).default(1),
    /** Serverless memory in MB: 1024–6144 in steps of 1024. @defaultValue `2048` */
    serverlessMemoryMb: int(1024, 6144).multipleOf(1024, { error: "must be a multiple of 1024" }).default(2048),
    /** Serverless maximum concurrency. @defaultValue `5` */
    serverlessMaxConcurrency: int(1, 200).default(5),
    /** Application Auto Scaling on invocations per instance (provisioned only). */
    autoscaling: z
      .strictObject({
        /** @defaultValue `false` */
        enabled: bool().default(false),
        /** @defaultValue `1` */
        minCapacity: int(1, 100).default(1),
        /** @defaultValue `2` */
        maxCapacity: int(1, 100).default(2),
        /** Target `SageMakerVariantInvocationsPerInstance` per minute. @defaultValue `200` */
        targetInvocationsPerInstance: z.number({ error: "must be a number from 1 to 100000" }).min(1, { error: "must be a number from 1 to 100000" }).max(100000, { error: "must be a number from 1 to 100000" }).default(200),
      })
      .prefault({}),
    /** Retention of the endpoint's log group in days. @defaultValue `14` */
    logRetentionDays: int(1, 3653).default(14),
  })
  .superRefine((e, ctx) => {
    const a = e.autoscaling;
    if (a.maxCapacity < a.minCapacity) ctx.addIssue({ code: "custom", path: ["autoscaling", "maxCapacity"], input: a.maxCapacity, message: `must be at least minCapacity (${a.minCapacity})` });
    if (a.enabled && e.mode === "serverless") ctx.addIssue({ code: "custom", path: ["autoscaling", "enabled"], message: "auto scaling applies to provisioned endpoints only (serverless scales by itself)" });
  });

/**
 * Optional notebook instance, the original system's training workbench. Without direct internet
 * access (the default) the instance needs a subnet and security groups whose network reaches S3,
 * SageMaker, STS and CloudWatch Logs (VPC endpoints or a NAT gateway).
 * @public
 */
export const notebookSettingsSchema = z
  .strictObject({
    /** Env `FRAUD_INFRA_NOTEBOOK`. @defaultValue `false` */
    enabled: bool().default(false),
    /** @defaultValue `"ml.t3.medium"` */
    instanceType: text(INSTANCE_TYPE_PATTERN, "must be a SageMaker instance type such as ml.t3.medium").default("ml.t3.medium"),
    /** EBS volume in GB. @defaultValue `5` */
    volumeSizeGb: int(5, 16384).default(5),
    /** Give the instance SageMaker's direct internet access (env `FRAUD_INFRA_NOTEBOOK_DIRECT_INTERNET`). @defaultValue `false` */
    directInternetAccess: bool().default(false),
    /** The VPC subnet the instance's network interface lives in; required without direct internet access. */
    subnetId: text(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0").optional(),
    /** Security groups of the instance's network interface (1-5, in the subnet's VPC); given with `subnetId`. @defaultValue `[]` */
    securityGroupIds: z.array(text(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0"), { error: "must be a list of security group ids" }).max(5, { error: "must list at most 5 security groups" }).default([]),
  })
  .superRefine((n, ctx) => {
    if (n.enabled && !n.directInternetAccess && n.subnetId === undefined) {
      ctx.addIssue({ code: "custom", path: ["subnetId"], message: "required when notebook.directInternetAccess is false: the instance reaches AWS through this subnet (VPC endpoints or NAT); set notebook.directInternetAccess to true otherwise" });
    }
    if ((n.subnetId === undefined) !== (n.securityGroupIds.length === 0)) {
      ctx.addIssue({ code: "custom", path: [n.subnetId === undefined ? "subnetId" : "securityGroupIds"], message: "notebook.subnetId and notebook.securityGroupIds go together" });
    }
  });

/** Lambda scorer settings. @public */
export const lambdaSettingsSchema = z.strictObject({
  /** Path of the scorer zip (relative to the configuration file). @defaultValue `"../lambda-scorer/dist/lambda/lambda.zip"` */
  zipPath: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).default(DEFAULT_ZIP_PATH),
  /** @defaultValue `512` */
  memoryMb: int(128, 10240).default(512),
  /** @defaultValue `60` */
  timeoutSeconds: int(1, 900).default(60),
  /** Reserved concurrency of the scheduled function; `null` leaves it unreserved. @defaultValue `null` */
  reservedConcurrency: int(0, 10000).nullable().default(null),
  /** @defaultValue `14` */
  logRetentionDays: int(1, 3653).default(14),
  /** `endpoint` calls the SageMaker endpoint; `embedded` scores in the function from `MODEL_S3_URI` and the stack makes no endpoint. @defaultValue `"endpoint"` */
  scoringMode: oneOf(SCORING_MODES).default(SCORER_DEFAULTS.scoringMode),
  /** Transactions scored per scheduled invocation (`BATCH_SIZE`); the Lambda's default when unset. */
  batchSize: unsetDefault(scorer.batchSize),
  /** Request content type sent to the endpoint (`CONTENT_TYPE`); the Lambda's default when unset. */
  contentType: unsetDefault(scorer.contentType),
  /** Fraud rate of the simulated transactions, strictly between 0 and 1 (`FRAUD_RATE`); the simulator's default when unset. */
  fraudRate: scorer.fraudRate,
  /** Powertools log level (`POWERTOOLS_LOG_LEVEL`); the Lambda's default when unset. */
  logLevel: unsetDefault(scorer.logLevel),
  /** Largest model object embedded scoring loads (`MODEL_MAX_BYTES`); the Lambda's default when unset. */
  modelMaxBytes: unsetDefault(scorer.modelMaxBytes),
  /** Function URL for the HTTP handler (a second function with handler `index.http`). */
  functionUrl: z
    .strictObject({
      /** Env `FRAUD_INFRA_FUNCTION_URL`. @defaultValue `false` */
      enabled: bool().default(false),
      /** `NONE` makes the URL public: the stack adds the public invoke permission. @defaultValue `"AWS_IAM"` */
      authType: oneOf(["AWS_IAM", "NONE"]).default("AWS_IAM"),
      /** Allowed CORS origins (never `*`); empty disables CORS. @defaultValue `[]` */
      allowOrigins: z.array(text(/^https?:\/\/[^*\s/]+$/, "must be an origin such as https://example.com (no wildcards)"), { error: "must be a list of origins" }).default([]),
      /** Reserved concurrency of the HTTP function, capping what a burst of requests can cost; `null` leaves it unreserved. @defaultValue `10` */
      reservedConcurrency: int(1, 10000).nullable().default(10),
    })
    .prefault({}),
});

/** EventBridge schedule settings. @public */
export const scheduleSettingsSchema = z.strictObject({
  /** The original ships the rule disabled (env `FRAUD_INFRA_SCHEDULE_ENABLED`). @defaultValue `false` */
  enabled: bool().default(false),
  /** @defaultValue `"rate(1 minute)"` */
  expression: text(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, "must be rate(N unit) or cron(...)").default("rate(1 minute)"),
});

/** Firehose delivery settings. @public */
export const firehoseSettingsSchema = z
  .strictObject({
    /** Buffer interval in seconds. @defaultValue `60` */
    bufferSeconds: int(0, 900).default(60),
    /** Buffer size in MB. @defaultValue `64` */
    bufferMb: int(1, 128).default(64),
    /** Object key prefix; date partitions are appended. Must end with `/`. @defaultValue `"fraud-detection/firehose/"` */
    prefix: text(S3_KEY_PREFIX, "must be a non-empty S3 key prefix ending with '/' and without expressions").default(FIREHOSE_PREFIX_DEFAULTS.prefix),
    /** Prefix for failed deliveries; the error type and date are appended. @defaultValue `"fraud-detection/firehose-errors/"` */
    errorPrefix: text(S3_KEY_PREFIX, "must be a non-empty S3 key prefix ending with '/' and without expressions").default(FIREHOSE_PREFIX_DEFAULTS.errorPrefix),
    /** @defaultValue `14` */
    logRetentionDays: int(1, 3653).default(14),
  })
  .superRefine((f, ctx) => {
    if (f.errorPrefix.startsWith(f.prefix)) ctx.addIssue({ code: "custom", path: ["errorPrefix"], input: f.errorPrefix, message: `must not lie under firehose.prefix ${JSON.stringify(f.prefix)}` });
  });

/** CloudWatch alarms and who hears about them. @public */
export const alarmSettingsSchema = z.strictObject({
  /** Env `FRAUD_INFRA_ALARMS`. @defaultValue `true` */
  enabled: bool().default(true),
  /** An existing SNS topic notified too (besides the stack's own topic). */
  topicArn: text(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "must be an SNS topic ARN").optional(),
  /** E-mail address subscribed to the stack's alarm topic (env `FRAUD_INFRA_ALARM_EMAIL`); AWS mails a confirmation link first. */
  email: text(EMAIL, "must be an e-mail address").optional(),
  /** Firehose `DeliveryToS3.DataFreshness` threshold in seconds. @defaultValue `900` */
  freshnessSeconds: int(60, 86400).default(900),
});

/** Terraform state backend. @public */
export const backendSettingsSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      /** Local state file (the default). */
      type: z.literal("local"),
      /** State file path; default `terraform.<environment>.tfstate` in the stack folder. */
      path: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
    }),
    z.strictObject({
      /** Remote state in S3 with S3 native locking (`use_lockfile`, Terraform ≥ 1.10 or OpenTofu ≥ 1.10). */
      type: z.literal("s3"),
      /** Existing state bucket. */
      bucket: text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
      /** Object key; default `<prefix>/<environment>/terraform.tfstate`. */
      key: text(/^[^/].*[^/]$/, "must be an object key").optional(),
      /** Bucket region; default the stack's region. */
      region: text(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region").optional(),
      /** KMS key for the state object; default SSE-S3. */
      kmsKeyId: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
    }),
  ],
  { error: "must be one of local, s3" },
);

/**
 * What the stack synthesizes when a model is configured.
 * @example
 * ```ts
 * PHASES.includes(process.env.FRAUD_INFRA_PHASE as Phase);
 * ```
 * @public
 */
export const PHASES = ["foundation", "serving", "all"] as const;

/**
 * The settings of one environment, every field defaulted.
 * @example
 * ```ts
 * settingsSchema.parse({ region: "eu-west-1" }).lambda.memoryMb; // 512
 * ```
 * @public
 */
export const settingsSchema = z.strictObject({
  /** Name prefix for every resource (env `FRAUD_INFRA_PREFIX`). @defaultValue `"fraud-detection"` */
  prefix: text(PREFIX_PATTERN, "must be lowercase letters, digits and '-', starting with a letter").default("fraud-detection"),
  /** AWS region (env `FRAUD_INFRA_REGION`). @defaultValue `"us-east-1"` */
  region: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).default("us-east-1"),
  /**
   * How far the stack goes once a model is configured (env `FRAUD_INFRA_PHASE`): `foundation`
   * (buckets, roles, stream, queue, alarms, notebook), `serving` (+ SageMaker model and endpoint),
   * `all` (+ scorer Lambdas, trigger and schedule). Without a model it is always the foundation.
   * @defaultValue `"all"`
   */
  phase: oneOf(PHASES).default("all"),
  /** Extra tags on every resource (added to `Project`, `Environment`, `ManagedBy`). */
  tags: z.record(z.string().regex(TAG_KEY, { error: "invalid key: use up to 128 letters, digits, spaces or _.:/=+-@, not starting with aws:" }), z.string({ error: "must be a string" }).regex(TAG_VALUE, { error: "invalid value: use up to 256 letters, digits, spaces or _.:/=+-@" }), { error: "must be an object of tag names to values" }).default({}),
  /** See {@link BucketSettings}. */
  buckets: bucketSettingsSchema.prefault({}),
  /** See {@link ModelSettings}. */
  model: modelSettingsSchema.prefault({}),
  /** See {@link AnomalyDetectorSettings}. */
  anomalyDetector: anomalyDetectorSettingsSchema.prefault({}),
  /** See {@link EndpointSettings}; a detector endpoint uses the same settings. */
  endpoint: endpointSettingsSchema.prefault({}),
  /** See {@link NotebookSettings}. */
  notebook: notebookSettingsSchema.prefault({}),
  /** See {@link LambdaSettings}. */
  lambda: lambdaSettingsSchema.prefault({}),
  /** See {@link ScheduleSettings}. */
  schedule: scheduleSettingsSchema.prefault({}),
  /** See {@link FirehoseSettings}. */
  firehose: firehoseSettingsSchema.prefault({}),
  /** See {@link AlarmSettings}. */
  alarms: alarmSettingsSchema.prefault({}),
  /** See {@link BackendSettings}. @defaultValue `{ type: "local" }` */
  backend: backendSettingsSchema.default({ type: "local" }),
});

/** S3 settings shared by the two buckets. @public */
export type BucketSettings = Settings["buckets"];
/** Where the model comes from. @public */
export type ModelSettings = Settings["model"];
/** The optional anomaly detector. @public */
export type AnomalyDetectorSettings = Settings["anomalyDetector"];
/** SageMaker endpoint settings. @public */
export type EndpointSettings = Settings["endpoint"];
/** Notebook instance settings. @public */
export type NotebookSettings = Settings["notebook"];
/** Lambda scorer settings. @public */
export type LambdaSettings = Settings["lambda"];
/** EventBridge schedule settings. @public */
export type ScheduleSettings = Settings["schedule"];
/** Firehose delivery settings. @public */
export type FirehoseSettings = Settings["firehose"];
/** Alarm settings. @public */
export type AlarmSettings = Settings["alarms"];
/** Terraform state backend. @public */
export type BackendSettings = Settings["backend"];
/** One of {@link PHASES}. @public */
export type Phase = (typeof PHASES)[number];
/** Every setting of one environment, validated and defaulted. @public */
export type Settings = z.output<typeof settingsSchema>;

/** Settings that may be given per environment: any subset, nested objects merged field by field (the backend as a whole). @public */
export type EnvironmentOverrides = z.input<typeof settingsSchema>;

/**
 * The configuration file's shape (`infra.config.json`): defaults for every environment plus
 * per-environment overrides.
 *
 * @example
 * ```json
 * {
 *   "prefix": "fraud-detection",
 *   "region": "eu-west-1",
 *   "environments": { "dev": { "endpoint": { "mode": "serverless" } }, "prod": { "alarms": { "email": "ops@example.com" } } },
 *   "backend": { "type": "s3", "bucket": "my-terraform-state" }
 * }
 * ```
 * @public
 */
export type InfraConfigFile = EnvironmentOverrides & {
  /** JSON schema reference, ignored. */
  $schema?: string;
  /** Environment name → overrides; each becomes one stack. @defaultValue `{ "dev": {} }` */
  environments?: Record<string, EnvironmentOverrides>;
};

/**
 * Defaults applied before the file, the environment's overrides and env variables.
 * @example
 * ```ts
 * DEFAULTS.schedule; // { enabled: false, expression: "rate(1 minute)" }
 * ```
 * @public
 */
export const DEFAULTS: Readonly<Settings> = Object.freeze(settingsSchema.parse({}));
