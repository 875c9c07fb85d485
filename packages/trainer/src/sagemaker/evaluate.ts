import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadModel, writeFileAtomic } from "../artifact.js";
import type { Dataset } from "../data.js";
import { ModelError } from "../errors.js";
import { evaluateBinary } from "../metrics.js";
import type { BinaryMetrics } from "../metrics.js";
import type { LinearLearnerModel } from "../model.js";
import { SageMakerError, awsErrorName, awsStatus, wrapAwsError } from "./errors.js";
import { renderReport } from "./report.js";

/** Contents of `sagemaker.json`, the file the infrastructure reads to deploy the endpoint. @public */
export interface SageMakerJobRecord {
  /** Training job name. */
  jobName: string;
  /** Linear Learner image the job ran (the endpoint's serving image). */
  image: string;
  /** `s3://` URL of the job's `model.tar.gz`. */
  modelDataUrl: string;
  /** Region of the job. */
  region: string;
}

/** Facts about the finished job that go into `metrics.json` and `report.html`. @public */
export interface JobFacts extends SageMakerJobRecord {
  /** `TrainingTimeInSeconds`. */
  trainSeconds: number;
  /** `BillableTimeInSeconds` (lower than the training time with spot). */
  billableSeconds?: number;
  /** Instance type. */
  instanceType?: string;
  /** Instance count. */
  instanceCount?: number;
  /** Whether managed spot training was used. */
  spot?: boolean;
  /** Hyperparameters sent. */
  hyperparameters?: Record<string, string>;
  /** `FinalMetricDataList` as `{ name: value }` (e.g. `test:binary_f_beta`). */
  finalMetrics?: Record<string, number>;
}

/** `metrics.json` of a SageMaker-trained model. @public */
export interface SageMakerMetrics {
  /** Where the model was trained. */
  engine: "sagemaker";
  /** The model's decision threshold (probability space), from its artifact. */
  threshold: number;
  /** Seconds SageMaker spent training. */
  trainSeconds: number;
  /** The model on the local test split, through the same evaluator as local training. */
  test: BinaryMetrics;
  /** The job, its final metrics as SageMaker computed them, and its settings. */
  sagemaker: Omit<JobFacts, "trainSeconds">;
}

/** Splits an `s3://bucket/key` URL. @throws {@link SageMakerError} `BAD_ARGUMENT`. @public */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (m === null) throw new SageMakerError("BAD_ARGUMENT", `not an s3://bucket/key URL: ${url}`);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * Downloads an object (the job's `model.tar.gz`) into memory.
 * @throws {@link SageMakerError} `BUCKET_NOT_FOUND`, `BUCKET_NOT_WRITABLE` (access denied) or `AWS_ERROR`.
 * @public
 */
export async function downloadObject(s3: S3Client, url: string): Promise<Uint8Array> {
  const { bucket, key } = parseS3Url(url);
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (out.Body === undefined) throw new SageMakerError("AWS_ERROR", `GetObject ${url} returned no body`);
    return await out.Body.transformToByteArray();
  } catch (err) {
    const name = awsErrorName(err);
    if (name === "NoSuchKey" || awsStatus(err) === 404) throw new SageMakerError("AWS_ERROR", `${url} does not exist`, { cause: err });
    if (name === "AccessDenied" || awsStatus(err) === 403) throw new SageMakerError("BUCKET_NOT_WRITABLE", `access to ${url} is denied`, { cause: err });
    throw wrapAwsError(`GetObject ${url}`, err);
  }
}

/**
 * Scores a test split with a model and computes the binary-classification metrics at the model's
 * own threshold, with the local trainer's evaluator.
 * @throws ModelError `MODEL_UNSUPPORTED` for a regressor, `BAD_FEATURE_COUNT` when the split's width differs.
 * @public
 */
export function evaluateOnSplit(model: LinearLearnerModel, test: Dataset): BinaryMetrics {
  if (model.predictorType !== "binary_classifier") {
    throw new ModelError("MODEL_UNSUPPORTED", `the model is a ${model.predictorType}; only binary classifiers can be evaluated`);
  }
  const scores = model.scores({ data: test.features, rows: test.rows });
  return evaluateBinary(scores, test.labels, model.threshold);
}

/** Output files of {@link evaluateJobArtifact}. @public */
export interface EvaluationOutput {
  /** The metrics written to `metrics.json`. */
  metrics: SageMakerMetrics;
  /** Paths written. */
  files: { metrics: string; report: string; sagemaker: string };
}

/**
 * The path a SageMaker job's artifact takes after the job: load the `model.tar.gz` bytes, evaluate
 * on the local test split, and write `outDir/metrics.json`, `outDir/report.html` and
 * `outDir/sagemaker.json` (each written to a temporary file and renamed).
 * @throws ModelError for an artifact that is not a Linear Learner binary classifier.
 * @public
 */
export async function evaluateJobArtifact(artifact: Uint8Array, test: Dataset, facts: JobFacts, outDir: string): Promise<EvaluationOutput> {
  const model = await loadModel(artifact);
  const test_ = evaluateOnSplit(model, test);
  const { trainSeconds, ...rest } = facts;
  const metrics: SageMakerMetrics = { engine: "sagemaker", threshold: model.threshold, trainSeconds, test: test_, sagemaker: rest };
  const record: SageMakerJobRecord = { jobName: facts.jobName, image: facts.image, modelDataUrl: facts.modelDataUrl, region: facts.region };
  await mkdir(outDir, { recursive: true });
  const files = { metrics: join(outDir, "metrics.json"), report: join(outDir, "report.html"), sagemaker: join(outDir, "sagemaker.json") };
  await writeFileAtomic(files.metrics, `${JSON.stringify(metrics, jsonNumbers, 2)}\n`);
  await writeFileAtomic(files.report, renderReport(metrics));
  await writeFileAtomic(files.sagemaker, `${JSON.stringify(record, null, 2)}\n`);
  return { metrics, files };
}

/** NaN and infinities become null in JSON (as JSON.stringify does), kept explicit for readers. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
