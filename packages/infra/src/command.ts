import { resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { loadConfig } from "./config.js";
import { isInfraError } from "./errors.js";
import { stackDir, synthesize } from "./synth.js";
import { runTerraform } from "./terraform.js";
import type { TerraformAction } from "./terraform.js";

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
 * The `fraud-infra` command line: `synth`, `plan`, `deploy`, `destroy`. Returns the exit code
 * (0 ok, 1 failure, 2 usage error) and never throws; errors print as `fraud-infra: <message>`.
 *
 * @example
 * ```ts
 * const code = await runCli(["synth", "--env", "dev"]);
 * ```
 * @public
 */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
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

  program
    .command("synth")
    .description("write cdktf.out/stacks/<env>/cdk.tf.json for each environment")
    .option("-c, --config <file>", "configuration file (default infra.config.json, or env FRAUD_INFRA_CONFIG)")
    .option("-e, --env <names>", "comma-separated environments (default: all in the file, or env FRAUD_INFRA_ENV)")
    .option("-o, --out <dir>", "output folder", "cdktf.out")
    .action((opts: { config?: string; env?: string; out: string }) => {
      const t0 = performance.now();
      const configs = loadConfig({
        ...(opts.config ? { file: opts.config } : {}),
        ...(opts.env ? { environments: opts.env.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
        env,
        cwd,
      });
      const stacks = synthesize(configs, { outdir: resolveIn(cwd, opts.out) });
      for (const s of stacks) io.stdout(`synthesized ${s.environment}: ${s.file}\n`);
      io.stdout(`synth took ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    });

  const actions: [TerraformAction, string][] = [
    ["plan", "terraform init + plan in the synthesized stack"],
    ["deploy", "terraform init, plan to a file and apply exactly that plan"],
    ["destroy", "terraform init, plan a destroy to a file and apply it"],
  ];
  for (const [action, description] of actions) {
    program
      .command(action)
      .description(description)
      .addOption(new Option("-e, --env <name>", "environment (default env FRAUD_INFRA_ENV, else dev)"))
      .option("-o, --out <dir>", "synthesized output folder", "cdktf.out")
      .option("--var <name=value>", "Terraform variable, e.g. model_data_url=s3://bucket/model.tar.gz (repeatable)", collect, [])
      .action(async (opts: { env?: string; out: string; var: string[] }) => {
        const environment = opts.env ?? env["FRAUD_INFRA_ENV"]?.split(",")[0]?.trim() ?? "dev";
        const vars: Record<string, string> = {};
        for (const v of opts.var) {
          const eq = v.indexOf("=");
          if (eq <= 0) throw new CommanderError(2, "fraud-infra.badVar", `--var must be NAME=VALUE (got "${v}")`);
          vars[v.slice(0, eq)] = v.slice(eq + 1);
        }
        await runTerraform({
          dir: stackDir(resolveIn(cwd, opts.out), environment),
          action,
          env,
          vars,
          onCommand: (bin, args) => io.stderr(`fraud-infra: ${bin.split("/").pop()} ${args.join(" ")}\n`),
        });
      });
  }

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

function resolveIn(cwd: string, p: string): string {
  return resolve(cwd, p);
}
