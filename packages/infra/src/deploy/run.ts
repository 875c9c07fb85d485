import { existsSync, statSync } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { WaitOptions } from "@fraud/trainer/sagemaker";
import { InfraError } from "../errors.js";
import { inspectModel, readModelFile, resolveModel } from "./model.js";
import { parseS3Object } from "./s3.js";
import type { ModelFromFile, ModelFromUrl, ModelSource } from "./model.js";
import { stackOutputsFromTerraform, writeStackFile } from "./outputs.js";
import { openStack } from "./stack-runner.js";
import type { StackCommandOptions, StackRunner, StackVariant } from "./stack-runner.js";
import type { Algorithm, StackOutputs } from "@fraud/contracts";
import { laterPhase, loadState, saveState } from "./state.js";
import type { DeployState, DeployedModel } from "./state.js";
import type { Phase } from "../config.js";
import type { StackClients, StackTrainer } from "./train.js";

/** The steps of a deploy, in order. @public */
export const DEPLOY_STEPS = ["foundation", "outputs", "model", "serving", "all"] as const;

/** One of {@link DEPLOY_STEPS}. @public */
export type DeployStep = (typeof DEPLOY_STEPS)[number];

/** Options of {@link runDeploy}. @public */
export interface DeployOptions extends StackCommandOptions {
  /** Stack outputs file. @defaultValue `fraud-stack.json` */
  stackFile?: string;
  /** Where the model comes from; default the recorded one, else the configured `model.dataUrl`. */
  model?: ModelSource;
  /** Train a new model (with `model: {kind: "train"}` or the recorded training data) and roll the endpoint to it. */
  retrain?: boolean;
  /** Hyperparameters for training (the algorithm's SageMaker names). */
  hyperparameters?: Record<string, string>;
  /** The classifier algorithm `--train` trains (`linear-learner` or `xgboost`); default the configuration's `model.algorithm`. */
  algorithm?: Algorithm;
  /** Where the anomaly detector comes from (a local Random Cut Forest `model.tar.gz` or an `s3://` URL); default the recorded one, else the configured `anomalyDetector.modelPath` / `dataUrl` when `anomalyDetector.enabled`. */
  anomalyModel?: ModelFromFile | ModelFromUrl;
  /** Stop after this step. @defaultValue `"all"` */
  until?: DeployStep;
  /** AWS clients to use (tests, custom endpoints); default clients in the stack's region. */
  clients?: Partial<StackClients>;
  /** Training runner; default `fraud-train sagemaker` with the stack. */
  trainer?: StackTrainer;
  /** Polling of a training job. */
  waitOptions?: Omit<WaitOptions, "onUpdate" | "signal">;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Clock. */
  now?: () => Date;
}

/** What one step did. @public */
export interface StepReport {
  /** The step. */
  step: DeployStep;
  /** `applied`: terraform changed something; `unchanged`: nothing to do; `done`: work done outside terraform. */
  status: "applied" | "unchanged" | "done";
  /** One line of detail. */
  detail: string;
}

/** What {@link runDeploy} did. @public */
export interface DeployResult {
  /** Steps run, in order. */
  steps: StepReport[];
  /** `fraud-stack.json` contents (absent when stopped before the outputs). */
  stack?: StackOutputs;
  /** The model served (`null` when none is known yet: the foundation only). */
  model: DeployedModel | null;
  /** The anomaly detector served beside it (`null`: none). */
  anomalyDetector: DeployedModel | null;
  /** Path of the state file. */
  stateFile: string;
  /** Path of `fraud-stack.json`. */
  stackFile: string;
}

/** Per-run context shared by the steps. */
interface Run {
  o: DeployOptions;
  env: NodeJS.ProcessEnv;
  state: DeployState;
  stateFile: string;
  stackFile: string;
  runner: StackRunner;
  steps: StepReport[];
  log: (line: string) => void;
  now: () => Date;
  /** Hash of the last configuration planned with no pending changes in this run. */
  clean?: string;
  save: () => Promise<void>;
}

function report(run: Run, step: DeployStep, status: StepReport["status"], detail: string): void {
  run.steps.push({ step, status, detail });
  run.log(`${step}: ${detail}`);
}

/** The models a phase serves: the classifier, and the anomaly detector when there is one. */
interface Served {
  model: DeployedModel | null;
  detector: DeployedModel | null;
}

/** The stack variant serving `models` (the runner labels the scorer's `MODEL_VERSION`s from their URLs, the image follows the algorithm recognised). */
function modelVariant({ model, detector }: Served): StackVariant {
  return {
    modelDataUrl: model ? model.modelDataUrl : null,
    ...(model?.algorithm ? { algorithm: model.algorithm } : {}),
    anomalyModelDataUrl: model && detector ? detector.modelDataUrl : null,
  };
}

/**
 * Without a state file (first run, or a new machine sharing an S3 backend), reads what is
 * deployed from Terraform's outputs (`phase`, `model_data_url`, `anomaly_model_data_url`), so the first plan never removes
 * serving or the scorer from a stack deployed earlier.
 */
async function adopt(run: Run): Promise<void> {
  const deployed = await run.runner.deployedFromOutputs();
  if (!deployed) return;
  const { phase, modelDataUrl: url, anomalyModelDataUrl: detector } = deployed;
  run.log(`no deploy state: continuing from what is deployed (${phase}, ${url}${detector ? `, anomaly detector ${detector}` : ""})`);
  const config = run.runner.config();
  const c = await clients(run, config.region);
  try {
    run.state.model = { source: "url", modelDataUrl: url, ...(await inspectModel(c.s3, url)), at: run.now().toISOString() };
    if (detector !== undefined) {
      const role = { kind: "anomalyDetector", scoringMode: config.anomalyDetector.scoringMode } as const;
      run.state.anomalyDetector = { source: "url", modelDataUrl: detector, ...(await inspectModel(c.s3, detector, role)), at: run.now().toISOString() };
    }
  } finally {
    c.close();
  }
  run.state.phase = phase;
}

/**
 * Applies the stack as `phase` (never less than what a previous run applied, so nothing deployed
 * is planned away) with `model`: synth, then validate + plan, and apply only when the plan has changes.
 */
async function applyPhase(run: Run, step: Phase, served: Served): Promise<void> {
  const phase = laterPhase(run.state.phase, step);
  const config = run.runner.synth({ phase, ...modelVariant(served) });
  const as = phase === step ? "" : ` (as ${phase}: already deployed)`;
  if (run.clean === config) {
    report(run, step, "unchanged", `same configuration as the previous step${as}: no changes`);
    return;
  }
  const outcome = await run.runner.planAndApply(join(run.runner.dir, `deploy-${phase}.tfplan`), config, async () => {
    // Recorded before the apply: after a failure the next run plans at least this phase.
    run.state.phase = phase;
    await run.save();
  });
  run.state.phase = laterPhase(run.state.phase, phase);
  run.state.applied[phase] = { at: run.now().toISOString(), config, changed: outcome.changed };
  await run.save();
  run.clean = config;
  report(run, step, outcome.changed ? "applied" : "unchanged", `${outcome.changed ? "applied" : "no changes"}${as}`);
}

async function writeOutputs(run: Run): Promise<StackOutputs> {
  const tf = await run.runner.tf();
  const stack = stackOutputsFromTerraform(await tf.outputs(), run.o.environment);
  const changed = await writeStackFile(run.stackFile, stack);
  report(run, "outputs", "done", `${changed ? "wrote" : "unchanged"} ${run.stackFile}`);
  return stack;
}

/** The AWS clients of the model step, made in the stack's region unless given (the SDK loads on use). */
async function clients(run: Run, region: string): Promise<{ s3: S3Client; sagemaker: () => SageMakerClient; close: () => void }> {
  const made: { s3?: S3Client; sm?: SageMakerClient } = {};
  const s3 = run.o.clients?.s3 ?? (made.s3 = new (await import("@aws-sdk/client-s3")).S3Client({ region }));
  const SageMaker = run.o.clients?.sagemaker ? undefined : (await import("@aws-sdk/client-sagemaker")).SageMakerClient;
  return {
    s3,
    sagemaker: () => run.o.clients?.sagemaker ?? (made.sm ??= new SageMaker!({ region })),
    close: () => {
      made.s3?.destroy();
      made.sm?.destroy();
    },
  };
}

async function modelStep(run: Run, stack: StackOutputs): Promise<DeployedModel | null> {
  const c = await clients(run, stack.region);
  try {
    const before = run.state.model;
    const model = await resolveModel({
      source: run.o.model,
      retrain: run.o.retrain ?? false,
      stack,
      state: run.state,
      save: run.save,
      s3: c.s3,
      sagemaker: c.sagemaker,
      hyperparameters: run.o.hyperparameters ?? {},
      algorithm: run.o.algorithm ?? run.runner.config().model.algorithm,
      trainingDir: join(run.o.cwd, ".fraud", "training"),
      log: run.log,
      now: run.now,
      ...(run.o.trainer ? { trainer: run.o.trainer } : {}),
      ...(run.o.waitOptions ? { waitOptions: run.o.waitOptions } : {}),
    });
    if (!model) {
      report(run, "model", "done", "no model yet: the foundation is deployed; add --model FILE (from fraud-train local) or --train --data FILE");
      return null;
    }
    run.state.model = model;
    await run.save();
    const same = before?.sha256 === model.sha256 && before.modelDataUrl === model.modelDataUrl;
    report(run, "model", same ? "unchanged" : "done", `${model.modelDataUrl} (${model.algorithm ?? "linear-learner"}, sha256 ${model.sha256.slice(0, 12)}, ${model.source})`);
    return model;
  } finally {
    c.close();
  }
}

/**
 * The anomaly detector's part of the model step: its `model.tar.gz` uploaded (a local forest) or
 * checked (a URL), servable in its scoring mode; `null` when neither the configuration, a flag nor
 * an earlier deploy gives one (a detector switched off with `anomalyDetector.enabled: false` is no
 * longer served).
 */
async function detectorStep(run: Run, stack: StackOutputs): Promise<DeployedModel | null> {
  const source = run.o.anomalyModel;
  const settings = run.runner.config().anomalyDetector;
  // Unset `enabled` keeps a detector an earlier `--anomaly-model` gave; `false` removes it.
  if (!source && settings.enabled !== true && (settings.enabled === false || !run.state.anomalyDetector)) {
    if (run.state.anomalyDetector) {
      run.log("anomaly detector: disabled in the configuration; it is removed from the stack");
      run.state.anomalyDetector = null;
      await run.save();
    }
    return null;
  }
  const c = await clients(run, stack.region);
  try {
    const before = run.state.anomalyDetector ?? null;
    const detector = await resolveModel({
      source,
      retrain: false,
      stack,
      state: run.state,
      save: run.save,
      s3: c.s3,
      sagemaker: c.sagemaker,
      hyperparameters: {},
      trainingDir: join(run.o.cwd, ".fraud", "training"),
      log: run.log,
      now: run.now,
      role: { kind: "anomalyDetector", scoringMode: settings.scoringMode },
    });
    if (!detector) {
      run.log("anomaly detector: enabled but no model yet; add --anomaly-model FILE (from fraud-train local --algorithm randomcutforest) or set anomalyDetector.dataUrl");
      return null;
    }
    run.state.anomalyDetector = detector;
    await run.save();
    const same = before?.sha256 === detector.sha256 && before.modelDataUrl === detector.modelDataUrl;
    report(run, "model", same ? "unchanged" : "done", `anomaly detector ${detector.modelDataUrl} (${settings.scoringMode}, sha256 ${detector.sha256.slice(0, 12)}, ${detector.source})`);
    return detector;
  } finally {
    c.close();
  }
}

/** The detector flags, else the configured `anomalyDetector.modelPath` or `dataUrl` (when enabled). */
function configuredDetector(o: DeployOptions, runner: StackRunner): ModelFromFile | ModelFromUrl | undefined {
  if (o.anomalyModel) return o.anomalyModel;
  const a = runner.config().anomalyDetector;
  if (!a.enabled) return undefined;
  if (a.modelPath !== undefined) return { kind: "file", path: a.modelPath };
  return a.dataUrl !== undefined ? { kind: "url", url: a.dataUrl } : undefined;
}

/** The model flags, else the configured `model.dataUrl` (`FRAUD_INFRA_MODEL_DATA_URL`, the file, or `sagemaker.json`). */
function configuredModel(o: DeployOptions, runner: StackRunner): ModelSource | undefined {
  if (o.model) return o.model;
  const url = runner.config().model.dataUrl;
  return url ? { kind: "url", url } : undefined;
}

/** The models the foundation step plans with: none before serving was ever applied. */
function deployedModels(run: Run): Served {
  const served = run.state.phase && run.state.phase !== "foundation";
  return { model: served ? run.state.model : null, detector: served ? (run.state.anomalyDetector ?? null) : null };
}

/** A readable, non-empty regular file, else `INVALID_ARGUMENT` naming the flag. */
async function checkDataFile(path: string, flag: string): Promise<void> {
  const fail = (why: string, cause?: unknown): never => {
    throw new InfraError("INVALID_ARGUMENT", `${flag} ${path.slice(0, 120)}: ${why}`, cause === undefined ? {} : { cause });
  };
  try {
    const info = await stat(path);
    if (!info.isFile()) fail("not a regular file");
    if (info.size === 0) fail("the file is empty");
    await access(path, constants.R_OK);
  } catch (err) {
    if (err instanceof InfraError) throw err;
    fail(`cannot read it (${(err as NodeJS.ErrnoException).code ?? "error"})`, err);
  }
}

/**
 * Everything a deploy can check before its first Terraform command: the configuration (and the
 * scorer zip the last phase needs), the model file (readable, within the size limit, a model the
 * endpoint can serve), the model URL (`s3://bucket/key`), the training data, and that `--retrain`
 * has data to train on. A bad argument fails here, before anything is planned or applied.
 * @throws {@link InfraError} `INVALID_ARGUMENT`, `MODEL_INVALID`, `ASSET_MISSING` or a configuration error.
 */
async function checkInputs(o: DeployOptions, runner: StackRunner, state: DeployState): Promise<void> {
  const config = runner.config();
  const source = o.model;
  if (source?.kind === "file") await readModelFile(source.path);
  if (source?.kind === "url") parseS3Object(source.url);
  const detector = o.anomalyModel;
  if (detector?.kind === "file") await readModelFile(detector.path, { kind: "anomalyDetector", scoringMode: config.anomalyDetector.scoringMode });
  if (detector?.kind === "url") parseS3Object(detector.url);
  if (source?.kind === "train") await checkDataFile(source.data, "--data");
  if (o.retrain && source?.kind !== "train" && !(state.model?.source === "train" && state.model.data)) {
    throw new InfraError("INVALID_ARGUMENT", "--retrain needs training data: add --data FILE (creditcard.csv)");
  }
  const untilAll = DEPLOY_STEPS.indexOf(o.until ?? "all") === DEPLOY_STEPS.length - 1;
  const zip = config.lambda.zipPath;
  if (untilAll && (source !== undefined || state.model !== null) && !(existsSync(zip) && statSync(zip).isFile())) {
    throw new InfraError("ASSET_MISSING", `lambda zip not found: ${zip} (run "nx run lambda-scorer:bundle" or set lambda.zipPath)`, { field: "lambda.zipPath" });
  }
}

/**
 * The phased deploy behind `nx run infra:deploy`: foundation → `fraud-stack.json` → a model →
 * serving → scorer, trigger and schedule. Every step is idempotent: `terraform plan` with no
 * changes skips the apply, a model already in S3 with the same hash is not uploaded again, and the
 * state file (`.fraud/deploy-<env>.json`) lets a run after a failure continue where it stopped.
 * Every input is checked before the first Terraform command (configuration, model file or URL,
 * training data, flags): a bad one fails without planning or applying anything.
 *
 * @example
 * ```ts
 * const result = await runDeploy({ environment: "dev", cwd: "packages/infra", model: { kind: "file", path: "runs/local/model.tar.gz" } });
 * for (const s of result.steps) console.log(s.step, s.status, s.detail);
 * ```
 * @throws {@link InfraError} with the failing step's code (`COMMAND_FAILED`, `MODEL_INVALID`, …).
 * @public
 */
export async function runDeploy(o: DeployOptions): Promise<DeployResult> {
  const { runner, env, stateFile } = openStack(o);
  const stackFile = resolve(o.cwd, o.stackFile ?? "fraud-stack.json");
  const until = DEPLOY_STEPS.indexOf(o.until ?? "all");
  const state = await loadState(stateFile, o.environment);
  const now = o.now ?? (() => new Date());
  const source = configuredModel(o, runner);
  const detectorSource = configuredDetector(o, runner);
  const run: Run = { o: { ...o, ...(source ? { model: source } : {}), ...(detectorSource ? { anomalyModel: detectorSource } : {}) }, env, state, stateFile, stackFile, runner, steps: [], log: o.log ?? (() => {}), now, save: () => saveState(stateFile, state, now()) };
  const result = (stack?: StackOutputs): DeployResult => ({ steps: run.steps, ...(stack ? { stack } : {}), model: state.model, anomalyDetector: state.anomalyDetector ?? null, stateFile, stackFile });

  await checkInputs(run.o, runner, state);
  if (state.phase === null) await adopt(run);
  await applyPhase(run, "foundation", deployedModels(run));
  if (until < 1) return result();
  let stack = await writeOutputs(run);
  if (until < 2) return result(stack);
  const model = await modelStep(run, stack);
  if (!model) return result(stack);
  const detector = await detectorStep(run, stack);
  if (until < 3) return result(stack);
  await applyPhase(run, "serving", { model, detector });
  if (until < 4) return result(stack);
  await applyPhase(run, "all", { model, detector });
  stack = await writeOutputs(run);
  return result(stack);
}

/**
 * The model source named by the command-line flags, rejecting contradictory ones with one line.
 * @example
 * ```ts
 * modelSource({ train: true, data: "creditcard.csv" }); // { kind: "train", data: "creditcard.csv" }
 * ```
 * @throws {@link InfraError} `INVALID_ARGUMENT`.
 * @public
 */
export function modelSource(flags: { model?: string; modelUrl?: string; train?: boolean; data?: string; retrain?: boolean }): ModelSource | undefined {
  const given = [flags.model !== undefined, flags.modelUrl !== undefined, flags.train === true].filter(Boolean).length;
  if (given > 1) throw new InfraError("INVALID_ARGUMENT", "give only one of --model FILE, --model-url S3URL and --train");
  if (flags.data !== undefined && !flags.train && !flags.retrain) throw new InfraError("INVALID_ARGUMENT", "--data is for --train or --retrain");
  if (flags.train && flags.data === undefined) throw new InfraError("INVALID_ARGUMENT", "--train needs --data FILE (creditcard.csv)");
  if (flags.retrain && (flags.model !== undefined || flags.modelUrl !== undefined)) throw new InfraError("INVALID_ARGUMENT", "--retrain trains on SageMaker: use it with --data FILE, not --model or --model-url");
  if (flags.model !== undefined) return { kind: "file", path: flags.model };
  if (flags.modelUrl !== undefined) return { kind: "url", url: flags.modelUrl };
  if (flags.data !== undefined) return { kind: "train", data: flags.data };
  return undefined;
}
