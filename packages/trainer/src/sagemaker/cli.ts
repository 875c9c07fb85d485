import { createInterface } from "node:readline/promises";
import { CommanderError, InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import type { S3Client } from "@aws-sdk/client-s3";
import type { DescribeTrainingJobResponse, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { parseHyperparameterArgs } from "../hyperparameters.js";
import { ALGORITHMS } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { TRAINING_DEFAULTS, formatHyperparameters } from "../defaults.js";
import { CHANNEL_CONTENT_TYPES, TRAINING_JOB_DEFAULTS } from "./defaults.js";
import { formatJob, formatUpdate, uploadProgress } from "./display.js";
import { SageMakerError } from "./errors.js";
import type { WaitOptions } from "./monitor.js";
import type { AwsClients, SageMakerRunResult, SageMakerTrainOptions } from "./run.js";
import { readStackFile } from "./stack-file.js";

// The AWS SDK takes most of a second to load: it is imported when a SageMaker command runs, so
// registering these commands costs the rest of the CLI nothing.
const sdk = async () => {
  const [s3, sm, run, monitor] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/client-sagemaker"), import("./run.js"), import("./monitor.js")]);
  return { S3Client: s3.S3Client, SageMakerClient: sm.SageMakerClient, ...run, ...monitor };
};

/** Hooks of the SageMaker subcommands, for embedding and tests; every field is optional. @public */
export interface SagemakerCliDeps {
  /** Writes to standard output. @defaultValue process.stdout.write */
  stdout?: (text: string) => void;
  /** Writes to standard error. @defaultValue process.stderr.write */
  stderr?: (text: string) => void;
  /** Whether standard error is a terminal (progress bar) and Ctrl-C can ask a question. @defaultValue process.stderr.isTTY */
  interactive?: boolean;
  /** Clients to use instead of ones built from the standard SDK configuration. */
  clients?: AwsClients;
  /** Asks whether to stop the job after Ctrl-C. @defaultValue a y/N question on the terminal */
  confirmStop?: (jobName: string) => Promise<boolean>;
  /** Registers the Ctrl-C handler; returns its removal. @defaultValue process.on("SIGINT") */
  onInterrupt?: (handler: () => void) => () => void;
  /** Polling settings while waiting. */
  waitOptions?: Omit<WaitOptions, "onUpdate" | "signal">;
  /** Clock for generated job names. @defaultValue the current time */
  now?: () => Date;
}

type Io = Required<Pick<SagemakerCliDeps, "stdout" | "stderr" | "interactive" | "onInterrupt" | "confirmStop">> & SagemakerCliDeps;

function int(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

function parseTags(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new CommanderError(2, "usage", `--tag ${JSON.stringify(p.slice(0, 80))} is not key=value`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

async function askOnTerminal(jobName: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`\nStop training job ${jobName}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

const defaultOnInterrupt = (handler: () => void): (() => void) => {
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
};

interface TrainFlags {
  algorithm: string;
  contentType?: string;
  testChannel: boolean;
  data: string;
  stack?: string;
  bucket?: string;
  prefix?: string;
  role?: string;
  region?: string;
  profile?: string;
  instanceType: string;
  instanceCount: number;
  volumeSize: number;
  maxRuntime: number;
  maxWait?: number;
  spot?: boolean;
  hp: string[];
  tag: string[];
  jobName?: string;
  seed: number;
  wait?: boolean;
  out?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The library options of a `fraud-train sagemaker` command line. */
async function trainOptions(flags: TrainFlags, now: Date | undefined): Promise<SageMakerTrainOptions> {
  const stack = flags.stack !== undefined ? await readStackFile(flags.stack) : undefined;
  const prefix = flags.prefix?.replace(/\/+$/, "");
  const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  const algorithm = flags.algorithm as Algorithm; // one of ALGORITHMS (commander's choices); checked again by the run
  return {
    algorithm,
    ...opt("contentType", flags.contentType),
    ...(algorithm === "randomcutforest" || !flags.testChannel ? { testChannel: flags.testChannel } : {}),
    data: flags.data,
    ...opt("stack", stack),
    ...opt("bucket", flags.bucket),
    ...opt("roleArn", flags.role),
    ...opt("region", flags.region),
    ...(prefix !== undefined ? { dataPrefix: prefix === "" ? "data/" : `${prefix}/data/`, modelPrefix: prefix === "" ? "models/" : `${prefix}/models/` } : {}),
    ...opt("profile", flags.profile),
    instanceType: flags.instanceType,
    instanceCount: flags.instanceCount,
    volumeSizeGb: flags.volumeSize,
    maxRuntimeSeconds: flags.maxRuntime,
    spot: flags.spot ?? false,
    ...opt("maxWaitSeconds", flags.maxWait),
    hyperparameters: parseHyperparameterArgs(flags.hp),
    tags: parseTags(flags.tag),
    ...opt("jobName", flags.jobName),
    ...opt("now", now),
    seed: flags.seed,
    wait: flags.wait ?? false,
    ...opt("outDir", flags.out),
    dryRun: flags.dryRun ?? false,
  };
}

/**
 * Ctrl-C while training: before the job exists, cancel (nothing billed); afterwards, ask whether
 * to stop the job, else stop following it and leave it running.
 */
function interruptHandling(io: Io, stop: (jobName: string) => Promise<void>): { controller: AbortController; created(name: string): void; remove(): void } {
  const controller = new AbortController();
  let jobName: string | undefined;
  let asking = false;
  const remove = io.onInterrupt(() => {
    if (jobName === undefined) return controller.abort(new SageMakerError("AWS_ERROR", "interrupted before the training job was created; nothing was billed"));
    if (asking) return;
    asking = true;
    const name = jobName;
    const detach = (): void => controller.abort(new SageMakerError("AWS_ERROR", `stopped following training job ${name}; it keeps running (fraud-train sagemaker-status ${name})`));
    if (!io.interactive) return detach();
    void io.confirmStop(name).then(
      async (yes) => {
        asking = false;
        if (!yes) return detach();
        io.stderr(`stopping training job ${name}\n`);
        await stop(name).catch((e: unknown) => io.stderr(`could not stop ${name}: ${(e as Error).message}\n`));
      },
      () => detach(),
    );
  });
  return { controller, remove, created: (name) => void (jobName = name) };
}

function report(io: Io, result: SageMakerRunResult, json: boolean, dryRunOutput: (r: SageMakerRunResult) => unknown): void {
  if (result.dryRun) return io.stdout(`${JSON.stringify(dryRunOutput(result), null, 2)}\n`);
  const name = result.plan.request.TrainingJobName!;
  if (json) {
    const files = result.evaluation?.files;
    return io.stdout(`${JSON.stringify({ jobName: name, jobArn: result.jobArn, region: result.region, modelDataUrl: result.record?.modelDataUrl ?? result.plan.layout.modelDataUrl, ...(files ? { files } : {}) }, null, 2)}\n`);
  }
  if (result.evaluation === undefined) {
    io.stdout(`${name}\n`);
    return io.stderr(`follow with: fraud-train sagemaker-status ${name}\n`);
  }
  const t = result.evaluation.metrics.test;
  if (t !== null) io.stderr(`test split: precision ${t.precision.toFixed(4)}, recall ${t.recall.toFixed(4)}, PR AUC ${t.prAuc.toFixed(4)}\n`);
  const own = Object.entries(result.evaluation.metrics.sagemaker.finalMetrics ?? {});
  if (own.length > 0) io.stderr(`SageMaker's metrics: ${own.map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  for (const f of Object.values(result.evaluation.files)) io.stderr(`wrote ${f}\n`);
  io.stdout(`${name}\n`);
}

/** The `fraud-train sagemaker` action. */
async function train(flags: TrainFlags, io: Io): Promise<void> {
  if (!flags.dryRun && flags.out === undefined) throw new CommanderError(2, "usage", "--out DIR is required (except with --dry-run)");
  if (flags.stack === undefined && (flags.bucket === undefined || flags.role === undefined)) {
    throw new CommanderError(2, "usage", "give --stack FILE (the deployed stack's outputs), or --bucket and --role");
  }
  const options = await trainOptions(flags, io.now?.());
  const { S3Client, SageMakerClient, dryRunOutput, resolveRegion, runSageMakerTraining, stopTrainingJob } = await sdk();
  const region = options.stack?.region ?? (await resolveRegion(flags.region, flags.profile));
  const conf = { region, ...(flags.profile !== undefined ? { profile: flags.profile } : {}) };
  const given = io.clients ?? {};
  const sm: SageMakerClient | undefined = flags.dryRun ? undefined : (given.sagemaker ?? new SageMakerClient(conf));
  const s3: S3Client | undefined = flags.dryRun ? undefined : (given.s3 ?? new S3Client(conf));
  const progress = uploadProgress(io.stderr, io.interactive);
  const interrupt = interruptHandling(io, async (name) => (sm ? stopTrainingJob(sm, name) : undefined));
  try {
    const result = await runSageMakerTraining({
      ...options,
      region,
      ...(sm !== undefined && s3 !== undefined ? { clients: { s3, sagemaker: sm } } : {}),
      onUploadProgress: (p) => progress.update(p),
      onUpdate: (u) => io.stderr(formatUpdate(u)),
      onStep: (m) => {
        progress.stop();
        if (!flags.dryRun) io.stderr(`${m}\n`);
      },
      onJobCreated: interrupt.created,
      ...(io.waitOptions ? { waitOptions: io.waitOptions } : {}),
      signal: interrupt.controller.signal,
    });
    progress.stop();
    report(io, result, flags.json ?? false, dryRunOutput);
  } finally {
    progress.stop();
    interrupt.remove();
    if (given.sagemaker === undefined) sm?.destroy();
    if (given.s3 === undefined) s3?.destroy();
  }
}

function addTrainCommand(program: Command, io: Io): void {
  program
    .command("sagemaker")
    .description("train a built-in algorithm on SageMaker (Linear Learner, XGBoost 1.7-1, Random Cut Forest): split, upload the channels to S3, CreateTrainingJob; with --wait, evaluate the model")
    .requiredOption("--data <file>", "creditcard.csv to split (70/15/15, stratified) and upload")
    .addOption(new Option("--algorithm <name>", "built-in algorithm, as SageMaker names it").choices([...ALGORITHMS]).default("linear-learner"))
    .option("--content-type <type>", `xgboost channels: ${CHANNEL_CONTENT_TYPES.xgboost.join(" (label first, no header) or ")} (default ${CHANNEL_CONTENT_TYPES.xgboost[0]}); the others train on RecordIO-protobuf`)
    .option("--no-test-channel", "randomcutforest: no labelled test channel (SageMaker then reports no metrics of its own)")
    .addOption(new Option("--stack <file>", "the deployed stack's outputs (fraud-stack.json or terraform output -json): bucket, prefixes, role, region, job-name prefix").conflicts(["bucket", "role", "prefix", "region"]))
    .option("--bucket <name>", "S3 bucket for data, checkpoints and model output (without --stack)")
    .option("--prefix <prefix>", `key prefix in the bucket: data under PREFIX/data/, output under PREFIX/models/ (default: ${TRAINING_JOB_DEFAULTS.dataPrefix.split("/")[0]})`)
    .option("--role <arn>", "IAM role ARN SageMaker assumes for the job (without --stack)")
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's); one where the algorithm's image is published")
    .option("--profile <name>", "AWS shared-config profile")
    .option("--instance-type <type>", "training instance type", TRAINING_JOB_DEFAULTS.instanceType)
    .option("--instance-count <n>", "training instances (train channel sharded by S3 key above 1)", int("--instance-count", 1), TRAINING_JOB_DEFAULTS.instanceCount)
    .option("--volume-size <gb>", "ML storage volume per instance, GB", int("--volume-size", 1), TRAINING_JOB_DEFAULTS.volumeSizeGb)
    .option("--max-runtime <seconds>", "stopping condition: maximum training time", int("--max-runtime", 1), TRAINING_JOB_DEFAULTS.maxRuntimeSeconds)
    .option("--spot", "managed spot training, with checkpoints in S3")
    .option("--max-wait <seconds>", "spot: maximum wait including interruptions (default 2 x max runtime)", int("--max-wait", 1))
    .option("--hp <key=value>", `the algorithm's SageMaker hyperparameter (repeatable), over the defaults: ${ALGORITHMS.map((a) => `${a} ${formatHyperparameters(TRAINING_DEFAULTS[a])}`).join("; ")}`, collect, [])
    .option("--tag <key=value>", "tag of the training job (repeatable)", collect, [])
    .option("--job-name <name>", `training job name (default <prefix>yyyyMMddHHmmss: the stack's trainingJobPrefix, else fraud-<algorithm>-)`)
    .addOption(new Option("--seed <n>", "seed of the stratified split").argParser(int("--seed", 0)).default(0))
    .option("--wait", "follow the job, then evaluate its model on the test split and write DIR/metrics.json, report.html, sagemaker.json")
    .option("--out <dir>", "output directory: training-job.json; with --wait also metrics.json, report.html, sagemaker.json (required unless --dry-run)")
    .option("--dry-run", "print what would be uploaded and sent, as JSON; no credentials needed, nothing sent")
    .option("--json", "print the result as JSON on stdout (a dry run always does)")
    .action((flags: TrainFlags) => train(flags, io));
}

/**
 * Adds the `sagemaker`, `sagemaker-status` and `sagemaker-stop` subcommands to a commander program
 * (the `fraud-train` CLI). Actions throw {@link SageMakerError} / `TrainError` on bad input or
 * failure; the program's top level prints them as one line and exits non-zero.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * const program = new Command("fraud-train");
 * registerSagemakerCommands(program);
 * await program.parseAsync(process.argv);
 * ```
 * @public
 */
export function registerSagemakerCommands(program: Command, deps: SagemakerCliDeps = {}): void {
  const io: Io = {
    ...deps,
    stdout: deps.stdout ?? ((s: string) => void process.stdout.write(s)),
    stderr: deps.stderr ?? ((s: string) => void process.stderr.write(s)),
    interactive: deps.interactive ?? Boolean(process.stderr.isTTY),
    onInterrupt: deps.onInterrupt ?? defaultOnInterrupt,
    confirmStop: deps.confirmStop ?? askOnTerminal,
  };
  addTrainCommand(program, io);

  const withClient = async <T>(flags: { region?: string; profile?: string }, fn: (sm: SageMakerClient) => Promise<T>): Promise<T> => {
    if (deps.clients?.sagemaker) return fn(deps.clients.sagemaker);
    const { SageMakerClient, requireCredentials, resolveRegion } = await sdk();
    const region = await resolveRegion(flags.region, flags.profile);
    const sm = new SageMakerClient({ region, ...(flags.profile !== undefined ? { profile: flags.profile } : {}) });
    try {
      await requireCredentials(sm);
      return await fn(sm);
    } finally {
      sm.destroy();
    }
  };

  program
    .command("sagemaker-status")
    .description("show a SageMaker training job's status, secondary status, failure reason and final metrics")
    .argument("<job>", "training job name")
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's)")
    .option("--profile <name>", "AWS shared-config profile")
    .option("--json", "print DescribeTrainingJob's response as JSON")
    .action(async (job: string, flags: { region?: string; profile?: string; json?: boolean }) => {
      const { describeTrainingJob } = await sdk();
      const d = await withClient(flags, (sm) => describeTrainingJob(sm, job));
      if (flags.json) {
        const { $metadata: _m, ...rest } = d as DescribeTrainingJobResponse & { $metadata?: unknown };
        io.stdout(`${JSON.stringify(rest, null, 2)}\n`);
      } else io.stdout(formatJob(d));
    });

  program
    .command("sagemaker-stop")
    .description("stop a running SageMaker training job")
    .argument("<job>", "training job name")
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's)")
    .option("--profile <name>", "AWS shared-config profile")
    .action(async (job: string, flags: { region?: string; profile?: string }) => {
      const { stopTrainingJob } = await sdk();
      await withClient(flags, (sm) => stopTrainingJob(sm, job));
      io.stdout(`stop requested for training job ${job}\n`);
    });
}
