import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import writeFileAtomic from "write-file-atomic";
import { sagemakerJobRecordSchema } from "../aws/record.js";
import type { SageMakerJobRecord } from "../aws/record.js";
import { parseS3Uri } from "../aws/s3.js";
import { FEATURE_COLUMNS } from "@fraud/simulator";
import { fingerprint } from "../data.js";
import type { Dataset } from "../data.js";
import { ModelError, TrainError } from "../errors.js";
import { evaluateBinary } from "../metrics.js";
import type { BinaryMetrics } from "../metrics.js";
import type { Algorithm } from "@fraud/contracts";
import { isFraudError } from "@fraud/contracts";
import type { Model } from "../models/model.js";
import { loadModel } from "../models/registry.js";
import type { MetricsDocument } from "../pipeline.js";
import { ensureDir } from "../outputs.js";
import { renderReport } from "../report.js";
import { SageMakerError, awsErrorName, awsStatus, wrapAwsError } from "./errors.js";

/** Facts about the finished job that go into `metrics.json` and `report.html`. @public */
export interface JobFacts extends SageMakerJobRecord {
  /** The algorithm the job trained. @defaultValue "linear-learner" */
  algorithm?: Algorithm;
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

/**
 * `metrics.json` of a SageMaker-trained model: the local trainer's document (same fields, so every
 * reader treats both alike) plus the job's facts under `sagemaker`. A model no local reader can
 * score (a Random Cut Forest trained by SageMaker) has `threshold: null`, `test: null` and
 * `servedOnlyBySageMaker`; SageMaker's own metrics are then under `sagemaker.finalMetrics`.
 * @public
 */
export interface SageMakerMetrics extends Omit<MetricsDocument, "threshold"> {
  /** Decision threshold (probability space; null when the model could not be scored here). */
  threshold: number | null;
  /** Why the model was not scored here (one line), when it was not. */
  servedOnlyBySageMaker?: string;
  /** Where the model was trained. */
  engine: "sagemaker";
  /** The job, its final metrics as SageMaker computed them, and its settings. */
  sagemaker: Omit<JobFacts, "trainSeconds">;
}

/**
 * Downloads an object (the job's `model.tar.gz`) into memory.
 *
 * @example
 * ```ts
 * const bytes = await downloadObject(new S3Client({}), "s3://fraud-artifacts/fraud-detection/models/j/output/model.tar.gz");
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` (not an s3:// URL), `BUCKET_NOT_WRITABLE` (access denied) or `AWS_ERROR`.
 * @public
 */
export async function downloadObject(s3: S3Client, url: string): Promise<Uint8Array> {
  const { bucket, key } = parseS3Uri(url);
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

/** Scores of a test split, and its binary-classification metrics at the model's own threshold. @public */
export interface SplitEvaluation {
  /** One probability per row. */
  scores: Float64Array;
  /** Metrics from the local trainer's evaluator. */
  metrics: BinaryMetrics;
}

/**
 * Scores a test split with a model and computes the binary-classification metrics at the model's
 * own threshold, with the local trainer's evaluator (an anomaly detector's scores are measured
 * against the fraud label at its threshold).
 * @throws ModelError `MODEL_UNSUPPORTED` for a regressor, `BAD_FEATURE_COUNT` when the split's width differs.
 * @public
 */
export function evaluateOnSplit(model: Model, test: Dataset): SplitEvaluation {
  if (model.kind !== "binary_classifier" && model.kind !== "anomaly_detector") {
    throw new ModelError("MODEL_UNSUPPORTED", `the model is a ${model.kind}; only binary classifiers and anomaly detectors can be evaluated`);
  }
  const width = test.rows === 0 ? model.featureDim : test.features.length / test.rows;
  if (width !== model.featureDim) {
    throw new ModelError("BAD_FEATURE_COUNT", `the model expects ${model.featureDim} features, the test split has ${width}`);
  }
  const scores = model.scores({ data: test.features, rows: test.rows, cols: width });
  return { scores, metrics: evaluateBinary(scores, test.labels, model.threshold) };
}

/** Paths of the files {@link evaluateJobArtifact} writes. @public */
export interface EvaluationFiles {
  /** `metrics.json`. */
  metrics: string;
  /** `report.html` (absent when the model could not be scored here). */
  report?: string;
  /** `sagemaker.json`. */
  sagemaker: string;
}

/** Output files of {@link evaluateJobArtifact}. @public */
export interface EvaluationOutput {
  /** The metrics written to `metrics.json`. */
  metrics: SageMakerMetrics;
  /** Paths written. */
  files: EvaluationFiles;
}

/** Where the test split came from, recorded in `metrics.json`. @public */
export interface TestSplitSource {
  /** The CSV that was split, if any. */
  file?: string;
  /** Seed of the stratified split. */
  seed?: number;
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

const TITLES: Readonly<Record<Algorithm, string>> = { "linear-learner": "Linear Learner", xgboost: "XGBoost", randomcutforest: "Random Cut Forest" };

function featureNames(featureDim: number): readonly string[] {
  return featureDim === FEATURE_COLUMNS.length ? FEATURE_COLUMNS : Array.from({ length: featureDim }, (_, i) => `f${pad(i, String(featureDim - 1).length)}`);
}

function thresholdReasonOf(model: Model): string {
  if (model.algorithm === "linear-learner") return "the model's own threshold (additional-params.json), calibrated by SageMaker on the validation channel";
  if (model.algorithm === "xgboost") return "0.5: a SageMaker XGBoost artifact records no threshold (the AWS solution's rule)";
  return "the model's own threshold";
}

/** Loads the job's model; a model only SageMaker serves (RCF) is not an error for the job: its one line is returned. */
async function loadJobModel(artifact: Uint8Array, algorithm: Algorithm): Promise<Model | string> {
  try {
    return await loadModel(artifact, { name: "model.tar.gz" });
  } catch (err) {
    if (algorithm === "randomcutforest" && isFraudError(err) && err.code === "MODEL_UNSUPPORTED" && /served only by SageMaker/.test(err.message)) return err.message;
    throw err;
  }
}

async function writeOutputs(outDir: string, metrics: SageMakerMetrics, record: SageMakerJobRecord, html: string | undefined): Promise<EvaluationFiles> {
  await ensureDir(outDir);
  const files: EvaluationFiles = { metrics: join(outDir, "metrics.json"), ...(html !== undefined ? { report: join(outDir, "report.html") } : {}), sagemaker: join(outDir, "sagemaker.json") };
  const checked = sagemakerJobRecordSchema.safeParse(record);
  if (!checked.success) throw new SageMakerError("AWS_ERROR", `the job's sagemaker.json record is not valid: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  try {
    await writeFileAtomic(files.metrics, `${JSON.stringify(metrics, null, 2)}\n`);
    if (html !== undefined) await writeFileAtomic(files.report!, html);
    await writeFileAtomic(files.sagemaker, `${JSON.stringify(checked.data, null, 2)}\n`);
  } catch (err) {
    throw new TrainError("IO_ERROR", `${outDir}: cannot write the evaluation (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  return files;
}

/**
 * The path a SageMaker job's artifact takes after the job: load the `model.tar.gz` bytes with the
 * model registry's `loadModel` (any registered algorithm), evaluate on the local test split with
 * the local trainer's evaluator, and write `outDir/metrics.json`, `outDir/report.html` (the local
 * trainer's report) and `outDir/sagemaker.json`, each through a temporary file and a rename.
 * A Random Cut Forest artifact, served only by SageMaker, is not scored: `metrics.json` records
 * SageMaker's own final metrics and the one-line reason (`servedOnlyBySageMaker`), with no report.
 * @throws ModelError for an artifact no registered reader loads, or that is not a binary
 *   classifier or anomaly detector of the data's width.
 * @public
 */
export async function evaluateJobArtifact(artifact: Uint8Array, test: Dataset, facts: JobFacts, outDir: string, source: TestSplitSource = {}): Promise<EvaluationOutput> {
  const algorithm = facts.algorithm ?? "linear-learner";
  const loaded = await loadJobModel(artifact, algorithm);
  const { trainSeconds, ...rest } = facts;
  const record: SageMakerJobRecord = { jobName: facts.jobName, image: facts.image, modelDataUrl: facts.modelDataUrl, region: facts.region };
  const data = { model: facts.modelDataUrl, split: "stratified 70/15/15", test: { ...(source.file !== undefined ? { file: source.file } : {}), ...fingerprint(test) } };
  const common = {
    trainSeconds,
    ...(source.seed !== undefined ? { seed: source.seed } : {}),
    ...(facts.hyperparameters !== undefined ? { hyperparameters: facts.hyperparameters } : {}),
  };
  if (typeof loaded === "string") {
    const featureDim = test.rows === 0 ? 0 : test.features.length / test.rows;
    const metrics: SageMakerMetrics = {
      algorithm,
      predictorType: "anomaly_detector",
      threshold: null,
      thresholdReason: "SageMaker's own (its test-channel metrics are under sagemaker.finalMetrics)",
      servedOnlyBySageMaker: loaded,
      ...common,
      features: featureNames(featureDim),
      data,
      validation: null,
      test: null,
      engine: "sagemaker",
      sagemaker: { ...rest, algorithm },
    };
    return { metrics, files: await writeOutputs(outDir, metrics, record, undefined) };
  }
  const model = loaded;
  const { scores, metrics: testMetrics } = evaluateOnSplit(model, test);
  const thresholdReason = thresholdReasonOf(model);
  const metrics: SageMakerMetrics = {
    algorithm: model.algorithm,
    predictorType: model.kind,
    threshold: model.threshold,
    thresholdReason,
    ...common,
    features: featureNames(model.featureDim),
    data,
    validation: null,
    test: testMetrics,
    engine: "sagemaker",
    sagemaker: { ...rest, algorithm: model.algorithm },
  };
  const reportFacts: Record<string, string | number> = {
    "training job": facts.jobName,
    region: facts.region,
    image: facts.image,
    "model data": facts.modelDataUrl,
    instances: `${facts.instanceCount ?? 1} x ${facts.instanceType ?? "?"}${facts.spot ? " (managed spot)" : ""}`,
    "training seconds": trainSeconds,
    ...(facts.billableSeconds !== undefined ? { "billable seconds": facts.billableSeconds } : {}),
    "test rows": test.rows,
    "test frauds": testMetrics.positives,
  };
  for (const [k, v] of Object.entries(facts.finalMetrics ?? {}).sort(([a], [b]) => a.localeCompare(b))) reportFacts[`SageMaker ${k}`] = v;
  const html = renderReport({
    title: `${TITLES[model.algorithm]} trained on SageMaker — ${facts.jobName}`,
    kind: model.kind === "anomaly_detector" ? "anomaly_detector" : "binary_classifier",
    threshold: model.threshold,
    thresholdReason,
    sets: [{ name: "test", scores, labels: test.labels, metrics: testMetrics }],
    facts: reportFacts,
    ...(facts.hyperparameters !== undefined ? { hyperparameters: facts.hyperparameters } : {}),
  });
  return { metrics, files: await writeOutputs(outDir, metrics, record, html) };
}
