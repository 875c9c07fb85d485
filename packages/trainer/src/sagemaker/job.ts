import { TrainingInstanceType } from "@aws-sdk/client-sagemaker";
import type { CreateTrainingJobRequest, Channel, Tag } from "@aws-sdk/client-sagemaker";
import { ALGORITHMS, algorithmImage, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { withTrainingDefaults } from "../defaults.js";
import { parseHyperparameters } from "../hyperparameters.js";
import { parseRcfHyperparameters } from "../models/randomcutforest/hyperparameters.js";
import { parseXGBoostHyperparameters } from "../models/xgboost/hyperparameters.js";
import { SageMakerError, asSageMakerErrors, invalid } from "../aws/errors.js";
import { parseRoleArn, validateSageMakerName } from "../aws/names.js";
import { formatS3Uri, keyPrefix, validateBucketName } from "../aws/s3.js";
import { quote } from "../text.js";
import { CHANNEL_CONTENT_TYPES, TEXT_CSV, TRAINING_JOB_DEFAULTS } from "./defaults.js";

export { CHANNEL_CONTENT_TYPES, RECORDIO_PROTOBUF, TEXT_CSV, TRAINING_JOB_DEFAULTS } from "./defaults.js";

/** The data channels any job may have, in upload order. */
export const CHANNELS: readonly ChannelName[] = ["train", "validation", "test"];

/** A data channel of a training job. @public */
export type ChannelName = "train" | "validation" | "test";

/**
 * How a channel's objects are written: RecordIO-protobuf with a float32 label per record,
 * RecordIO-protobuf without labels (Random Cut Forest's train channel), or CSV with the label
 * first and no header (XGBoost). @public
 */
export type ChannelFormat = "recordio" | "recordio-unlabelled" | "csv";

/** One data channel of a planned job: which split feeds it and how it is written. @public */
export interface ChannelPlan {
  /** Channel name (also the split it is made from). */
  name: ChannelName;
  /** How its objects are encoded. */
  format: ChannelFormat;
  /** Its `ContentType`. */
  contentType: string;
  /** Its `S3DataDistributionType`. */
  distribution: "FullyReplicated" | "ShardedByS3Key";
}

/** Longest run SageMaker accepts for `MaxRuntimeInSeconds` and `MaxWaitTimeInSeconds` (28 days). */
export const MAX_RUNTIME_SECONDS = 28 * 24 * 3600;

/**
 * Everything that defines a training job, before validation.
 * @public
 */
export interface TrainingJobSettings {
  /** The built-in algorithm, as SageMaker names it. @defaultValue "linear-learner" */
  algorithm?: Algorithm;
  /** Training job name: 1–63 letters, digits and hyphens, starting and ending with a letter or digit. */
  jobName: string;
  /** Region of the job; picks the algorithm's image. */
  region: string;
  /** IAM role SageMaker assumes (`arn:<partition>:iam::<account>:role/<name>`). */
  roleArn: string;
  /** Bucket holding the data channels, checkpoints and model output (the stack's `artifactBucket`). */
  bucket: string;
  /** Key prefix of the data channels: `<dataPrefix><jobName>/<channel>/`. @defaultValue "fraud-detection/data/" */
  dataPrefix?: string;
  /** Key prefix of the output: `<modelPrefix><jobName>/output/model.tar.gz` and `…/checkpoints/`. @defaultValue "fraud-detection/models/" */
  modelPrefix?: string;
  /** @defaultValue "ml.m5.large" */
  instanceType?: string;
  /** Instances; above 1 the train channel is sharded by S3 key, one object per instance. @defaultValue 1 */
  instanceCount?: number;
  /** ML storage volume per instance, GB. @defaultValue 30 */
  volumeSizeGb?: number;
  /** `StoppingCondition.MaxRuntimeInSeconds`. @defaultValue 86400 */
  maxRuntimeSeconds?: number;
  /** Managed spot training, with checkpoints under the job's prefix. @defaultValue false */
  spot?: boolean;
  /** Spot only: `MaxWaitTimeInSeconds` (≥ the runtime). @defaultValue twice the runtime, at most 28 days */
  maxWaitSeconds?: number;
  /**
   * The algorithm's hyperparameters as given by the user (`--hp key=value`, SageMaker names),
   * laid over `TRAINING_DEFAULTS` and validated by the algorithm's training plug-in.
   */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Number of features of the data (Linear Learner and Random Cut Forest receive it as `feature_dim`). */
  featureDim: number;
  /**
   * Content type of the data channels: XGBoost takes `text/csv` (label first, no header) or
   * `application/x-recordio-protobuf`; the others RecordIO-protobuf only.
   * @defaultValue `text/csv` for XGBoost, `application/x-recordio-protobuf` for the others
   */
  contentType?: string;
  /**
   * Random Cut Forest only: add a labelled `test` channel, so that SageMaker reports its own
   * metrics of the anomaly score against the labels. @defaultValue true
   */
  testChannel?: boolean;
  /** Tags of the training job. */
  tags?: Readonly<Record<string, string>>;
}

/** Where a job's objects live in S3. @public */
export interface JobLayout {
  /** Bucket. */
  bucket: string;
  /** Key prefix of the job's data channels: `<dataPrefix><jobName>/`. */
  jobPrefix: string;
  /** Object keys of each of the job's channels (the train channel has one key per instance). */
  keys: Partial<Record<ChannelName, string[]>>;
  /** `s3://` prefix of each of the job's channels. */
  channelUris: Partial<Record<ChannelName, string>>;
  /** `OutputDataConfig.S3OutputPath` (`s3://<bucket>/<modelPrefix>` without its slash); the model lands at `<outputPath>/<jobName>/output/model.tar.gz`. */
  outputPath: string;
  /** Checkpoint location of spot jobs. */
  checkpointUri: string;
  /** Where SageMaker writes the model artifact. */
  modelDataUrl: string;
}

function intIn(name: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) invalid(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

const TRAINING_TYPES: ReadonlySet<string> = new Set(Object.values(TrainingInstanceType).filter((t) => !t.startsWith("ml.trn")));

/** Accelerated families: Random Cut Forest trains on CPU instances only. */
const GPU_FAMILY = /^ml\.(p\d|g\d|inf\d)/;

const TITLES: Readonly<Record<Algorithm, string>> = { "linear-learner": "Linear Learner", xgboost: "XGBoost", randomcutforest: "Random Cut Forest" };

/**
 * Checks that SageMaker offers an instance type for training the algorithm (CPU and GPU families;
 * the Trainium families run none of the built-in algorithms, and Random Cut Forest runs on CPU
 * instances only).
 * @throws {@link SageMakerError} `BAD_INSTANCE_TYPE`.
 */
export function validateInstanceType(type: string, algorithm: Algorithm = "linear-learner"): string {
  const title = TITLES[algorithm];
  if (!TRAINING_TYPES.has(type)) {
    const family = /^ml\.([a-z0-9-]+)\./.exec(type)?.[1];
    const near = [...TRAINING_TYPES].filter((t) => family !== undefined && t.startsWith(`ml.${family}.`)).sort();
    const hint = near.length > 0 ? `; ${family} sizes: ${near.join(", ")}` : "; e.g. ml.m5.large, ml.c5.xlarge, ml.m5.4xlarge";
    throw new SageMakerError("BAD_INSTANCE_TYPE", `SageMaker does not offer ${quote(type)} for ${title} training${hint}`);
  }
  if (algorithm === "randomcutforest" && GPU_FAMILY.test(type)) {
    throw new SageMakerError("BAD_INSTANCE_TYPE", `Random Cut Forest trains on CPU instances only, not ${quote(type)}; e.g. ml.m5.large, ml.c5.xlarge`);
  }
  return type;
}

function validateTags(tags: Readonly<Record<string, string>>): Tag[] {
  const entries = Object.entries(tags);
  if (entries.length > 50) invalid(`at most 50 tags, got ${entries.length}`);
  return entries.map(([Key, Value]) => {
    if (Key.length < 1 || Key.length > 128 || Key.toLowerCase().startsWith("aws:")) invalid(`invalid tag key ${quote(Key)}: 1-128 characters, not starting with aws:`);
    if (Value.length > 256) invalid(`tag ${quote(Key)}: value longer than 256 characters`);
    return { Key, Value };
  });
}

/** `feature_dim` given by the user must be the data's (or `auto`). */
function checkFeatureDim(raw: Record<string, string>, featureDim: number): void {
  if (raw.feature_dim !== undefined && raw.feature_dim !== "auto" && Number(raw.feature_dim) !== featureDim) {
    invalid(`feature_dim=${raw.feature_dim.slice(0, 80)} does not match the data's ${featureDim} features`);
  }
}

function sorted(all: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) out[k] = all[k]!;
  return out;
}

/**
 * Validates user hyperparameters for a SageMaker Linear Learner binary classifier with the local
 * trainer's rules (names, ranges), lays them over `TRAINING_DEFAULTS["linear-learner"]`, and
 * returns them as SageMaker wants them: strings, with `feature_dim` and `predictor_type` filled
 * in, keys sorted.
 *
 * `loss=hinge_loss`, valid on SageMaker for binary classifiers though not trained locally, is accepted.
 * @throws `TrainError` `INVALID_ARGUMENT` (unknown name or bad value); {@link SageMakerError}
 * `INVALID_ARGUMENT` when `feature_dim` or `predictor_type` contradicts the data.
 */
export function sagemakerHyperparameters(input: Readonly<Record<string, string | number | boolean>>, featureDim: number): Record<string, string> {
  const given = withTrainingDefaults("linear-learner", {});
  for (const [k, v] of Object.entries(input)) given[k] = String(v).trim();
  if (given.predictor_type !== "binary_classifier") {
    invalid(`predictor_type=${given.predictor_type!.slice(0, 80)}: fraud detection trains a binary_classifier`);
  }
  const { loss, ...rest } = given;
  parseHyperparameters(loss === "hinge_loss" ? rest : given);
  checkFeatureDim(given, featureDim);
  return sorted({ ...given, feature_dim: String(featureDim) });
}

/**
 * Validates user hyperparameters of a SageMaker XGBoost 1.7-1 job with the XGBoost training
 * plug-in's parser, laid over `TRAINING_DEFAULTS.xgboost` (so `num_round`, which SageMaker
 * requires, is always sent), as strings with keys sorted.
 * @throws `TrainError` `INVALID_ARGUMENT` naming the hyperparameter and its value.
 */
export function xgboostHyperparameters(input: Readonly<Record<string, string | number | boolean>>): Record<string, string> {
  const all = withTrainingDefaults("xgboost", input);
  parseXGBoostHyperparameters(all);
  return all;
}

/**
 * Validates user hyperparameters of a SageMaker Random Cut Forest job with the RCF training
 * plug-in's parser, laid over `TRAINING_DEFAULTS.randomcutforest`, with `feature_dim` set from
 * the data and `eval_metrics` written as the SageMaker Python SDK writes a list (JSON).
 * @throws `TrainError` `INVALID_ARGUMENT`; {@link SageMakerError} `INVALID_ARGUMENT` when
 *   `feature_dim` contradicts the data.
 */
export function rcfHyperparameters(input: Readonly<Record<string, string | number | boolean>>, featureDim: number): Record<string, string> {
  const all = withTrainingDefaults("randomcutforest", input);
  checkFeatureDim(all, featureDim);
  const parsed = parseRcfHyperparameters({ ...all, feature_dim: String(featureDim) });
  const out: Record<string, string> = { ...all, feature_dim: String(featureDim) };
  if (all.eval_metrics !== undefined) out.eval_metrics = `[${parsed.eval_metrics.map((m) => JSON.stringify(m)).join(", ")}]`;
  return sorted(out);
}

/**
 * The `HyperParameters` of a job of any algorithm: the user's values over `TRAINING_DEFAULTS`,
 * validated by the algorithm's training plug-in, as strings, keys sorted.
 * @throws `TrainError` or {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export function jobHyperparameters(algorithm: Algorithm, input: Readonly<Record<string, string | number | boolean>>, featureDim: number): Record<string, string> {
  if (algorithm === "xgboost") return xgboostHyperparameters(input);
  if (algorithm === "randomcutforest") return rcfHyperparameters(input, featureDim);
  return sagemakerHyperparameters(input, featureDim);
}

/**
 * The channels of a job: Linear Learner `train`/`validation`/`test` in RecordIO-protobuf; XGBoost
 * `train`/`validation` in the content type asked; Random Cut Forest an unlabelled `train`
 * channel, always `ShardedByS3Key`, and optionally a labelled `test` channel. Above one instance,
 * the train channel is sharded by S3 key.
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` for a content type or test channel the algorithm does not take.
 */
export function channelPlans(algorithm: Algorithm, options: { contentType?: string | undefined; testChannel?: boolean | undefined; instanceCount: number }): ChannelPlan[] {
  const types = CHANNEL_CONTENT_TYPES[algorithm];
  const contentType = options.contentType ?? types[0]!;
  if (!types.includes(contentType)) invalid(`${algorithm} trains on SageMaker from ${types.join(" or ")}, not ${quote(contentType)}`);
  if (options.testChannel !== undefined && algorithm !== "randomcutforest") invalid(`a test channel option applies to randomcutforest only, not ${algorithm}`);
  const format: ChannelFormat = contentType === TEXT_CSV ? "csv" : "recordio";
  const sharded = options.instanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated";
  const ch = (name: ChannelName, f: ChannelFormat, distribution: ChannelPlan["distribution"]): ChannelPlan => ({ name, format: f, contentType, distribution });
  if (algorithm === "xgboost") return [ch("train", format, sharded), ch("validation", format, "FullyReplicated")];
  if (algorithm === "randomcutforest") {
    // RCF's train channel must be ShardedByS3Key (SageMaker's RCF documentation), labels unused.
    return [ch("train", "recordio-unlabelled", "ShardedByS3Key"), ...(options.testChannel ?? true ? [ch("test", "recordio", "FullyReplicated")] : [])];
  }
  return [ch("train", format, sharded), ch("validation", format, "FullyReplicated"), ch("test", format, "FullyReplicated")];
}

/**
 * The built-in image of an algorithm in a region (`algorithmImage` of `@fraud/contracts`; XGBoost 1.7-1).
 * @throws {@link SageMakerError} `UNKNOWN_REGION`, listing the regions where the image is published.
 */
export const trainingImage: (algorithm: Algorithm, region: string) => string = asSageMakerErrors((algorithm: Algorithm, region: string) => algorithmImage(algorithm, region));

/**
 * Checks an algorithm name (`ALGORITHMS` of `@fraud/contracts`).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export function validateAlgorithm(algorithm: string): Algorithm {
  if (!isAlgorithm(algorithm)) invalid(`unknown algorithm ${quote(String(algorithm))}; use one of ${ALGORITHMS.join(", ")}`);
  return algorithm as Algorithm;
}

/** Object key of one channel part. */
function partKey(jobPrefix: string, channel: ChannelName, part: number, extension: string): string {
  return `${jobPrefix}${channel}/part-${String(part).padStart(5, "0")}.${extension}`;
}

/** Where a job's objects go. */
export interface LayoutSettings {
  /** Bucket. */
  bucket: string;
  /** Key prefix of the data channels (`""` or ending with `/`). */
  dataPrefix: string;
  /** Key prefix of the output (`""` or ending with `/`). */
  modelPrefix: string;
  /** Training job name. */
  jobName: string;
  /** Objects of the train channel (one per instance). @defaultValue 1 */
  trainShards?: number;
  /** The job's channels. @defaultValue Linear Learner's train, validation and test in RecordIO-protobuf */
  channels?: readonly ChannelPlan[];
}

/**
 * Where a job's data, checkpoints and model go:
 * `s3://<bucket>/<dataPrefix><jobName>/<channel>/part-NNNNN.recordio` (`.csv` for CSV channels),
 * output under `s3://<bucket>/<modelPrefix>` (the model at
 * `<modelPrefix><jobName>/output/model.tar.gz`), checkpoints under `<modelPrefix><jobName>/checkpoints/`.
 */
export function jobLayout(settings: LayoutSettings): JobLayout {
  const { bucket, jobName } = settings;
  const data = keyPrefix(settings.dataPrefix);
  const models = keyPrefix(settings.modelPrefix);
  const jobPrefix = `${data}${jobName}/`;
  const shards = settings.trainShards ?? 1;
  const channels = settings.channels ?? channelPlans("linear-learner", { instanceCount: shards });
  const uri = (key: string): string => formatS3Uri({ bucket, key });
  const keys: Partial<Record<ChannelName, string[]>> = {};
  const channelUris: Partial<Record<ChannelName, string>> = {};
  for (const c of channels) {
    const extension = c.format === "csv" ? "csv" : "recordio";
    keys[c.name] = Array.from({ length: c.name === "train" ? shards : 1 }, (_, i) => partKey(jobPrefix, c.name, i, extension));
    channelUris[c.name] = uri(`${jobPrefix}${c.name}/`);
  }
  return {
    bucket,
    jobPrefix,
    keys,
    channelUris,
    outputPath: uri(models.replace(/\/$/, "")),
    checkpointUri: uri(`${models}${jobName}/checkpoints/`),
    modelDataUrl: uri(`${models}${jobName}/output/model.tar.gz`),
  };
}

/** A validated job: its S3 layout and the exact `CreateTrainingJob` input. @public */
export interface TrainingJobPlan {
  /** The algorithm. */
  algorithm: Algorithm;
  /** Where everything goes. */
  layout: JobLayout;
  /** The job's channels, in upload order. */
  channels: ChannelPlan[];
  /** The algorithm's image in the region. */
  image: string;
  /** The request sent to `CreateTrainingJob`. */
  request: CreateTrainingJobRequest;
}

/**
 * Validates the settings and builds the `CreateTrainingJob` request: the region's built-in image
 * of the algorithm, its channels (Linear Learner: train, validation, test; XGBoost: train, validation; Random Cut Forest: unlabelled train and an optional labelled test), string hyperparameters (the user's over
 * `TRAINING_DEFAULTS`, validated by the algorithm's training plug-in), stopping condition,
 * optional managed spot training with checkpoints, output under the prefix, tags. The built-in
 * algorithms publish their own metrics, so the request has no metric definitions. Pure: no AWS call.
 *
 * @example
 * ```ts
 * const { request } = planTrainingJob({ jobName: "fraud-1", region: "eu-west-1", roleArn, bucket: "b", featureDim: 30 });
 * request.AlgorithmSpecification?.TrainingImage; // the region's linear-learner:1 image (algorithmImage of @fraud/contracts)
 * planTrainingJob({ algorithm: "xgboost", jobName: "fraud-2", region: "eu-west-1", roleArn, bucket: "b", featureDim: 30 }).request.HyperParameters?.num_round; // "100"
 * ```
 * @throws {@link SageMakerError} (`INVALID_ARGUMENT`, `UNKNOWN_REGION`, `BAD_ROLE_ARN`, `BAD_INSTANCE_TYPE`) or
 * `TrainError` `INVALID_ARGUMENT`.
 * @public
 */
export function planTrainingJob(settings: TrainingJobSettings): TrainingJobPlan {
  const algorithm = validateAlgorithm(settings.algorithm ?? "linear-learner");
  const jobName = validateSageMakerName("trainingJob", settings.jobName);
  const image = trainingImage(algorithm, settings.region);
  const roleArn = settings.roleArn;
  parseRoleArn(roleArn, settings.region);
  const bucket = validateBucketName(settings.bucket);
  const instanceType = validateInstanceType(settings.instanceType ?? TRAINING_JOB_DEFAULTS.instanceType, algorithm);
  const instanceCount = intIn("instance count", settings.instanceCount ?? TRAINING_JOB_DEFAULTS.instanceCount, 1, 100);
  const volumeSizeGb = intIn("volume size (GB)", settings.volumeSizeGb ?? TRAINING_JOB_DEFAULTS.volumeSizeGb, 1, 16384);
  const maxRuntime = intIn("max runtime (seconds)", settings.maxRuntimeSeconds ?? TRAINING_JOB_DEFAULTS.maxRuntimeSeconds, 1, MAX_RUNTIME_SECONDS);
  const featureDim = intIn("feature count", settings.featureDim, 1, 10_000_000);
  const spot = settings.spot ?? false;
  if (!spot && settings.maxWaitSeconds !== undefined) invalid("a max wait time applies to spot training only (add --spot)");
  const maxWait = spot ? intIn("max wait (seconds)", settings.maxWaitSeconds ?? Math.min(2 * maxRuntime, MAX_RUNTIME_SECONDS), maxRuntime, MAX_RUNTIME_SECONDS) : undefined;
  const channels = channelPlans(algorithm, { contentType: settings.contentType, testChannel: settings.testChannel, instanceCount });
  const hyperParameters = jobHyperparameters(algorithm, settings.hyperparameters ?? {}, featureDim);
  const tags = validateTags(settings.tags ?? {});
  const layout = jobLayout({
    bucket,
    dataPrefix: settings.dataPrefix ?? TRAINING_JOB_DEFAULTS.dataPrefix,
    modelPrefix: settings.modelPrefix ?? TRAINING_JOB_DEFAULTS.modelPrefix,
    jobName,
    trainShards: instanceCount,
    channels,
  });

  const channel = (c: ChannelPlan): Channel => ({
    ChannelName: c.name,
    DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: layout.channelUris[c.name]!, S3DataDistributionType: c.distribution } },
    ContentType: c.contentType,
    CompressionType: "None",
  });
  const request: CreateTrainingJobRequest = {
    TrainingJobName: jobName,
    AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: "File" },
    RoleArn: roleArn,
    HyperParameters: hyperParameters,
    InputDataConfig: channels.map(channel),
    OutputDataConfig: { S3OutputPath: layout.outputPath },
    ResourceConfig: { InstanceType: instanceType as TrainingInstanceType, InstanceCount: instanceCount, VolumeSizeInGB: volumeSizeGb },
    StoppingCondition: maxWait === undefined ? { MaxRuntimeInSeconds: maxRuntime } : { MaxRuntimeInSeconds: maxRuntime, MaxWaitTimeInSeconds: maxWait },
    ...(spot ? { EnableManagedSpotTraining: true, CheckpointConfig: { S3Uri: layout.checkpointUri } } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
  return { algorithm, layout, channels, image, request };
}
