import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import writeFileAtomic from "write-file-atomic";
import type { SageMakerJobRecord } from "../aws/record.js";
import type { Dataset } from "../data.js";
import { TrainError } from "../errors.js";
import { ensureDir } from "../outputs.js";
import { SageMakerError, awsErrorName } from "./errors.js";
import { downloadObject, evaluateJobArtifact } from "./evaluate.js";
import type { EvaluationOutput } from "./evaluate.js";
import { formatHyperparameters } from "../defaults.js";
import { planTrainingJob, validateAlgorithm } from "./job.js";
import type { TrainingJobPlan, TrainingJobSettings } from "./job.js";
import { createTrainingJob, finalMetrics, waitForTrainingJob } from "./monitor.js";
import type { JobUpdate, WaitOptions } from "./monitor.js";
import { loadSplits } from "./splits.js";
import type { Splits } from "./splits.js";
import { resolveTarget } from "./target.js";
import type { TargetOptions } from "./target.js";
import { checkBucket, planUploads, summarizeUploads, uploadSplits } from "./upload.js";
import type { UploadOptions, UploadProgress, UploadSummary } from "./upload.js";

/** AWS clients to use instead of ones built from the standard SDK configuration. @public */
export interface AwsClients {
  /** S3 client (uploads, bucket check, model download). */
  s3?: S3Client;
  /** SageMaker control-plane client. */
  sagemaker?: SageMakerClient;
}

/** Options of {@link runSageMakerTraining}. @public */
export interface SageMakerTrainOptions extends TargetOptions, Omit<TrainingJobSettings, "jobName" | "region" | "featureDim" | "bucket" | "roleArn" | "dataPrefix" | "modelPrefix"> {
  /** `creditcard.csv` path, or an already loaded dataset. */
  data: string | Dataset;
  /** Shared-config profile for credentials and region (standard SDK resolution otherwise). */
  profile?: string;
  /** Seed of the stratified split. @defaultValue 0 */
  seed?: number;
  /** Directory for `training-job.json` and, with `wait`, `metrics.json`, `report.html`, `sagemaker.json`. */
  outDir?: string;
  /** Follow the job to the end, then evaluate its model and write the outputs. @defaultValue false */
  wait?: boolean;
  /** Encode and plan only: no credentials needed, nothing sent. @defaultValue false */
  dryRun?: boolean;
  /** Clients to use instead of the default ones (tests, custom endpoints). */
  clients?: AwsClients;
  /** Progress of the uploads. */
  onUploadProgress?: (p: UploadProgress) => void;
  /** Status transitions while waiting. */
  onUpdate?: (u: JobUpdate) => void;
  /** One-line notes on each step (`uploading…`, `created job …`). */
  onStep?: (message: string) => void;
  /** Called once the training job exists (from then on it is billed until it ends or is stopped). */
  onJobCreated?: (jobName: string) => void;
  /** Multipart settings of the uploads. */
  uploadOptions?: Pick<UploadOptions, "partSize" | "queueSize">;
  /** Polling settings while waiting. */
  waitOptions?: Omit<WaitOptions, "onUpdate" | "signal">;
  /** Cancels uploads or stops following the job (the job itself keeps running). */
  signal?: AbortSignal;
}

/** The JSON a dry run prints: exactly what would be sent. @public */
export interface DryRunOutput {
  /** Objects that would be uploaded (by the caller's credentials). */
  uploads: UploadSummary[];
  /** The `CreateTrainingJob` input (SageMaker then reads the channels and writes the output as the role). */
  createTrainingJob: CreateTrainingJobRequest;
  /** Where the job would write its model. */
  modelDataUrl: string;
}

/** What {@link runSageMakerTraining} did. @public */
export interface SageMakerRunResult {
  /** The validated plan. */
  plan: TrainingJobPlan;
  /** Objects uploaded (or planned, in a dry run). */
  uploads: UploadSummary[];
  /** Region used. */
  region: string;
  /** Whether this was a dry run (nothing sent). */
  dryRun: boolean;
  /** ARN of the created job (not in a dry run). */
  jobArn?: string;
  /** Final description, when waited for. */
  job?: DescribeTrainingJobResponse;
  /** `sagemaker.json` contents, when waited for. */
  record?: SageMakerJobRecord;
  /** Evaluation outputs, when waited for. */
  evaluation?: EvaluationOutput;
}

/**
 * Client configuration from the standard SDK chain plus an optional profile and region; an
 * endpoint override comes from `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SAGEMAKER` as usual.
 */
function clientConfig(region: string | undefined, profile: string | undefined): { region?: string; profile?: string } {
  return { ...(region !== undefined ? { region } : {}), ...(profile !== undefined ? { profile } : {}) };
}

/**
 * Resolves the region the standard SDK way (explicit, `AWS_REGION`, the profile's `region`).
 * @throws {@link SageMakerError} `NO_REGION`.
 */
export async function resolveRegion(region?: string, profile?: string): Promise<string> {
  if (region !== undefined && region !== "") return region;
  const probe = new S3Client(clientConfig(undefined, profile));
  try {
    const r = await probe.config.region();
    if (typeof r === "string" && r !== "") return r;
  } catch {
    // fall through to the error below
  } finally {
    probe.destroy();
  }
  throw new SageMakerError("NO_REGION", "no AWS region: pass --region, set AWS_REGION, or set region in the AWS profile");
}

/**
 * Resolves credentials the standard SDK way, failing early when there are none.
 * @throws {@link SageMakerError} `NO_CREDENTIALS`.
 */
export async function requireCredentials(client: S3Client | SageMakerClient): Promise<void> {
  try {
    const creds = await client.config.credentials();
    if (!creds?.accessKeyId) throw new Error("empty credentials");
  } catch (err) {
    throw new SageMakerError(
      "NO_CREDENTIALS",
      `no AWS credentials found (${awsErrorName(err)}): set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile, or run on a machine with a role`,
      { cause: err },
    );
  }
}

const featureDimOf = (splits: Splits): number => splits.train.features.length / splits.train.rows;

const ENCODING: Readonly<Record<string, string>> = { recordio: "RecordIO", "recordio-unlabelled": "unlabelled RecordIO", csv: "CSV" };

/** Writes `training-job.json`: what was created, where the model will be. */
async function writeJobFile(outDir: string, result: SageMakerRunResult): Promise<void> {
  const { plan, region, jobArn, uploads } = result;
  const job = { jobName: plan.request.TrainingJobName, algorithm: plan.algorithm, jobArn, region, image: plan.image, hyperparameters: plan.request.HyperParameters, expectedModelDataUrl: plan.layout.modelDataUrl, uploads };
  await ensureDir(outDir);
  try {
    await writeFileAtomic(join(outDir, "training-job.json"), `${JSON.stringify(job, null, 2)}\n`);
  } catch (err) {
    throw new TrainError("IO_ERROR", `${outDir}: cannot write training-job.json (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/** Follows a created job to its end, downloads its model and evaluates it on the test split. */
async function followAndEvaluate(options: SageMakerTrainOptions, sm: SageMakerClient, s3: S3Client, result: SageMakerRunResult, test: Dataset): Promise<SageMakerRunResult> {
  const { plan } = result;
  const jobName = plan.request.TrainingJobName!;
  const job = await waitForTrainingJob(sm, jobName, {
    ...options.waitOptions,
    ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const modelDataUrl = job.ModelArtifacts?.S3ModelArtifacts ?? plan.layout.modelDataUrl;
  options.onStep?.(`downloading ${modelDataUrl}`);
  const artifact = await downloadObject(s3, modelDataUrl);
  const record: SageMakerJobRecord = { jobName, image: plan.image, modelDataUrl, region: result.region };
  const facts = {
    ...record,
    algorithm: plan.algorithm,
    trainSeconds: job.TrainingTimeInSeconds ?? 0,
    ...(job.BillableTimeInSeconds !== undefined ? { billableSeconds: job.BillableTimeInSeconds } : {}),
    instanceType: plan.request.ResourceConfig?.InstanceType ?? "",
    instanceCount: plan.request.ResourceConfig?.InstanceCount ?? 1,
    spot: plan.request.EnableManagedSpotTraining ?? false,
    hyperparameters: plan.request.HyperParameters ?? {},
    finalMetrics: finalMetrics(job),
  };
  const source = { ...(typeof options.data === "string" ? { file: options.data } : {}), seed: options.seed ?? 0 };
  const evaluation = await evaluateJobArtifact(artifact, test, facts, options.outDir!, source);
  if (evaluation.metrics.servedOnlyBySageMaker !== undefined) options.onStep?.(evaluation.metrics.servedOnlyBySageMaker);
  return { ...result, job, record, evaluation };
}

/**
 * Trains a built-in algorithm (Linear Learner by default, XGBoost 1.7-1 or Random Cut Forest) on
 * SageMaker from a local `creditcard.csv`: validates every argument, checks credentials and the
 * bucket, splits the data like local training, streams the algorithm's channels into S3
 * (RecordIO-protobuf written by `@fraud/recordio`, or CSV for XGBoost), creates the training job
 * with the hyperparameters of `TRAINING_DEFAULTS` under the user's and, with `wait`, follows it,
 * downloads the model, evaluates it on the local test split with the model registry and writes
 * `metrics.json`, `report.html` and `sagemaker.json` (a Random Cut Forest model, served only by
 * SageMaker, is not scored here: SageMaker's own metrics are recorded). Everything that can be
 * checked is checked before anything is uploaded or billed. With `stack` (the deployed stack's
 * outputs) the bucket, prefixes, role, region and job names are the stack's.
 *
 * @example
 * ```ts
 * const stack = parseStackOutputs(JSON.parse(await readFile("fraud-stack.json", "utf8")));
 * const { uploads, plan } = await runSageMakerTraining({ data: "creditcard.csv", stack, dryRun: true });
 * ```
 * @throws {@link SageMakerError}, `TrainError` (`INVALID_ARGUMENT`, `BAD_DATA`), or the
 * simulator's `CsvError` for a malformed file.
 * @public
 */
export async function runSageMakerTraining(options: SageMakerTrainOptions): Promise<SageMakerRunResult> {
  const dryRun = options.dryRun ?? false;
  const algorithm = validateAlgorithm(options.algorithm ?? "linear-learner");
  const target = resolveTarget(options, options.region ?? (options.stack ? undefined : await resolveRegion(undefined, options.profile)), algorithm);
  const settings = (featureDim: number): TrainingJobSettings => ({ ...options, ...target, algorithm, featureDim });
  planTrainingJob(settings(30)); // every argument is checked before the data or the network is touched
  if (options.wait && !dryRun && options.outDir === undefined) throw new SageMakerError("INVALID_ARGUMENT", "an output directory is needed to wait for the job");

  const conf = clientConfig(target.region, options.profile);
  const owned: AwsClients = {};
  const s3 = options.clients?.s3 ?? (dryRun ? undefined : (owned.s3 = new S3Client(conf)));
  const sm = options.clients?.sagemaker ?? (dryRun ? undefined : (owned.sagemaker = new SageMakerClient(conf)));
  try {
    if (!dryRun) {
      await requireCredentials(sm!);
      await checkBucket(s3!, target.bucket);
    }
    options.onStep?.(`reading and splitting ${typeof options.data === "string" ? options.data : "data"}`);
    const splits = await loadSplits(options.data, options.seed ?? 0);
    const plan = planTrainingJob(settings(featureDimOf(splits)));
    options.onStep?.(`${plan.algorithm} hyperparameters: ${formatHyperparameters(plan.request.HyperParameters ?? {})}`);
    const parts = planUploads(splits, plan.layout, plan.channels);
    if (dryRun) return { plan, uploads: summarizeUploads(parts), region: target.region, dryRun };

    const kinds = [...new Set(parts.map((p) => ENCODING[p.format ?? "recordio"]))].join(" and ");
    options.onStep?.(`uploading ${parts.length} ${kinds} objects to s3://${plan.layout.bucket}/${plan.layout.jobPrefix}`);
    const progress = { ...options.uploadOptions, ...(options.onUploadProgress ? { onProgress: options.onUploadProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    const uploads = await uploadSplits(s3!, parts, progress);
    const jobArn = await createTrainingJob(sm!, plan.request);
    options.onJobCreated?.(target.jobName);
    options.onStep?.(`created training job ${target.jobName} (${plan.image})`);
    const result: SageMakerRunResult = { plan, uploads, region: target.region, dryRun, jobArn };
    if (options.outDir !== undefined) await writeJobFile(options.outDir, result);
    return options.wait ? await followAndEvaluate(options, sm!, s3!, result, splits.test) : result;
  } finally {
    owned.s3?.destroy();
    owned.sagemaker?.destroy();
  }
}

/**
 * The dry-run JSON of a result: `{ uploads, createTrainingJob, modelDataUrl }`.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(dryRunOutput(await runSageMakerTraining({ data, stack, dryRun: true }))));
 * ```
 * @public
 */
export function dryRunOutput(result: SageMakerRunResult): DryRunOutput {
  return { uploads: result.uploads, createTrainingJob: result.plan.request, modelDataUrl: result.plan.layout.modelDataUrl };
}
