import { basename, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { CLASSIFIER_ALGORITHMS, loadConfig } from "./config.js";
import { infraEnv } from "./config/env.js";
import { isInfraError } from "./errors.js";
import { synthesize } from "./synth.js";
import { runDestroy } from "./deploy/destroy.js";
import { runOfflinePlan } from "./deploy/offline-plan.js";
import { runPlan } from "./deploy/plan.js";
import { DEPLOY_STEPS, modelSource, runDeploy } from "./deploy/run.js";
import type { ModelSource } from "./deploy/model.js";
import type { DeployStep } from "./deploy/run.js";
import type { StackCommandOptions } from "./deploy/stack-runner.js";

/** Where {@link runCli} writes and what it reads. @public */
export interface CliIo {
  /** Standard output. */
  stdout: (text: string) => void;
  /** Standard error. */
  stderr: (text: string) => void;
  /** Environment; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The `fraud-infra` command line: `synth`, `plan`, `deploy` (phased), `destroy`. Returns the exit code
 * (0 ok, 1 failure, 2 usage error) and never throws; errors print as `fraud-infra: <message>`.
 *
 * @example
 * ```ts
 * const code = await runCli(["synth", "--env", "dev"]);
 * ```
 * @public
 */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const ctx = cliContext(io);
  const program = new Command("fraud-infra")
    .description("Synthesize and deploy the fraud-detection stack (CDKTF + Terraform)")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // One line per usage error, in the same "fraud-infra: <message>" form as other failures.
      outputError: (text, write) => write(`fraud-infra: ${text.replace(/^error: /, "").trim().replace(/\s*\n\s*/g, " ")}\n`),
    })
    .showHelpAfterError(false);
  addSynth(program, ctx);
  addPlan(program, ctx);
  addDeploy(program, ctx);
  addDestroy(program, ctx);

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
      if (err.code.startsWith("fraud-infra.")) io.stderr(`fraud-infra: ${err.message}\n`);
      return 2;
    }
    if (isInfraError(err)) {
      io.stderr(`fraud-infra: ${err.message}\n`);
      return 1;
    }
    io.stderr(`fraud-infra: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** What every command's action needs. */
interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves a path the user typed from where they typed it (npm, npx and Nx set `INIT_CWD`). */
  fromUser: (p: string) => string;
  /** The shared options of `plan`, `deploy` and `destroy`. */
  stackOptions: (opts: StackFlags) => StackCommandOptions;
  /** Progress lines of one environment on stdout. */
  log: (environment: string) => (line: string) => void;
}

function cliContext(io: CliIo): CliContext {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const fromUser = (p: string): string => resolve(env["INIT_CWD"] ?? cwd, p);
  return {
    io,
    env,
    cwd,
    fromUser,
    stackOptions: (opts) => ({
      environment: opts.env ?? opts.environment ?? infraEnv(env).environments[0] ?? "dev",
      cwd,
      env,
      outdir: resolve(cwd, opts.out),
      vars: parsePairs(opts.var, "--var"),
      ...(opts.config ? { configFile: fromUser(opts.config) } : {}),
      ...(opts.state ? { stateFile: fromUser(opts.state) } : {}),
      onCommand: (bin, args) => io.stderr(`fraud-infra: ${basename(bin)} ${args.join(" ")}\n`),
    }),
    log: (environment) => (line) => io.stdout(`[${environment}] ${line}\n`),
  };
}

function addSynth(program: Command, ctx: CliContext): void {
  program
    .command("synth")
    .description("write cdktf.out/stacks/<env>/cdk.tf.json for each environment")
    .option("-c, --config <file>", "configuration file (default infra.config.json, or env FRAUD_INFRA_CONFIG)")
    .option("-e, --env <names>", "comma-separated environments (default: all in the file, or env FRAUD_INFRA_ENV)")
    .option("--environment <names>", "same as --env; use this one through Nx, which keeps --env for itself")
    .option("-o, --out <dir>", "output folder", "cdktf.out")
    .action((opts: { config?: string; env?: string; environment?: string; out: string }) => {
      const t0 = performance.now();
      const names = opts.env ?? opts.environment;
      const configs = loadConfig({
        ...(opts.config ? { file: ctx.fromUser(opts.config) } : {}),
        ...(names ? { environments: names.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
        env: ctx.env,
        cwd: ctx.cwd,
      });
      const stacks = synthesize(configs, { outdir: resolve(ctx.cwd, opts.out) });
      for (const s of stacks) ctx.io.stdout(`synthesized ${s.environment}: ${s.file}\n`);
      ctx.io.stdout(`synth took ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    });
}

function addPlan(program: Command, ctx: CliContext): void {
  stackCommand(program, "plan", "synthesize the stack as deployed, then terraform init, validate and plan")
    .option("--offline", "plan without an AWS account: provider from the TF_PLUGIN_DIR mirror, example credentials, empty state")
    .action(async (opts: StackFlags & { offline?: boolean }) => {
      const o = ctx.stackOptions(opts);
      if (opts.offline) {
        const log = ctx.log(o.environment);
        const { changes } = await runOfflinePlan({ ...o, log });
        const types = new Map<string, number>();
        for (const c of changes) types.set(c.type, (types.get(c.type) ?? 0) + 1);
        const summary = [...types].map(([t, n]) => `${n} ${t}`).join(", ");
        log(`offline plan: ${changes.length} resource(s) to create${summary ? ` (${summary})` : ""}; nothing was sent to AWS`);
        return;
      }
      const changes = await runPlan(o);
      ctx.io.stdout(`[${o.environment}] plan: ${changes ? "changes pending (deploy applies them)" : "no changes"}\n`);
    });
}

function deploySource(opts: DeployFlags, ctx: CliContext): ModelSource | undefined {
  try {
    return modelSource({
      ...(opts.model !== undefined ? { model: ctx.fromUser(opts.model) } : {}),
      ...(opts.modelUrl !== undefined ? { modelUrl: opts.modelUrl } : {}),
      ...(opts.data !== undefined ? { data: ctx.fromUser(opts.data) } : {}),
      ...(opts.train ? { train: true } : {}),
      ...(opts.retrain ? { retrain: true } : {}),
    });
  } catch (err) {
    throw new CommanderError(2, "fraud-infra.badFlags", (err as Error).message);
  }
}

function addDeploy(program: Command, ctx: CliContext): void {
  stackCommand(program, "deploy", "phased deploy: foundation, fraud-stack.json, model, serving, scorer (steps with nothing to do are skipped)")
    .option("--model <file>", "local model.tar.gz (from fraud-train local) to upload and serve")
    .option("--model-url <url>", "s3:// URL of a model.tar.gz to serve (or env FRAUD_INFRA_MODEL_DATA_URL)")
    .option("--train", "train on SageMaker with the stack's bucket and role (needs --data)")
    .option("--data <file>", "creditcard.csv to train on")
    .option("--retrain", "train a new model and roll the endpoint to it without downtime")
    .option("--hp <key=value>", "hyperparameter for training, by the algorithm's SageMaker name (repeatable)", collect, [])
    .addOption(new Option("--algorithm <name>", "classifier algorithm --train trains (default model.algorithm of the configuration)").choices([...CLASSIFIER_ALGORITHMS]))
    .option("--anomaly-model <file>", "local randomcutforest model.tar.gz (from fraud-train local --algorithm randomcutforest) to serve as the anomaly detector")
    .option("--anomaly-model-url <url>", "s3:// URL of the anomaly detector's model.tar.gz (or env FRAUD_INFRA_ANOMALY_MODEL_DATA_URL)")
    .addOption(new Option("--until <step>", "stop after this step").choices([...DEPLOY_STEPS]))
    .option("--stack-file <file>", "where to write the stack outputs (default fraud-stack.json in this package)")
    .action(async (opts: DeployFlags) => {
      const o = ctx.stackOptions(opts);
      const source = deploySource(opts, ctx);
      if (opts.anomalyModel !== undefined && opts.anomalyModelUrl !== undefined) throw new CommanderError(2, "fraud-infra.badFlags", "give only one of --anomaly-model FILE and --anomaly-model-url S3URL");
      if (opts.algorithm !== undefined && !opts.train && !opts.retrain) throw new CommanderError(2, "fraud-infra.badFlags", "--algorithm is for --train or --retrain");
      const detector = opts.anomalyModel !== undefined ? { kind: "file" as const, path: ctx.fromUser(opts.anomalyModel) } : opts.anomalyModelUrl !== undefined ? { kind: "url" as const, url: opts.anomalyModelUrl } : undefined;
      const result = await runDeploy({
        ...o,
        ...(opts.stackFile ? { stackFile: ctx.fromUser(opts.stackFile) } : {}),
        ...(source ? { model: source } : {}),
        retrain: opts.retrain ?? false,
        hyperparameters: parsePairs(opts.hp, "--hp"),
        ...(opts.algorithm ? { algorithm: opts.algorithm } : {}),
        ...(detector ? { anomalyModel: detector } : {}),
        ...(opts.until ? { until: opts.until } : {}),
        log: ctx.log(o.environment),
      });
      const done = result.steps.map((s) => `${s.step} ${s.status}`).join(", ");
      ctx.io.stdout(`[${o.environment}] deploy finished: ${done}${result.model ? "" : " (no model yet)"}${result.anomalyDetector ? " (with an anomaly detector)" : ""}\n`);
    });
}

function addDestroy(program: Command, ctx: CliContext): void {
  stackCommand(program, "destroy", "destroy everything the environment's stack owns, endpoint and notebook included")
    .option("--delete-data", "also delete the buckets' objects (otherwise buckets holding objects are kept)")
    .option("--stack-file <file>", "stack outputs file to remove (default fraud-stack.json in this package)")
    .action(async (opts: StackFlags & { deleteData?: boolean; stackFile?: string }) => {
      const o = ctx.stackOptions(opts);
      await runDestroy({ ...o, ...(opts.stackFile ? { stackFile: ctx.fromUser(opts.stackFile) } : {}), deleteData: opts.deleteData ?? false, log: ctx.log(o.environment) });
    });
}

/** Flags of `plan`, `deploy` and `destroy`. */
interface StackFlags {
  env?: string;
  environment?: string;
  out: string;
  config?: string;
  state?: string;
  var: string[];
}

/** Flags of `deploy`. */
interface DeployFlags extends StackFlags {
  model?: string;
  modelUrl?: string;
  train?: boolean;
  data?: string;
  retrain?: boolean;
  hp: string[];
  algorithm?: (typeof CLASSIFIER_ALGORITHMS)[number];
  anomalyModel?: string;
  anomalyModelUrl?: string;
  until?: DeployStep;
  stackFile?: string;
}

function stackCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .addOption(new Option("-e, --env <name>", "environment (default env FRAUD_INFRA_ENV, else dev)"))
    .addOption(new Option("--environment <name>", "same as --env; use this one through Nx, which keeps --env for itself"))
    .option("-c, --config <file>", "configuration file (default infra.config.json, or env FRAUD_INFRA_CONFIG)")
    .option("-o, --out <dir>", "synthesized output folder", "cdktf.out")
    .option("--state <file>", "deploy state file (default .fraud/deploy-<env>.json)")
    .option("--var <name=value>", "Terraform variable (repeatable)", collect, []);
}

function parsePairs(values: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new CommanderError(2, "fraud-infra.badPair", `${flag} must be NAME=VALUE (got "${v.slice(0, 80)}")`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

