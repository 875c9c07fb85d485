import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { trainingJobName } from "@fraud/contracts";
import type { StackOutputs } from "@fraud/contracts";
import { isSageMakerError } from "@fraud/trainer/aws";
import { MODEL_LIMITS, isModelError, loadModel } from "@fraud/trainer/model";
import type { Algorithm, ScoringMode } from "@fraud/contracts";
import { waitForTrainingJob } from "@fraud/trainer/sagemaker";
import type { WaitOptions } from "@fraud/trainer/sagemaker";
import { InfraError } from "../errors.js";
import { getObjectBytes, headObject, putObject } from "./s3.js";
import type { DeployState, DeployedModel } from "./state.js";
import { trainOnStack } from "./train.js";
import type { StackTrainer } from "./train.js";

/** A local `model.tar.gz` (from `fraud-train local`) to upload. @public */
export interface ModelFromFile {
  /** Discriminant. */
  kind: "file";
  /** Path of the `model.tar.gz`. */
  path: string;
}

/** A `model.tar.gz` already in S3. @public */
export interface ModelFromUrl {
  /** Discriminant. */
  kind: "url";
  /** `s3://bucket/key` of the `model.tar.gz`. */
  url: string;
}

/** SageMaker training on a local `creditcard.csv`, with the stack's bucket and role. @public */
export interface ModelFromTraining {
  /** Discriminant. */
  kind: "train";
  /** Path of the `creditcard.csv`. */
  data: string;
}

/**
 * Where the deploy gets its model.
 * @example
 * ```ts
 * const source: ModelSource = { kind: "file", path: "runs/local/model.tar.gz" };
 * ```
 * @public
 */
export type ModelSource = ModelFromFile | ModelFromUrl | ModelFromTraining;

/** A model's identity in S3. @public */
export interface ModelFingerprint {
  /** SHA-256 (hex) of the `model.tar.gz` bytes. */
  sha256: string;
  /** The object's ETag. */
  etag: string;
  /** The algorithm recognised in the artifact. */
  algorithm: Algorithm;
}

/** Everything the model step needs. @public */
export interface ModelStepOptions {
  /** What the user asked for; `undefined` keeps the recorded model. */
  source: ModelSource | undefined;
  /** Train a new model even when one is recorded. */
  retrain: boolean;
  /** The deployed stack. */
  stack: StackOutputs;
  /** The deploy state (updated in place; `save` persists it). */
  state: DeployState;
  /** Persists `state`. */
  save: () => Promise<void>;
  /** S3 client in the stack's region. */
  s3: S3Client;
  /** SageMaker client in the stack's region (made on first use). */
  sagemaker: () => SageMakerClient;
  /** Hyperparameters for training (the algorithm's SageMaker names). */
  hyperparameters: Record<string, string>;
  /** The classifier algorithm to train (`linear-learner` or `xgboost`). @defaultValue `"linear-learner"` */
  algorithm?: Algorithm;
  /** Which model this step handles. @defaultValue the classifier */
  role?: ModelRole;
  /** Folder for the training outputs (`<dir>/<jobName>/metrics.json`, `report.html`, `sagemaker.json`). */
  trainingDir: string;
  /** Runs a training job; default {@link trainOnStack}. */
  trainer?: StackTrainer;
  /** Polling of the training job. */
  waitOptions?: Omit<WaitOptions, "onUpdate" | "signal">;
  /** One line per step. */
  log: (line: string) => void;
  /** Clock. */
  now: () => Date;
}

const GZIP_TYPE = "application/x-gzip";

function sha256(bytes: Uint8Array): { hex: string; base64: string } {
  const digest = createHash("sha256").update(bytes).digest();
  return { hex: digest.toString("hex"), base64: digest.toString("base64") };
}

/**
 * Which model a deploy step handles: the classifier, or the anomaly detector with the mode it is
 * scored in (a Random Cut Forest trained locally is servable embedded only, one trained by
 * SageMaker by a SageMaker endpoint only).
 * @example
 * ```ts
 * const role: ModelRole = { kind: "anomalyDetector", scoringMode: "embedded" };
 * ```
 * @public
 */
export type ModelRole =
  | {
      /** The classifier (`linear-learner` or `xgboost`). */
      kind: "classifier";
    }
  | {
      /** The anomaly detector (`randomcutforest`). */
      kind: "anomalyDetector";
      /** How it is scored: a local forest only `embedded`, a SageMaker-trained one only `endpoint`. */
      scoringMode: ScoringMode;
    };

const CLASSIFIER: ModelRole = { kind: "classifier" };

/** A SageMaker-trained Random Cut Forest: the model reader recognises it and refuses to load it. */
function isSageMakerForest(err: unknown): boolean {
  return isModelError(err) && err.code === "MODEL_UNSUPPORTED" && /a randomcutforest model trained by SageMaker;/.test(err.message);
}

/**
 * Recognises the algorithm of a `model.tar.gz` with the model registry (`loadModel`) and checks
 * that the role can serve it: the classifier must be a Linear Learner or XGBoost binary
 * classifier; the anomaly detector a Random Cut Forest servable in its scoring mode.
 * @throws {@link InfraError} `MODEL_INVALID` naming the artifact and the problem.
 */
async function checkArtifact(bytes: Uint8Array, name: string, role: ModelRole): Promise<Algorithm> {
  const what = name.slice(0, 120);
  let algorithm: Algorithm;
  try {
    const model = await loadModel(bytes, { name });
    algorithm = model.algorithm;
    if (role.kind === "classifier" && (model.kind !== "binary_classifier" || algorithm === "randomcutforest")) {
      throw new InfraError("MODEL_INVALID", `${what} is a ${algorithm} ${model.kind.replace("_", " ")}, not a classifier (linear-learner or xgboost)${algorithm === "randomcutforest" ? ": give it as the anomaly detector (--anomaly-model)" : ""}`);
    }
    if (role.kind === "anomalyDetector" && algorithm !== "randomcutforest") {
      throw new InfraError("MODEL_INVALID", `${what} is a ${algorithm} model, not an anomaly detector (randomcutforest)`);
    }
    if (role.kind === "anomalyDetector" && role.scoringMode === "endpoint") {
      throw new InfraError("MODEL_INVALID", `${what}: a randomcutforest model trained locally is served embedded only (SageMaker's container cannot read it): set anomalyDetector.scoringMode to embedded`);
    }
  } catch (err) {
    if (err instanceof InfraError) throw err;
    if (isSageMakerForest(err) && role.kind === "anomalyDetector") {
      if (role.scoringMode === "endpoint") return "randomcutforest";
      throw new InfraError("MODEL_INVALID", `${what}: a randomcutforest model trained by SageMaker is served only by a SageMaker endpoint: set anomalyDetector.scoringMode to endpoint (with anomalyDetector.threshold)`, { cause: err });
    }
    const expected = role.kind === "classifier" ? "a classifier model.tar.gz (linear-learner or xgboost)" : "a randomcutforest model.tar.gz";
    throw new InfraError("MODEL_INVALID", `${what} is not ${expected}: ${(err as Error).message.slice(0, 160)}`, { cause: err });
  }
  return algorithm;
}

/**
 * Where a local model is uploaded: content-addressed under the stack's model prefix,
 * `s3://<artifactBucket>/<modelPrefix>uploads/<first 16 hex of SHA-256>/model.tar.gz`, so the
 * same bytes always land on the same key and a new model never overwrites a served one.
 * @example
 * ```ts
 * uploadUrl(stack, "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b");
 * // "s3://<artifactBucket>/fraud-detection/models/uploads/3a7bd3e2360a3d29/model.tar.gz"
 * ```
 * @public
 */
export function uploadUrl(stack: StackOutputs, sha256Hex: string): string {
  return `s3://${stack.artifactBucket}/${stack.modelPrefix}uploads/${sha256Hex.slice(0, 16)}/model.tar.gz`;
}

const MAX_MODEL_BYTES = MODEL_LIMITS.maxArtifactBytes;

/**
 * The scorer's `MODEL_VERSION` for a model URL the deploy made, read from the URL alone (so a
 * run without the state file labels the model the same way): `sha256-<12 hex>` for an upload,
 * the training job's name for a SageMaker model; `undefined` for any other URL (the stack's
 * default applies).
 * @example
 * ```ts
 * modelVersionLabel("s3://b/fraud-detection/models/uploads/3a7bd3e2360a3d29/model.tar.gz"); // "sha256-3a7bd3e2360a"
 * modelVersionLabel("s3://b/fraud-detection/models/fraud-detection-dev-20260102030405/output/model.tar.gz"); // "fraud-detection-dev-20260102030405"
 * ```
 * @public
 */
export function modelVersionLabel(url: string): string | undefined {
  const upload = /\/uploads\/([0-9a-f]{16})\/model\.tar\.gz$/.exec(url);
  if (upload) return `sha256-${upload[1]!.slice(0, 12)}`;
  return /\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/output\/model\.tar\.gz$/.exec(url)?.[1];
}

/**
 * Reads a local `model.tar.gz` and checks it is a model its role can serve: a regular file
 * within the model size limit that the model registry reads, of an algorithm the role takes
 * (see {@link ModelRole}). Returns the bytes and the algorithm recognised.
 * @example
 * ```ts
 * const { bytes, algorithm } = await readModelFile("runs/local/model.tar.gz"); // algorithm: "xgboost"
 * ```
 * @throws {@link InfraError} `MODEL_INVALID` naming the file and the problem.
 * @public
 */
export async function readModelFile(path: string, role: ModelRole = CLASSIFIER): Promise<{ bytes: Uint8Array; algorithm: Algorithm }> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    throw new InfraError("MODEL_INVALID", `cannot read model ${path.slice(0, 120)} (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
  }
  if (!info.isFile()) throw new InfraError("MODEL_INVALID", `model ${path.slice(0, 120)} is not a regular file`);
  if (info.size > MAX_MODEL_BYTES) throw new InfraError("MODEL_INVALID", `${path.slice(0, 120)}: ${info.size} bytes, more than the ${MAX_MODEL_BYTES}-byte model limit`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InfraError("MODEL_INVALID", `cannot read model ${path.slice(0, 120)} (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
  }
  if (bytes.length > MAX_MODEL_BYTES) throw new InfraError("MODEL_INVALID", `${path.slice(0, 120)}: ${bytes.length} bytes, more than the ${MAX_MODEL_BYTES}-byte model limit`);
  return { bytes, algorithm: await checkArtifact(bytes, path, role) };
}

async function uploadLocal(path: string, o: ModelStepOptions): Promise<DeployedModel> {
  const { bytes, algorithm } = await readModelFile(path, role(o));
  const hash = sha256(bytes);
  const url = uploadUrl(o.stack, hash.hex);
  const head = await headObject(o.s3, url);
  let etag = head?.etag ?? "";
  if (head?.sha256Base64 === hash.base64) {
    o.log(`model ${path} (sha256 ${hash.hex.slice(0, 12)}) is already at ${url}`);
  } else {
    o.log(`uploading ${path} (${bytes.length} bytes, sha256 ${hash.hex.slice(0, 12)}) to ${url}`);
    etag = await putObject(o.s3, url, bytes, hash.base64, GZIP_TYPE);
  }
  return { source: "upload", modelDataUrl: url, sha256: hash.hex, etag, file: path, algorithm, at: o.now().toISOString() };
}

/**
 * Reads, checks and hashes a model already in S3: its SHA-256, ETag and algorithm.
 * @example
 * ```ts
 * const { sha256 } = await inspectModel(s3, "s3://b/models/model.tar.gz");
 * ```
 * @throws {@link InfraError} `MODEL_INVALID` (missing, too large, not a model its role can serve) or `AWS_FAILED`.
 * @public
 */
export async function inspectModel(s3: S3Client, url: string, role: ModelRole = CLASSIFIER): Promise<ModelFingerprint> {
  const head = await headObject(s3, url);
  if (!head) throw new InfraError("MODEL_INVALID", `model ${url.slice(0, 120)} does not exist`);
  if (head.size > MAX_MODEL_BYTES) throw new InfraError("MODEL_INVALID", `${url.slice(0, 120)}: ${head.size} bytes, more than the ${MAX_MODEL_BYTES}-byte model limit`);
  const bytes = await getObjectBytes(s3, url);
  const algorithm = await checkArtifact(bytes, url, role);
  return { sha256: sha256(bytes).hex, etag: head.etag, algorithm };
}

async function fromUrl(url: string, o: ModelStepOptions): Promise<DeployedModel> {
  const recorded = recordedOf(o);
  if (recorded?.modelDataUrl === url) {
    const head = await headObject(o.s3, url);
    if (head && head.etag === recorded.etag) {
      o.log(`model ${url} unchanged (sha256 ${recorded.sha256.slice(0, 12)})`);
      return recorded;
    }
  }
  o.log(`checking model ${url}`);
  return { source: "url", modelDataUrl: url, ...(await inspectModel(o.s3, url, role(o))), at: o.now().toISOString() };
}

function role(o: ModelStepOptions): ModelRole {
  return o.role ?? CLASSIFIER;
}

/** The model recorded for this step's role. */
function recordedOf(o: ModelStepOptions): DeployedModel | null {
  return role(o).kind === "classifier" ? o.state.model : (o.state.anomalyDetector ?? null);
}

/** Records the model a finished training job wrote, and forgets the job. */
async function recordTrained(jobName: string, data: string, modelDataUrl: string, o: ModelStepOptions, asked?: Algorithm): Promise<DeployedModel> {
  const model: DeployedModel = { source: "train", modelDataUrl, ...(await inspectModel(o.s3, modelDataUrl)), jobName, data, at: o.now().toISOString() };
  o.state.training = null;
  if (asked !== undefined && model.algorithm !== asked) {
    await o.save();
    throw new InfraError("TRAINING_FAILED", `training job ${jobName} wrote a ${model.algorithm ?? "unknown"} model, not the ${asked} model asked for`);
  }
  return model;
}

/** Forgets a training job that ended without a model (or never started), then rethrows as an {@link InfraError}. */
async function trainingFailed(err: unknown, ended: boolean, o: ModelStepOptions): Promise<never> {
  if (ended || isSageMakerError(err, "JOB_FAILED") || isSageMakerError(err, "JOB_STOPPED")) {
    o.state.training = null;
    await o.save();
  }
  if (err instanceof InfraError) throw err;
  throw new InfraError("TRAINING_FAILED", (err as Error).message.slice(0, 300), { cause: err });
}

async function train(data: string, o: ModelStepOptions): Promise<DeployedModel> {
  const jobName = trainingJobName(o.stack.trainingJobPrefix, o.now());
  const algorithm = o.algorithm ?? "linear-learner";
  // Recorded before anything is sent: a deploy killed while the job runs re-attaches to it.
  o.state.training = { jobName, data, algorithm, startedAt: o.now().toISOString() };
  await o.save();
  o.log(`training ${jobName} (${algorithm}) on SageMaker from ${data} (s3://${o.stack.artifactBucket}/${o.stack.dataPrefix}, role ${o.stack.sagemakerRoleArn})`);
  const trainer = o.trainer ?? trainOnStack;
  let created = false;
  let modelDataUrl: string;
  try {
    ({ modelDataUrl } = await trainer({
      stack: o.stack,
      data,
      jobName,
      outDir: join(o.trainingDir, jobName),
      algorithm,
      hyperparameters: o.hyperparameters,
      clients: { s3: o.s3, sagemaker: o.sagemaker() },
      log: o.log,
      onJobCreated: () => {
        created = true;
      },
      ...(o.waitOptions ? { waitOptions: o.waitOptions } : {}),
    }));
  } catch (err) {
    return trainingFailed(err, !created, o);
  }
  return recordTrained(jobName, data, modelDataUrl, o, algorithm);
}

async function resumeTraining(o: ModelStepOptions): Promise<DeployedModel> {
  const { jobName, data, algorithm } = o.state.training!;
  o.log(`following training job ${jobName}, started by an earlier deploy`);
  let url: string | undefined;
  try {
    const job = await waitForTrainingJob(o.sagemaker(), jobName, { ...o.waitOptions, onUpdate: (u) => o.log(`${jobName}: ${u.status} ${u.secondaryStatus}`) });
    url = job.ModelArtifacts?.S3ModelArtifacts;
  } catch (err) {
    if (isSageMakerError(err, "JOB_NOT_FOUND")) {
      o.log(`training job ${jobName} was never created; training again`);
      return train(data, { ...o, algorithm: algorithm ?? o.algorithm });
    }
    return trainingFailed(err, false, o);
  }
  if (!url) return trainingFailed(new InfraError("TRAINING_FAILED", `training job ${jobName} completed without a model artifact`), true, o);
  return recordTrained(jobName, data, url, o, algorithm);
}

async function keepRecorded(recorded: DeployedModel, o: ModelStepOptions): Promise<DeployedModel> {
  const head = await headObject(o.s3, recorded.modelDataUrl);
  if (!head) throw new InfraError("MODEL_INVALID", `recorded model ${recorded.modelDataUrl.slice(0, 120)} no longer exists; deploy with --model FILE or --retrain`);
  o.log(`model ${recorded.modelDataUrl} (sha256 ${recorded.sha256.slice(0, 12)}) unchanged`);
  return recorded;
}

/**
 * The model step of the deploy (see {@link runDeploy}): makes sure the model the stack will serve
 * (the classifier, or with `role` the anomaly detector) is in S3 and recorded with its content
 * hash and the algorithm recognised in it, doing only what is needed — an upload of the same bytes, a URL whose
 * ETag is unchanged, or a finished training run is not repeated, and a training job started by a
 * deploy that stopped early is followed to its end instead of starting another.
 *
 * @example
 * ```ts
 * const model = await resolveModel({ source: { kind: "file", path: "model.tar.gz" }, retrain: false, stack, state, save, s3,
 *   sagemaker: () => sm, hyperparameters: {}, trainingDir: ".fraud/training", log: console.log, now: () => new Date() });
 * ```
 * @returns The model to serve, or `null` when none was given and none is recorded.
 * @throws {@link InfraError} `MODEL_INVALID`, `AWS_FAILED`, `TRAINING_FAILED` or `INVALID_ARGUMENT`.
 * @public
 */
export async function resolveModel(o: ModelStepOptions): Promise<DeployedModel | null> {
  const recorded = o.state.model;
  const source = o.source;
  if (role(o).kind === "anomalyDetector") {
    if (source?.kind === "file") return uploadLocal(source.path, o);
    if (source?.kind === "url") return fromUrl(source.url, o);
    if (source?.kind === "train") throw new InfraError("INVALID_ARGUMENT", "the deploy trains the classifier only: train the anomaly detector with fraud-train local --algorithm randomcutforest and give its model.tar.gz");
    const detector = recordedOf(o);
    return detector ? keepRecorded(detector, o) : null;
  }
  if (o.state.training) {
    if (source?.kind !== "file" && source?.kind !== "url") return resumeTraining(o);
    o.log(`no longer following training job ${o.state.training.jobName} (it runs to its end on SageMaker)`);
    o.state.training = null;
  }
  if (source?.kind === "file") return uploadLocal(source.path, o);
  if (source?.kind === "url") return fromUrl(source.url, o);
  if (source?.kind === "train") {
    const sameAlgorithm = (o.algorithm ?? "linear-learner") === (recorded?.algorithm ?? "linear-learner");
    if (!o.retrain && recorded?.source === "train" && recorded.data === source.data && sameAlgorithm) return keepRecorded(recorded, o);
    return train(source.data, o);
  }
  if (o.retrain) {
    if (recorded?.source !== "train" || !recorded.data) throw new InfraError("INVALID_ARGUMENT", "--retrain needs training data: add --data FILE (creditcard.csv)");
    return train(recorded.data, o);
  }
  return recorded ? keepRecorded(recorded, o) : null;
}
