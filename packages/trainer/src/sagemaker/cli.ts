import { createInterface } from "node:readline/promises";
import { CommanderError, InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import type { S3Client } from "@aws-sdk/client-s3";
import type { DescribeTrainingJobResponse, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { parseHyperparameterArgs } from "../hyperparameters.js";
import { TRAINING_JOB_DEFAULTS } from "./defaults.js";
import { SageMakerError } from "./errors.js";
import { LINEAR_LEARNER_REGIONS } from "./images.js";
import type { JobUpdate, WaitOptions } from "./monitor.js";
import type { AwsClients } from "./run.js";

// The AWS SDK takes most of a second to load: it is imported when a SageMaker command runs, so
// registering these commands costs the rest of the CLI nothing.
const sdk = async () => {
  const [s3, sm, run, monitor] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/client-sagemaker"), import("./run.js"), import("./monitor.js")]);
  return { S3Client: s3.S3Client, SageMakerClient: sm.SageMakerClient, ...run, ...monitor };
};
import type { UploadProgress } from "./upload.js";

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
}

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
    if (i <= 0) throw new CommanderError(2, "usage", `--tag "${p}" is not key=value`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** A progress display of the uploads: a bar on a terminal, a line per 10 % otherwise. */
function uploadProgress(write: (s: string) => void, interactive: boolean): { update(p: UploadProgress): void; stop(): void } {
  const start = Date.now();
  const speed = (bytes: number): string => (bytes / 1048576 / Math.max((Date.now() - start) / 1000, 1e-3)).toFixed(1);
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      { format: "upload |{bar}| {percentage}% {done}/{all} MB {speed} MB/s {key}", hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.allTotalBytes, 0, { done: "0.0", all: mb(p.allTotalBytes), speed: "0.0", key: p.key });
          started = true;
        }
        bar.update(p.allBytes, { done: mb(p.allBytes), all: mb(p.allTotalBytes), speed: speed(p.allBytes), key: p.key });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  let lastKey = "";
  return {
    update(p) {
      const decile = p.allTotalBytes === 0 ? 10 : Math.floor((10 * p.allBytes) / p.allTotalBytes);
      if (decile === lastDecile && p.key === lastKey) return;
      lastDecile = decile;
      lastKey = p.key;
      write(`upload ${p.key}: ${mb(p.allBytes)}/${mb(p.allTotalBytes)} MB (${Math.round((100 * p.allBytes) / Math.max(p.allTotalBytes, 1))}%), ${speed(p.allBytes)} MB/s\n`);
    },
    stop() {},
  };
}

function formatUpdate(u: JobUpdate): string {
  const t = `${Math.round(u.elapsedMs / 1000)}s`.padStart(6);
  if (u.kind === "retry") return `${t}  retrying: ${u.message}\n`;
  return `${t}  ${u.status} / ${u.secondaryStatus}${u.message ? `: ${u.message}` : ""}\n`;
}

/** A human-readable summary of a training job. */
export function formatJob(d: DescribeTrainingJobResponse): string {
  const lines = [
    `job:       ${d.TrainingJobName ?? "?"}`,
    `status:    ${d.TrainingJobStatus ?? "?"} (${d.SecondaryStatus ?? "?"})`,
    `created:   ${d.CreationTime?.toISOString() ?? "?"}`,
    `instances: ${d.ResourceConfig?.InstanceCount ?? "?"} x ${d.ResourceConfig?.InstanceType ?? "?"}${d.EnableManagedSpotTraining ? " (spot)" : ""}`,
    `image:     ${d.AlgorithmSpecification?.TrainingImage ?? "?"}`,
  ];
  if (d.TrainingTimeInSeconds !== undefined) lines.push(`trained:   ${d.TrainingTimeInSeconds} s (billable ${d.BillableTimeInSeconds ?? "?"} s)`);
  if (d.ModelArtifacts?.S3ModelArtifacts) lines.push(`model:     ${d.ModelArtifacts.S3ModelArtifacts}`);
  if (d.FailureReason) lines.push(`failure:   ${d.FailureReason}`);
  const t = d.SecondaryStatusTransitions;
  if (t && t.length > 0) lines.push(`latest:    ${t[t.length - 1]!.Status ?? ""}: ${t[t.length - 1]!.StatusMessage ?? ""}`);
  for (const m of d.FinalMetricDataList ?? []) lines.push(`metric:    ${m.MetricName ?? "?"} = ${m.Value ?? "?"}`);
  return `${lines.join("\n")}\n`;
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
  data: string;
  bucket: string;
  prefix: string;
  role: string;
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
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const interactive = deps.interactive ?? Boolean(process.stderr.isTTY);
  const onInterrupt = deps.onInterrupt ?? defaultOnInterrupt;
  const confirmStop = deps.confirmStop ?? askOnTerminal;

  program
    .command("sagemaker")
    .description("train Linear Learner on SageMaker: split, upload RecordIO to S3, CreateTrainingJob; with --wait, evaluate the model")
    .requiredOption("--data <file>", "creditcard.csv to split (70/15/15, stratified) and upload")
    .requiredOption("--bucket <name>", "S3 bucket for data, checkpoints and model output")
    .option("--prefix <prefix>", "key prefix in the bucket", "fraud-detection")
    .requiredOption("--role <arn>", "IAM role ARN SageMaker assumes for the job")
    .option("--region <region>", `AWS region (default: AWS_REGION or the profile's); one of ${LINEAR_LEARNER_REGIONS.length} Linear Learner regions`)
    .option("--profile <name>", "AWS shared-config profile")
    .option("--instance-type <type>", "training instance type", TRAINING_JOB_DEFAULTS.instanceType)
    .option("--instance-count <n>", "training instances (train channel sharded by S3 key above 1)", int("--instance-count", 1), TRAINING_JOB_DEFAULTS.instanceCount)
    .option("--volume-size <gb>", "ML storage volume per instance, GB", int("--volume-size", 1), TRAINING_JOB_DEFAULTS.volumeSizeGb)
    .option("--max-runtime <seconds>", "stopping condition: maximum training time", int("--max-runtime", 1), TRAINING_JOB_DEFAULTS.maxRuntimeSeconds)
    .option("--spot", "managed spot training, with checkpoints in S3")
    .option("--max-wait <seconds>", "spot: maximum wait including interruptions (default 2 x max runtime)", int("--max-wait", 1))
    .option("--hp <key=value>", "Linear Learner hyperparameter (repeatable)", collect, [])
    .option("--tag <key=value>", "tag of the training job (repeatable)", collect, [])
    .option("--job-name <name>", "training job name (default fraud-linear-learner-<timestamp>)")
    .addOption(new Option("--seed <n>", "seed of the stratified split").argParser(int("--seed", 0)).default(0))
    .option("--wait", "follow the job, then evaluate its model on the test split and write DIR/metrics.json, report.html, sagemaker.json")
    .option("--out <dir>", "output directory: training-job.json; with --wait also metrics.json, report.html, sagemaker.json (required unless --dry-run)")
    .option("--dry-run", "print what would be uploaded and sent, as JSON; no credentials needed, nothing sent")
    .action(async (flags: TrainFlags) => {
      if (!flags.dryRun && flags.out === undefined) throw new CommanderError(2, "usage", "--out DIR is required (except with --dry-run)");
      const hyperparameters = parseHyperparameterArgs(flags.hp);
      const tags = parseTags(flags.tag);
      const progress = uploadProgress(err, interactive);
      const controller = new AbortController();
      let jobName: string | undefined;
      let asking = false;
      const removeInterrupt = onInterrupt(() => {
        if (jobName === undefined) {
          controller.abort(new SageMakerError("AWS_ERROR", "interrupted before the training job was created; nothing was billed"));
          return;
        }
        if (asking) return;
        asking = true;
        const name = jobName;
        const detach = (): void =>
          controller.abort(new SageMakerError("AWS_ERROR", `stopped following training job ${name}; it keeps running (fraud-train sagemaker-status ${name})`));
        if (!interactive) return detach();
        void confirmStop(name).then(
          async (stop) => {
            asking = false;
            if (!stop) return detach();
            err(`stopping training job ${name}\n`);
            if (sm === undefined) return;
            await (await sdk()).stopTrainingJob(sm, name).catch((e: unknown) => err(`could not stop ${name}: ${(e as Error).message}\n`));
          },
          () => detach(),
        );
      });
      const clients = deps.clients ?? {};
      let sm: SageMakerClient | undefined;
      let s3: S3Client | undefined;
      try {
        const { S3Client, SageMakerClient, dryRunOutput, resolveRegion, runSageMakerTraining } = await sdk();
        const region = await resolveRegion(flags.region, flags.profile);
        const conf = { region, ...(flags.profile !== undefined ? { profile: flags.profile } : {}) };
        if (!flags.dryRun) {
          sm = clients.sagemaker ?? new SageMakerClient(conf);
          s3 = clients.s3 ?? new S3Client(conf);
        }
        const result = await runSageMakerTraining({
          data: flags.data,
          bucket: flags.bucket,
          prefix: flags.prefix,
          roleArn: flags.role,
          region,
          ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
          instanceType: flags.instanceType,
          instanceCount: flags.instanceCount,
          volumeSizeGb: flags.volumeSize,
          maxRuntimeSeconds: flags.maxRuntime,
          spot: flags.spot ?? false,
          ...(flags.maxWait !== undefined ? { maxWaitSeconds: flags.maxWait } : {}),
          hyperparameters,
          tags,
          ...(flags.jobName !== undefined ? { jobName: flags.jobName } : {}),
          seed: flags.seed,
          wait: flags.wait ?? false,
          ...(flags.out !== undefined ? { outDir: flags.out } : {}),
          dryRun: flags.dryRun ?? false,
          ...(sm !== undefined && s3 !== undefined ? { clients: { s3, sagemaker: sm } } : {}),
          onUploadProgress: (p) => progress.update(p),
          onUpdate: (u) => err(formatUpdate(u)),
          onStep: (m) => {
            progress.stop();
            if (!flags.dryRun) err(`${m}\n`);
          },
          onJobCreated: (name) => {
            jobName = name;
          },
          ...(deps.waitOptions ? { waitOptions: deps.waitOptions } : {}),
          signal: controller.signal,
        });
        progress.stop();
        if (result.dryRun) {
          out(`${JSON.stringify(dryRunOutput(result), null, 2)}\n`);
          return;
        }
        const name = result.plan.request.TrainingJobName!;
        if (result.evaluation === undefined) {
          out(`${name}\n`);
          err(`follow with: fraud-train sagemaker-status ${name}\n`);
          return;
        }
        const t = result.evaluation.metrics.test!;
        err(`test split: precision ${t.precision.toFixed(4)}, recall ${t.recall.toFixed(4)}, PR AUC ${t.prAuc.toFixed(4)}\n`);
        for (const f of Object.values(result.evaluation.files)) err(`wrote ${f}\n`);
        out(`${name}\n`);
      } finally {
        progress.stop();
        removeInterrupt();
        if (clients.sagemaker === undefined) sm?.destroy();
        if (clients.s3 === undefined) s3?.destroy();
      }
    });

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
        out(`${JSON.stringify(rest, null, 2)}\n`);
      } else out(formatJob(d));
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
      out(`stop requested for training job ${job}\n`);
    });
}
