import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { InfraError } from "./errors.js";
import { LINEAR_LEARNER_REGISTRIES, REGION_PATTERN, linearLearnerImage } from "./regions.js";

/** Recursively optional version of a configuration shape. @public */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** S3 bucket settings shared by the three buckets. @public */
export interface BucketSettings {
  /** Server-side encryption: S3-managed keys (`s3`, SSE-S3) or a customer KMS key made by the stack (`kms`). @defaultValue `"s3"` */
  encryption: "s3" | "kms";
  /** Let `destroy` delete buckets that still hold objects. @defaultValue `false` */
  forceDestroy: boolean;
  /** Days before Firehose output moves to `outputTransitionStorageClass`; `0` disables the transition. @defaultValue `30` */
  outputTransitionDays: number;
  /** Storage class for the output transition. @defaultValue `"STANDARD_IA"` */
  outputTransitionStorageClass: "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
  /** Days before Firehose output expires; `0` keeps it forever. @defaultValue `365` */
  outputExpirationDays: number;
  /** Days before non-current versions in the artifact bucket expire. @defaultValue `90` */
  artifactNoncurrentDays: number;
}

/** Where the model comes from. @public */
export interface ModelSettings {
  /**
   * `s3://` URL of the Linear Learner `model.tar.gz`. When unset, it is read from `sagemakerJson`;
   * when both are unset the stack declares a required Terraform variable `model_data_url`.
   */
  dataUrl?: string;
  /** Path of the `sagemaker.json` written by `fraud-train sagemaker` (relative to the configuration file). */
  sagemakerJson?: string;
  /** Container image; defaults to the region's Linear Learner image. A custom ECR image adds pull permissions. */
  imageUri?: string;
  /** Version label passed to the scorer as `MODEL_VERSION`; defaults to the training job name, else `"1"`. */
  version?: string;
}

/** SageMaker endpoint settings. @public */
export interface EndpointSettings {
  /** Provisioned instances or serverless inference. @defaultValue `"provisioned"` */
  mode: "provisioned" | "serverless";
  /** Instance type for provisioned hosting. @defaultValue `"ml.m5.large"` */
  instanceType: string;
  /** Initial instance count for provisioned hosting (1–10). @defaultValue `1` */
  instanceCount: number;
  /** Serverless memory in MB: 1024–6144 in steps of 1024. @defaultValue `2048` */
  serverlessMemoryMb: number;
  /** Serverless maximum concurrency (1–200). @defaultValue `5` */
  serverlessMaxConcurrency: number;
  /** Application Auto Scaling on invocations per instance (provisioned only). */
  autoscaling: {
    /** @defaultValue `false` */
    enabled: boolean;
    /** @defaultValue `1` */
    minCapacity: number;
    /** @defaultValue `2` */
    maxCapacity: number;
    /** Target `SageMakerVariantInvocationsPerInstance` per minute. @defaultValue `200` */
    targetInvocationsPerInstance: number;
  };
  /** Retention of the endpoint's log group in days. @defaultValue `14` */
  logRetentionDays: number;
}

/** Optional notebook instance, as in the original system. @public */
export interface NotebookSettings {
  /** @defaultValue `false` */
  enabled: boolean;
  /** @defaultValue `"ml.t3.medium"` */
  instanceType: string;
  /** EBS volume in GB (5–16384). @defaultValue `5` */
  volumeSizeGb: number;
}

/** Lambda scorer settings. @public */
export interface LambdaSettings {
  /** Path of the scorer zip (relative to the configuration file). @defaultValue `"../lambda-scorer/dist/lambda/lambda.zip"` */
  zipPath: string;
  /** @defaultValue `512` */
  memoryMb: number;
  /** @defaultValue `60` */
  timeoutSeconds: number;
  /** Reserved concurrency; `null` leaves the function unreserved. @defaultValue `null` */
  reservedConcurrency: number | null;
  /** @defaultValue `14` */
  logRetentionDays: number;
  /** `endpoint` calls the SageMaker endpoint; `embedded` scores in the function from `MODEL_S3_URI`. @defaultValue `"endpoint"` */
  scoringMode: "endpoint" | "embedded";
  /** Transactions scored per invocation. @defaultValue `10` */
  batchSize: number;
  /** Request content type sent to the endpoint. @defaultValue `"text/csv"` */
  contentType: "text/csv" | "application/json" | "application/jsonlines" | "application/x-recordio-protobuf";
  /** Fraud rate of the simulated transactions. @defaultValue `0.0017` */
  fraudRate: number;
  /** Powertools log level. @defaultValue `"INFO"` */
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Function URL for the HTTP handler (a second function with handler `index.http`). */
  functionUrl: {
    /** @defaultValue `false` */
    enabled: boolean;
    /** @defaultValue `"AWS_IAM"` */
    authType: "AWS_IAM" | "NONE";
    /** Allowed CORS origins (never `*`); empty disables CORS. @defaultValue `[]` */
    allowOrigins: string[];
  };
}

/** EventBridge schedule settings. @public */
export interface ScheduleSettings {
  /** The original ships the rule disabled. @defaultValue `false` */
  enabled: boolean;
  /** @defaultValue `"rate(1 minute)"` */
  expression: string;
}

/** Firehose delivery settings. @public */
export interface FirehoseSettings {
  /** Buffer interval (0–900 s). @defaultValue `60` */
  bufferSeconds: number;
  /** Buffer size (1–128 MB). @defaultValue `64` */
  bufferMb: number;
  /** Object key prefix; date partitions are appended. Must end with `/`. @defaultValue `"fraud-detection/firehose/"` */
  prefix: string;
  /** Prefix for failed deliveries; the error type and date are appended. @defaultValue `"fraud-detection/firehose-errors/"` */
  errorPrefix: string;
  /** @defaultValue `14` */
  logRetentionDays: number;
}

/** CloudWatch alarm settings. @public */
export interface AlarmSettings {
  /** @defaultValue `true` */
  enabled: boolean;
  /** SNS topic ARN notified on alarm and OK; unset means alarms only show in the console. */
  topicArn?: string;
  /** Firehose `DeliveryToS3.DataFreshness` threshold in seconds. @defaultValue `900` */
  freshnessSeconds: number;
}

/** Terraform state backend. @public */
export type BackendSettings =
  | {
      /** Local state file (the default). */
      type: "local";
      /** State file path; default `terraform.<environment>.tfstate` in the stack folder. */
      path?: string;
    }
  | {
      /** Remote state in S3 with S3 native locking (`use_lockfile`, Terraform ≥ 1.10 or OpenTofu ≥ 1.10). */
      type: "s3";
      /** Existing state bucket. */
      bucket: string;
      /** Object key; default `<prefix>/<environment>/terraform.tfstate`. */
      key?: string;
      /** Bucket region; default the stack's region. */
      region?: string;
      /** KMS key for the state object; default SSE-S3. */
      kmsKeyId?: string;
    };

/**
 * A fully resolved, validated configuration for one environment (one stack).
 * @public
 */
export interface StackConfig {
  /** Environment name, e.g. `dev`; also the stack's folder under `cdktf.out/stacks/`. */
  environment: string;
  /** Name prefix for every resource: lowercase letters, digits and `-`. @defaultValue `"fraud-detection"` */
  prefix: string;
  /** AWS region. @defaultValue `"us-east-1"` */
  region: string;
  /** Extra tags on every resource (added to `Project`, `Environment`, `ManagedBy`). */
  tags: Record<string, string>;
  /** Directory relative paths are resolved against (the configuration file's). */
  baseDir: string;
  /** See {@link BucketSettings}. */
  buckets: BucketSettings;
  /** See {@link ModelSettings}. */
  model: ModelSettings;
  /** See {@link EndpointSettings}. */
  endpoint: EndpointSettings;
  /** See {@link NotebookSettings}. */
  notebook: NotebookSettings;
  /** See {@link LambdaSettings}. */
  lambda: LambdaSettings;
  /** See {@link ScheduleSettings}. */
  schedule: ScheduleSettings;
  /** See {@link FirehoseSettings}. */
  firehose: FirehoseSettings;
  /** See {@link AlarmSettings}. */
  alarms: AlarmSettings;
  /** See {@link BackendSettings}. @defaultValue `{ type: "local" }` */
  backend: BackendSettings;
}

/** Settings that may be given per environment. @public */
export type EnvironmentOverrides = DeepPartial<Omit<StackConfig, "environment" | "baseDir" | "backend">> & {
  /** Backend for this environment (replaces the top-level one as a whole). */
  backend?: BackendSettings;
};

/**
 * The configuration file's shape (`infra.config.json`): defaults for every environment plus
 * per-environment overrides.
 *
 * @example
 * ```json
 * {
 *   "prefix": "fraud-detection",
 *   "region": "eu-west-1",
 *   "environments": { "dev": { "endpoint": { "mode": "serverless" } }, "prod": { "alarms": { "topicArn": "arn:aws:sns:eu-west-1:123456789012:ops" } } },
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

const DEFAULT_VALUES: Omit<StackConfig, "environment" | "baseDir"> = {
  prefix: "fraud-detection",
  region: "us-east-1",
  tags: {},
  buckets: {
    encryption: "s3",
    forceDestroy: false,
    outputTransitionDays: 30,
    outputTransitionStorageClass: "STANDARD_IA",
    outputExpirationDays: 365,
    artifactNoncurrentDays: 90,
  },
  model: {},
  endpoint: {
    mode: "provisioned",
    instanceType: "ml.m5.large",
    instanceCount: 1,
    serverlessMemoryMb: 2048,
    serverlessMaxConcurrency: 5,
    autoscaling: { enabled: false, minCapacity: 1, maxCapacity: 2, targetInvocationsPerInstance: 200 },
    logRetentionDays: 14,
  },
  notebook: { enabled: false, instanceType: "ml.t3.medium", volumeSizeGb: 5 },
  lambda: {
    zipPath: "../lambda-scorer/dist/lambda/lambda.zip",
    memoryMb: 512,
    timeoutSeconds: 60,
    reservedConcurrency: null,
    logRetentionDays: 14,
    scoringMode: "endpoint",
    batchSize: 10,
    contentType: "text/csv",
    fraudRate: 0.0017,
    logLevel: "INFO",
    functionUrl: { enabled: false, authType: "AWS_IAM", allowOrigins: [] },
  },
  schedule: { enabled: false, expression: "rate(1 minute)" },
  firehose: {
    bufferSeconds: 60,
    bufferMb: 64,
    prefix: "fraud-detection/firehose/",
    errorPrefix: "fraud-detection/firehose-errors/",
    logRetentionDays: 14,
  },
  alarms: { enabled: true, freshnessSeconds: 900 },
  backend: { type: "local" },
};

/** Defaults applied before the file, the environment's overrides and env variables. @public */
export const DEFAULTS: Readonly<Omit<StackConfig, "environment" | "baseDir">> = Object.freeze(DEFAULT_VALUES);

/** Kind of value an environment variable override carries. @public */
export type EnvKind = "string" | "int" | "number" | "bool";

/**
 * Environment variables that override single settings (applied last), as
 * `[variable, dotted field, kind]`. Booleans accept `true|false|1|0`.
 * @public
 */
export const ENV_OVERRIDES: readonly (readonly [string, string, EnvKind])[] = [
  ["FRAUD_INFRA_PREFIX", "prefix", "string"],
  ["FRAUD_INFRA_REGION", "region", "string"],
  ["FRAUD_INFRA_MODEL_DATA_URL", "model.dataUrl", "string"],
  ["FRAUD_INFRA_SAGEMAKER_JSON", "model.sagemakerJson", "string"],
  ["FRAUD_INFRA_IMAGE_URI", "model.imageUri", "string"],
  ["FRAUD_INFRA_MODEL_VERSION", "model.version", "string"],
  ["FRAUD_INFRA_ENDPOINT_MODE", "endpoint.mode", "string"],
  ["FRAUD_INFRA_ENDPOINT_INSTANCE_TYPE", "endpoint.instanceType", "string"],
  ["FRAUD_INFRA_ENDPOINT_INSTANCE_COUNT", "endpoint.instanceCount", "int"],
  ["FRAUD_INFRA_AUTOSCALING", "endpoint.autoscaling.enabled", "bool"],
  ["FRAUD_INFRA_NOTEBOOK", "notebook.enabled", "bool"],
  ["FRAUD_INFRA_LAMBDA_ZIP", "lambda.zipPath", "string"],
  ["FRAUD_INFRA_LAMBDA_MEMORY_MB", "lambda.memoryMb", "int"],
  ["FRAUD_INFRA_SCORING_MODE", "lambda.scoringMode", "string"],
  ["FRAUD_INFRA_FUNCTION_URL", "lambda.functionUrl.enabled", "bool"],
  ["FRAUD_INFRA_SCHEDULE_ENABLED", "schedule.enabled", "bool"],
  ["FRAUD_INFRA_FORCE_DESTROY", "buckets.forceDestroy", "bool"],
  ["FRAUD_INFRA_BUCKET_ENCRYPTION", "buckets.encryption", "string"],
  ["FRAUD_INFRA_ALARMS", "alarms.enabled", "bool"],
  ["FRAUD_INFRA_ALARM_TOPIC_ARN", "alarms.topicArn", "string"],
] as const;

/** The `sagemaker.json` written by `fraud-train sagemaker`. @public */
export interface SageMakerJobInfo {
  /** Training job name. */
  jobName: string;
  /** Training image URI. */
  image: string;
  /** `s3://…/model.tar.gz` of the trained model. */
  modelDataUrl: string;
  /** Region the job ran in. */
  region: string;
}

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) && k !== "backend" ? deepMerge(cur, v) : v;
  }
  return out;
}

function invalid(field: string, message: string): InfraError {
  return new InfraError("CONFIG_INVALID", `invalid configuration: ${field}: ${message}`, { field });
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

/** Reads and validates fields of one object, rejecting unknown keys. */
class Reader {
  constructor(
    private readonly obj: Json,
    private readonly path: string,
  ) {}

  static of(v: unknown, path: string): Reader {
    if (!isPlainObject(v)) throw invalid(path || "(root)", `must be an object (got ${show(v)})`);
    return new Reader(v, path);
  }

  private f(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  only(keys: readonly string[]): this {
    for (const k of Object.keys(this.obj)) {
      if (!keys.includes(k)) throw invalid(this.f(k), `unknown field (known: ${keys.join(", ")})`);
    }
    return this;
  }

  child(key: string): Reader {
    return Reader.of(this.obj[key], this.f(key));
  }

  str(key: string, opts: { pattern?: RegExp; hint?: string; optional?: boolean; nonEmpty?: boolean } = {}): string {
    const v = this.obj[key];
    if (v === undefined && opts.optional) return undefined as unknown as string;
    if (typeof v !== "string") throw invalid(this.f(key), `must be a string (got ${show(v)})`);
    if (opts.nonEmpty !== false && v.length === 0) throw invalid(this.f(key), "must not be empty");
    if (opts.pattern && !opts.pattern.test(v)) throw invalid(this.f(key), `${opts.hint ?? `must match ${opts.pattern}`} (got ${show(v)})`);
    return v;
  }

  optStr(key: string, opts: { pattern?: RegExp; hint?: string } = {}): string | undefined {
    return this.obj[key] === undefined ? undefined : this.str(key, opts);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.obj[key];
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      throw invalid(this.f(key), `must be one of ${values.join(", ")} (got ${show(v)})`);
    }
    return v as T;
  }

  num(key: string, min: number, max: number, integer = true): number {
    const v = this.obj[key];
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      throw invalid(this.f(key), `must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (got ${show(v)})`);
    }
    return v;
  }

  bool(key: string): boolean {
    const v = this.obj[key];
    if (typeof v !== "boolean") throw invalid(this.f(key), `must be true or false (got ${show(v)})`);
    return v;
  }

  strMap(key: string, keyPattern: RegExp, valuePattern: RegExp): Record<string, string> {
    const r = this.child(key);
    const out: Record<string, string> = {};
    for (const k of Object.keys(r.obj)) {
      if (!keyPattern.test(k)) throw invalid(`${this.f(key)}.${k}`, `invalid key`);
      out[k] = r.str(k, { pattern: valuePattern, hint: "has characters AWS rejects", nonEmpty: false });
    }
    return out;
  }

  strList(key: string, pattern: RegExp, hint: string): string[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) throw invalid(this.f(key), `must be a list of strings (got ${show(v)})`);
    return v.map((item, i) => {
      if (typeof item !== "string" || !pattern.test(item)) throw invalid(`${this.f(key)}[${i}]`, `${hint} (got ${show(item)})`);
      return item;
    });
  }
}

/** SageMaker instance types: `ml.<family>.<size>`. */
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal)$/;
const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const PREFIX = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const ENV_NAME = /^[a-z][a-z0-9]{0,7}$/;
const S3_KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]+\/$/;
const IMAGE_URI = /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/;

function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/**
 * Reads the trainer's `sagemaker.json`.
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `CONFIG_INVALID` (field `model.sagemakerJson`).
 * @public
 */
export function readSageMakerJson(path: string): SageMakerJobInfo {
  if (!existsSync(path)) throw new InfraError("CONFIG_NOT_FOUND", `sagemaker.json not found: ${path}`, { field: "model.sagemakerJson" });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InfraError("CONFIG_PARSE", `${path}: not valid JSON: ${(err as Error).message}`, { cause: err, field: "model.sagemakerJson" });
  }
  const r = Reader.of(raw, "model.sagemakerJson");
  return {
    jobName: r.str("jobName"),
    image: r.str("image"),
    modelDataUrl: r.str("modelDataUrl", { pattern: S3_URL, hint: "must be an s3:// URL of model.tar.gz" }),
    region: r.str("region"),
  };
}

/**
 * Merges defaults, a parsed configuration file and one environment's overrides, applies env
 * variable overrides ({@link ENV_OVERRIDES}) and validates the result.
 *
 * @param file - the parsed configuration file (`{}` for defaults only)
 * @param environment - the environment to resolve; must be listed in `file.environments` when that is given
 * @param options - `env` (default `process.env`) and `baseDir` for relative paths (default the working directory)
 * @throws {@link InfraError} `CONFIG_INVALID` naming the field, e.g. `invalid configuration: region: unknown region "mars-1" …`
 * @public
 */
export function resolveConfig(
  file: InfraConfigFile,
  environment: string,
  options: { env?: NodeJS.ProcessEnv; baseDir?: string } = {},
): StackConfig {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  if (!isPlainObject(file)) throw invalid("(root)", `must be an object (got ${show(file)})`);
  const { environments, $schema: _schema, ...top } = file as Json;
  if (!ENV_NAME.test(environment)) throw invalid("environments", `environment name must be 1-8 lowercase letters/digits starting with a letter (got ${show(environment)})`);
  let overrides: Json = {};
  if (environments !== undefined) {
    const envs = Reader.of(environments, "environments");
    const names = Object.keys(environments as Json);
    if (!names.includes(environment)) throw invalid("environments", `no environment ${show(environment)} (known: ${names.join(", ") || "none"})`);
    overrides = envs.child(environment) ? ((environments as Json)[environment] as Json) : {};
  }
  let merged = deepMerge(deepMerge(DEFAULTS as unknown as Json, top), overrides);
  for (const [name, field, kind] of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    let value: unknown = raw;
    if (kind === "bool") {
      if (!/^(true|false|1|0)$/i.test(raw)) throw invalid(field, `${name} must be true, false, 1 or 0 (got ${show(raw)})`);
      value = /^(true|1)$/i.test(raw);
    } else if (kind === "int" || kind === "number") {
      value = Number(raw);
      if (raw.trim() === "" || Number.isNaN(value)) throw invalid(field, `${name} must be a number (got ${show(raw)})`);
    }
    const patch: Json = {};
    let cur = patch;
    const parts = field.split(".");
    parts.forEach((p, i) => {
      if (i === parts.length - 1) cur[p] = value;
      else cur = cur[p] = {} as Json;
    });
    merged = deepMerge(merged, patch);
  }
  return validate(merged, environment, baseDir);
}

function validate(raw: Json, environment: string, baseDir: string): StackConfig {
  const r = Reader.of(raw, "").only(["prefix", "region", "tags", "buckets", "model", "endpoint", "notebook", "lambda", "schedule", "firehose", "alarms", "backend"]);
  const prefix = r.str("prefix", { pattern: PREFIX, hint: "must be lowercase letters, digits and '-', starting with a letter" });
  if (`${prefix}-${environment}`.length > 26) throw invalid("prefix", `"${prefix}-${environment}" is longer than 26 characters, too long for bucket and role names`);

  // Model first: the region check depends on a custom image.
  const m = r.child("model").only(["dataUrl", "sagemakerJson", "imageUri", "version"]);
  const model: ModelSettings = {};
  const dataUrl = m.optStr("dataUrl", { pattern: S3_URL, hint: "must be an s3:// URL such as s3://bucket/models/model.tar.gz" });
  const sagemakerJson = m.optStr("sagemakerJson");
  const imageUri = m.optStr("imageUri", { pattern: IMAGE_URI, hint: "must be an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>" });
  const version = m.optStr("version", { pattern: /^[\w.:-]{1,128}$/, hint: "must be 1-128 letters, digits, '.', ':', '_' or '-'" });

  const region = r.str("region");
  const known = Object.hasOwn(LINEAR_LEARNER_REGISTRIES, region);
  if (!known && !(imageUri !== undefined && REGION_PATTERN.test(region))) {
    throw invalid("region", `unknown region ${show(region)}: Linear Learner is published in ${Object.keys(LINEAR_LEARNER_REGISTRIES).join(", ")} (set model.imageUri for others)`);
  }

  let job: SageMakerJobInfo | undefined;
  if (sagemakerJson !== undefined) {
    const path = resolvePath(baseDir, sagemakerJson);
    job = readSageMakerJson(path);
    if (job.region !== region) throw invalid("model.sagemakerJson", `the training job ran in ${job.region} but the stack's region is ${region}`);
    model.sagemakerJson = path;
  }
  if (dataUrl !== undefined) model.dataUrl = dataUrl;
  else if (job) model.dataUrl = job.modelDataUrl;
  model.imageUri = imageUri ?? job?.image ?? linearLearnerImage(region);
  const ver = version ?? job?.jobName;
  if (ver !== undefined) model.version = ver;

  const b = r.child("buckets").only(["encryption", "forceDestroy", "outputTransitionDays", "outputTransitionStorageClass", "outputExpirationDays", "artifactNoncurrentDays"]);
  const buckets: BucketSettings = {
    encryption: b.oneOf("encryption", ["s3", "kms"] as const),
    forceDestroy: b.bool("forceDestroy"),
    outputTransitionDays: b.num("outputTransitionDays", 0, 36500),
    outputTransitionStorageClass: b.oneOf("outputTransitionStorageClass", ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const),
    outputExpirationDays: b.num("outputExpirationDays", 0, 36500),
    artifactNoncurrentDays: b.num("artifactNoncurrentDays", 1, 36500),
  };
  if (["STANDARD_IA", "ONEZONE_IA"].includes(buckets.outputTransitionStorageClass) && buckets.outputTransitionDays > 0 && buckets.outputTransitionDays < 30) {
    throw invalid("buckets.outputTransitionDays", `S3 needs at least 30 days before ${buckets.outputTransitionStorageClass} (got ${buckets.outputTransitionDays})`);
  }
  if (buckets.outputExpirationDays > 0 && buckets.outputTransitionDays > 0 && buckets.outputExpirationDays <= buckets.outputTransitionDays) {
    throw invalid("buckets.outputExpirationDays", `must be later than outputTransitionDays (${buckets.outputTransitionDays}) (got ${buckets.outputExpirationDays})`);
  }

  const e = r.child("endpoint").only(["mode", "instanceType", "instanceCount", "serverlessMemoryMb", "serverlessMaxConcurrency", "autoscaling", "logRetentionDays"]);
  const a = e.child("autoscaling").only(["enabled", "minCapacity", "maxCapacity", "targetInvocationsPerInstance"]);
  const endpoint: EndpointSettings = {
    mode: e.oneOf("mode", ["provisioned", "serverless"] as const),
    instanceType: e.str("instanceType", { pattern: INSTANCE_TYPE_PATTERN, hint: "must be a SageMaker instance type such as ml.m5.large" }),
    instanceCount: e.num("instanceCount", 1, 10),
    serverlessMemoryMb: e.num("serverlessMemoryMb", 1024, 6144),
    serverlessMaxConcurrency: e.num("serverlessMaxConcurrency", 1, 200),
    autoscaling: {
      enabled: a.bool("enabled"),
      minCapacity: a.num("minCapacity", 1, 100),
      maxCapacity: a.num("maxCapacity", 1, 100),
      targetInvocationsPerInstance: a.num("targetInvocationsPerInstance", 1, 100000, false),
    },
    logRetentionDays: e.num("logRetentionDays", 1, 3653),
  };
  if (endpoint.serverlessMemoryMb % 1024 !== 0) throw invalid("endpoint.serverlessMemoryMb", `must be a multiple of 1024 (got ${endpoint.serverlessMemoryMb})`);
  if (endpoint.autoscaling.maxCapacity < endpoint.autoscaling.minCapacity) throw invalid("endpoint.autoscaling.maxCapacity", `must be at least minCapacity (${endpoint.autoscaling.minCapacity}) (got ${endpoint.autoscaling.maxCapacity})`);
  if (endpoint.autoscaling.enabled && endpoint.mode === "serverless") throw invalid("endpoint.autoscaling.enabled", "auto scaling applies to provisioned endpoints only (serverless scales by itself)");

  const n = r.child("notebook").only(["enabled", "instanceType", "volumeSizeGb"]);
  const notebook: NotebookSettings = {
    enabled: n.bool("enabled"),
    instanceType: n.str("instanceType", { pattern: INSTANCE_TYPE_PATTERN, hint: "must be a SageMaker instance type such as ml.t3.medium" }),
    volumeSizeGb: n.num("volumeSizeGb", 5, 16384),
  };

  const l = r.child("lambda").only(["zipPath", "memoryMb", "timeoutSeconds", "reservedConcurrency", "logRetentionDays", "scoringMode", "batchSize", "contentType", "fraudRate", "logLevel", "functionUrl"]);
  const u = l.child("functionUrl").only(["enabled", "authType", "allowOrigins"]);
  const lambda: LambdaSettings = {
    zipPath: resolvePath(baseDir, l.str("zipPath")),
    memoryMb: l.num("memoryMb", 128, 10240),
    timeoutSeconds: l.num("timeoutSeconds", 1, 900),
    reservedConcurrency: raw["lambda"] && (raw["lambda"] as Json)["reservedConcurrency"] === null ? null : l.num("reservedConcurrency", 0, 10000),
    logRetentionDays: l.num("logRetentionDays", 1, 3653),
    scoringMode: l.oneOf("scoringMode", ["endpoint", "embedded"] as const),
    batchSize: l.num("batchSize", 1, 500),
    contentType: l.oneOf("contentType", ["text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"] as const),
    fraudRate: l.num("fraudRate", 0, 1, false),
    logLevel: l.oneOf("logLevel", ["DEBUG", "INFO", "WARN", "ERROR"] as const),
    functionUrl: {
      enabled: u.bool("enabled"),
      authType: u.oneOf("authType", ["AWS_IAM", "NONE"] as const),
      allowOrigins: u.strList("allowOrigins", /^https?:\/\/[^*\s/]+$/, "must be an origin such as https://example.com (no wildcards)"),
    },
  };

  const s = r.child("schedule").only(["enabled", "expression"]);
  const schedule: ScheduleSettings = {
    enabled: s.bool("enabled"),
    expression: s.str("expression", { pattern: /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, hint: "must be rate(N unit) or cron(...)" }),
  };

  const f = r.child("firehose").only(["bufferSeconds", "bufferMb", "prefix", "errorPrefix", "logRetentionDays"]);
  const firehose: FirehoseSettings = {
    bufferSeconds: f.num("bufferSeconds", 0, 900),
    bufferMb: f.num("bufferMb", 1, 128),
    prefix: f.str("prefix", { pattern: S3_KEY_PREFIX, hint: "must be a non-empty S3 key prefix ending with '/' and without expressions" }),
    errorPrefix: f.str("errorPrefix", { pattern: S3_KEY_PREFIX, hint: "must be a non-empty S3 key prefix ending with '/' and without expressions" }),
    logRetentionDays: f.num("logRetentionDays", 1, 3653),
  };
  if (firehose.errorPrefix.startsWith(firehose.prefix)) throw invalid("firehose.errorPrefix", `must not lie under firehose.prefix ${show(firehose.prefix)} (got ${show(firehose.errorPrefix)})`);

  const al = r.child("alarms").only(["enabled", "topicArn", "freshnessSeconds"]);
  const alarms: AlarmSettings = { enabled: al.bool("enabled"), freshnessSeconds: al.num("freshnessSeconds", 60, 86400) };
  const topicArn = al.optStr("topicArn", { pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, hint: "must be an SNS topic ARN" });
  if (topicArn !== undefined) alarms.topicArn = topicArn;

  const bk = r.child("backend");
  const type = bk.oneOf("type", ["local", "s3"] as const);
  let backend: BackendSettings;
  if (type === "local") {
    bk.only(["type", "path"]);
    const path = bk.optStr("path");
    backend = path === undefined ? { type } : { type, path: resolvePath(baseDir, path) };
  } else {
    bk.only(["type", "bucket", "key", "region", "kmsKeyId"]);
    backend = {
      type,
      bucket: bk.str("bucket", { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: "must be an S3 bucket name" }),
      key: bk.optStr("key", { pattern: /^[^/].*[^/]$/, hint: "must be an object key" }) ?? `${prefix}/${environment}/terraform.tfstate`,
      region: bk.optStr("region", { pattern: REGION_PATTERN, hint: "must be an AWS region" }) ?? region,
    };
    const kms = bk.optStr("kmsKeyId");
    if (kms !== undefined) backend.kmsKeyId = kms;
  }

  return {
    environment,
    prefix,
    region,
    tags: r.strMap("tags", TAG_KEY, TAG_VALUE),
    baseDir,
    buckets,
    model,
    endpoint,
    notebook,
    lambda,
    schedule,
    firehose,
    alarms,
    backend,
  };
}

/** Where {@link loadConfig} reads from. @public */
export interface LoadConfigOptions {
  /** Configuration file; default env `FRAUD_INFRA_CONFIG`, else `infra.config.json` in `cwd` when it exists. */
  file?: string;
  /** Environments to resolve; default env `FRAUD_INFRA_ENV` (comma-separated), else every environment in the file (or `dev`). */
  environments?: string[];
  /** Environment variables; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
}

/**
 * Reads the configuration file and resolves one {@link StackConfig} per environment.
 *
 * @example
 * ```ts
 * const [dev] = loadConfig({ file: "infra.config.json", environments: ["dev"] });
 * ```
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `CONFIG_INVALID`.
 * @public
 */
export function loadConfig(options: LoadConfigOptions = {}): StackConfig[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env["FRAUD_INFRA_CONFIG"];
  const file = resolve(cwd, explicit ?? "infra.config.json");
  let parsed: InfraConfigFile = {};
  if (existsSync(file)) {
    try {
      parsed = JSON.parse(readFileSync(file, "utf8")) as InfraConfigFile;
    } catch (err) {
      throw new InfraError("CONFIG_PARSE", `${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  } else if (explicit !== undefined) {
    throw new InfraError("CONFIG_NOT_FOUND", `configuration file not found: ${file}`);
  }
  const baseDir = existsSync(file) ? dirname(file) : cwd;
  const fromEnv = env["FRAUD_INFRA_ENV"]?.split(",").map((s) => s.trim()).filter(Boolean);
  const names = options.environments ?? (fromEnv && fromEnv.length > 0 ? fromEnv : isPlainObject(parsed.environments) ? Object.keys(parsed.environments) : ["dev"]);
  if (names.length === 0) throw invalid("environments", "must name at least one environment");
  return names.map((name) => resolveConfig(parsed, name, { env, baseDir }));
}
