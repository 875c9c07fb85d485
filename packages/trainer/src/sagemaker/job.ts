import { TrainingInstanceType } from "@aws-sdk/client-sagemaker";
import type { CreateTrainingJobRequest, Channel, Tag } from "@aws-sdk/client-sagemaker";
import { parseHyperparameters } from "../hyperparameters.js";
import { SageMakerError, invalid } from "../aws/errors.js";
import { linearLearnerImage } from "../aws/images.js";
import { parseRoleArn, validateSageMakerName } from "../aws/names.js";
import { formatS3Uri, keyPrefix, validateBucketName } from "../aws/s3.js";
import { quote } from "../text.js";
import { TRAINING_JOB_DEFAULTS } from "./defaults.js";

export { TRAINING_JOB_DEFAULTS } from "./defaults.js";

/** Content type of every channel: what `@fraud/recordio` writes. */
export const RECORDIO_PROTOBUF = "application/x-recordio-protobuf";

/** The three data channels of a Linear Learner job, in upload order. */
export const CHANNELS: readonly ChannelName[] = ["train", "validation", "test"];

/** A Linear Learner data channel. @public */
export type ChannelName = "train" | "validation" | "test";

/** Longest run SageMaker accepts for `MaxRuntimeInSeconds` and `MaxWaitTimeInSeconds` (28 days). */
export const MAX_RUNTIME_SECONDS = 28 * 24 * 3600;


/**
 * Everything that defines a Linear Learner training job, before validation.
 * @public
 */
export interface TrainingJobSettings {
  /** Training job name: 1–63 letters, digits and hyphens, starting and ending with a letter or digit. */
  jobName: string;
  /** Region of the job; picks the Linear Learner image. */
  region: string;
  /** IAM role SageMaker assumes (`arn:<partition>:iam::<account>:role/<name>`). */
  roleArn: string;
  /** Bucket holding the data channels, checkpoints and model output (the stack's `artifactBucket`). */
  bucket: string;
  /** Key prefix of the data channels: `<dataPrefix><jobName>/{train,validation,test}/`. @defaultValue "fraud-detection/data/" */
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
  /** Linear Learner hyperparameters as given by the user (`--hp key=value`), validated here. */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Number of features of the data; sent as `feature_dim`. */
  featureDim: number;
  /** Tags of the training job. */
  tags?: Readonly<Record<string, string>>;
}

/** Where a job's objects live in S3. @public */
export interface JobLayout {
  /** Bucket. */
  bucket: string;
  /** Key prefix of the job's data channels: `<dataPrefix><jobName>/`. */
  jobPrefix: string;
  /** Object keys of each channel (the train channel has one key per instance). */
  keys: Record<ChannelName, string[]>;
  /** `s3://` prefix of each channel. */
  channelUris: Record<ChannelName, string>;
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

/**
 * Checks that SageMaker offers an instance type for training (CPU and GPU families; the
 * Trainium families cannot run Linear Learner).
 * @throws {@link SageMakerError} `BAD_INSTANCE_TYPE`.
 */
export function validateInstanceType(type: string): string {
  if (!TRAINING_TYPES.has(type)) {
    const family = /^ml\.([a-z0-9-]+)\./.exec(type)?.[1];
    const near = [...TRAINING_TYPES].filter((t) => family !== undefined && t.startsWith(`ml.${family}.`)).sort();
    const hint = near.length > 0 ? `; ${family} sizes: ${near.join(", ")}` : "; e.g. ml.m5.large, ml.c5.xlarge, ml.m5.4xlarge";
    throw new SageMakerError("BAD_INSTANCE_TYPE", `SageMaker does not offer ${quote(type)} for Linear Learner training${hint}`);
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

/**
 * Validates user hyperparameters for a SageMaker Linear Learner binary classifier with the local
 * trainer's rules (names, ranges), and returns them as SageMaker wants them: strings, with
 * `feature_dim` and `predictor_type` filled in, keys sorted.
 *
 * `loss=hinge_loss`, valid on SageMaker for binary classifiers though not trained locally, is accepted.
 * @throws `TrainError` `INVALID_ARGUMENT` (unknown name or bad value); {@link SageMakerError}
 * `INVALID_ARGUMENT` when `feature_dim` or `predictor_type` contradicts the data.
 */
export function sagemakerHyperparameters(input: Readonly<Record<string, string | number | boolean>>, featureDim: number): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) raw[k] = String(v).trim();
  if (raw.predictor_type !== undefined && raw.predictor_type !== "binary_classifier") {
    invalid(`predictor_type=${raw.predictor_type.slice(0, 80)}: fraud detection trains a binary_classifier`);
  }
  const { loss, ...rest } = raw;
  parseHyperparameters(loss === "hinge_loss" ? rest : raw);
  if (raw.feature_dim !== undefined && raw.feature_dim !== "auto" && Number(raw.feature_dim) !== featureDim) {
    invalid(`feature_dim=${raw.feature_dim.slice(0, 80)} does not match the data's ${featureDim} features`);
  }
  const all: Record<string, string> = { ...raw, feature_dim: String(featureDim), predictor_type: "binary_classifier" };
  const out: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) out[k] = all[k]!;
  return out;
}

/** Object key of one channel part. */
function partKey(jobPrefix: string, channel: ChannelName, part: number): string {
  return `${jobPrefix}${channel}/part-${String(part).padStart(5, "0")}.recordio`;
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
}

/**
 * Where a job's data, checkpoints and model go:
 * `s3://<bucket>/<dataPrefix><jobName>/{train,validation,test}/part-NNNNN.recordio`, output under
 * `s3://<bucket>/<modelPrefix>` (the model at `<modelPrefix><jobName>/output/model.tar.gz`),
 * checkpoints under `<modelPrefix><jobName>/checkpoints/`.
 */
export function jobLayout(settings: LayoutSettings): JobLayout {
  const { bucket, jobName } = settings;
  const data = keyPrefix(settings.dataPrefix);
  const models = keyPrefix(settings.modelPrefix);
  const jobPrefix = `${data}${jobName}/`;
  const shards = settings.trainShards ?? 1;
  const keys: Record<ChannelName, string[]> = {
    train: Array.from({ length: shards }, (_, i) => partKey(jobPrefix, "train", i)),
    validation: [partKey(jobPrefix, "validation", 0)],
    test: [partKey(jobPrefix, "test", 0)],
  };
  const uri = (key: string): string => formatS3Uri({ bucket, key });
  const channelUris = Object.fromEntries(CHANNELS.map((c) => [c, uri(`${jobPrefix}${c}/`)])) as Record<ChannelName, string>;
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
  /** Where everything goes. */
  layout: JobLayout;
  /** The Linear Learner image of the region. */
  image: string;
  /** The request sent to `CreateTrainingJob`. */
  request: CreateTrainingJobRequest;
}

/**
 * Validates the settings and builds the `CreateTrainingJob` request: the region's Linear Learner
 * image, channels `train` / `validation` / `test` in RecordIO-protobuf (`train` sharded by S3 key
 * when several instances, the others fully replicated), string hyperparameters, stopping
 * condition, optional managed spot training with checkpoints, output under the prefix, tags.
 * Pure: no AWS call.
 *
 * @example
 * ```ts
 * const { request } = planTrainingJob({ jobName: "fraud-1", region: "eu-west-1", roleArn, bucket: "b", featureDim: 30 });
 * request.AlgorithmSpecification?.TrainingImage; // the region's linear-learner:1 image (algorithmImage of @fraud/contracts)
 * ```
 * @throws {@link SageMakerError} (`INVALID_ARGUMENT`, `UNKNOWN_REGION`, `BAD_ROLE_ARN`, `BAD_INSTANCE_TYPE`) or
 * `TrainError` `INVALID_ARGUMENT`.
 * @public
 */
export function planTrainingJob(settings: TrainingJobSettings): TrainingJobPlan {
  const jobName = validateSageMakerName("trainingJob", settings.jobName);
  const image = linearLearnerImage(settings.region);
  const roleArn = settings.roleArn;
  parseRoleArn(roleArn, settings.region);
  const bucket = validateBucketName(settings.bucket);
  const instanceType = validateInstanceType(settings.instanceType ?? TRAINING_JOB_DEFAULTS.instanceType);
  const instanceCount = intIn("instance count", settings.instanceCount ?? TRAINING_JOB_DEFAULTS.instanceCount, 1, 100);
  const volumeSizeGb = intIn("volume size (GB)", settings.volumeSizeGb ?? TRAINING_JOB_DEFAULTS.volumeSizeGb, 1, 16384);
  const maxRuntime = intIn("max runtime (seconds)", settings.maxRuntimeSeconds ?? TRAINING_JOB_DEFAULTS.maxRuntimeSeconds, 1, MAX_RUNTIME_SECONDS);
  const featureDim = intIn("feature count", settings.featureDim, 1, 10_000_000);
  const spot = settings.spot ?? false;
  if (!spot && settings.maxWaitSeconds !== undefined) invalid("a max wait time applies to spot training only (add --spot)");
  const maxWait = spot ? intIn("max wait (seconds)", settings.maxWaitSeconds ?? Math.min(2 * maxRuntime, MAX_RUNTIME_SECONDS), maxRuntime, MAX_RUNTIME_SECONDS) : undefined;
  const hyperParameters = sagemakerHyperparameters(settings.hyperparameters ?? {}, featureDim);
  const tags = validateTags(settings.tags ?? {});
  const layout = jobLayout({
    bucket,
    dataPrefix: settings.dataPrefix ?? TRAINING_JOB_DEFAULTS.dataPrefix,
    modelPrefix: settings.modelPrefix ?? TRAINING_JOB_DEFAULTS.modelPrefix,
    jobName,
    trainShards: instanceCount,
  });

  const channel = (name: ChannelName): Channel => ({
    ChannelName: name,
    DataSource: {
      S3DataSource: {
        S3DataType: "S3Prefix",
        S3Uri: layout.channelUris[name],
        S3DataDistributionType: name === "train" && instanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated",
      },
    },
    ContentType: RECORDIO_PROTOBUF,
    CompressionType: "None",
  });
  const request: CreateTrainingJobRequest = {
    TrainingJobName: jobName,
    AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: "File" },
    RoleArn: roleArn,
    HyperParameters: hyperParameters,
    InputDataConfig: CHANNELS.map(channel),
    OutputDataConfig: { S3OutputPath: layout.outputPath },
    ResourceConfig: { InstanceType: instanceType as TrainingInstanceType, InstanceCount: instanceCount, VolumeSizeInGB: volumeSizeGb },
    StoppingCondition: maxWait === undefined ? { MaxRuntimeInSeconds: maxRuntime } : { MaxRuntimeInSeconds: maxRuntime, MaxWaitTimeInSeconds: maxWait },
    ...(spot ? { EnableManagedSpotTraining: true, CheckpointConfig: { S3Uri: layout.checkpointUri } } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
  return { layout, image, request };
}
