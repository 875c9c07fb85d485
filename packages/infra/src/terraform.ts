import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { InfraError } from "./errors.js";

/** What `plan`, `deploy` and `destroy` do. @public */
export type TerraformAction = "plan" | "deploy" | "destroy";

/**
 * Finds `terraform`, else OpenTofu's `tofu`, on `PATH` (or the binary named by env
 * `TERRAFORM_BINARY`).
 * @throws {@link InfraError} `TOOL_MISSING`.
 * @public
 */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["TERRAFORM_BINARY"];
  const names = explicit ? [explicit] : ["terraform", "tofu"];
  const dirs = (env["PATH"] ?? "").split(delimiter).filter(Boolean);
  for (const name of names) {
    const candidates = name.includes("/") ? [name] : dirs.map((d) => join(d, name));
    for (const c of candidates) {
      try {
        if (statSync(c).isFile()) {
          accessSync(c, constants.X_OK);
          return c;
        }
      } catch {
        // not here; keep looking
      }
    }
  }
  throw new InfraError(
    "TOOL_MISSING",
    explicit
      ? `TERRAFORM_BINARY=${explicit} is not an executable on PATH`
      : "neither terraform nor tofu (OpenTofu) is on PATH; install Terraform >= 1.10 or OpenTofu >= 1.10",
  );
}

/**
 * Where the AWS credentials come from, as the SDKs and the Terraform provider look for them
 * (env keys, profile, web identity, container credentials, shared files), or `undefined`.
 * Instance roles cannot be detected offline: set `FRAUD_INFRA_CREDENTIALS=instance` to skip the check.
 * @public
 */
export function findCredentials(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env["FRAUD_INFRA_CREDENTIALS"] === "instance") return "instance role (FRAUD_INFRA_CREDENTIALS=instance)";
  if (env["AWS_ACCESS_KEY_ID"] && env["AWS_SECRET_ACCESS_KEY"]) return "environment (AWS_ACCESS_KEY_ID)";
  if (env["AWS_PROFILE"]) return `profile ${env["AWS_PROFILE"]}`;
  if (env["AWS_WEB_IDENTITY_TOKEN_FILE"] && env["AWS_ROLE_ARN"]) return "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)";
  if (env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] || env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) return "container credentials";
  const home = env["HOME"] ?? homedir();
  for (const file of [env["AWS_SHARED_CREDENTIALS_FILE"] ?? join(home, ".aws", "credentials"), env["AWS_CONFIG_FILE"] ?? join(home, ".aws", "config")]) {
    if (existsSync(file)) return `shared file ${file}`;
  }
  return undefined;
}

/** Options of {@link runTerraform}. @public */
export interface RunTerraformOptions {
  /** Synthesized stack folder (holds `cdk.tf.json`). */
  dir: string;
  /** What to do. */
  action: TerraformAction;
  /** Environment for the child processes; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Extra `-var NAME=VALUE` settings. */
  vars?: Record<string, string>;
  /** Provider mirror for `init -plugin-dir` (default env `TF_PLUGIN_DIR`). */
  pluginDir?: string;
  /** Skip the credentials check (for stand-in binaries). @defaultValue `false` */
  skipCredentialsCheck?: boolean;
  /** Called with each command before it runs. */
  onCommand?: (binary: string, args: string[]) => void;
}

function run(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { cwd, env, stdio: "inherit" });
    child.on("error", (err) => reject(new InfraError("COMMAND_FAILED", `cannot run ${binary}: ${err.message}`, { cause: err })));
    child.on("close", (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

/**
 * The `terraform` commands an action runs, in order, in the stack folder:
 * `init`, then `plan`; `deploy` saves the plan and applies exactly it; `destroy` plans a destroy
 * and applies that. Saved plans apply without a prompt, so Nx can run them.
 * @public
 */
export function terraformCommands(action: TerraformAction, options: { pluginDir?: string; vars?: Record<string, string> } = {}): string[][] {
  const init = ["init", "-input=false", "-no-color", ...(options.pluginDir ? [`-plugin-dir=${options.pluginDir}`] : [])];
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
  switch (action) {
    case "plan":
      return [init, ["plan", "-input=false", ...vars]];
    case "deploy":
      return [init, ["plan", "-input=false", "-out=deploy.tfplan", ...vars], ["apply", "-input=false", "deploy.tfplan"]];
    case "destroy":
      return [init, ["plan", "-destroy", "-input=false", "-out=destroy.tfplan", ...vars], ["apply", "-input=false", "destroy.tfplan"]];
  }
}

/**
 * Runs an action's commands ({@link terraformCommands}) with `terraform` (or `tofu`) in a
 * synthesized stack folder, stopping at the first failure.
 *
 * @throws {@link InfraError} `STACK_MISSING`, `TOOL_MISSING`, `CREDENTIALS_MISSING` or `COMMAND_FAILED`.
 * @public
 */
export async function runTerraform(options: RunTerraformOptions): Promise<void> {
  const env = options.env ?? process.env;
  if (!existsSync(join(options.dir, "cdk.tf.json"))) {
    throw new InfraError("STACK_MISSING", `no synthesized stack in ${options.dir} (run "nx run infra:synth")`);
  }
  const binary = findTerraform(env);
  if (!options.skipCredentialsCheck && findCredentials(env) === undefined) {
    throw new InfraError(
      "CREDENTIALS_MISSING",
      "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure' / 'aws sso login'",
    );
  }
  const pluginDir = options.pluginDir ?? env["TF_PLUGIN_DIR"];
  const commands = terraformCommands(options.action, { ...(pluginDir ? { pluginDir } : {}), ...(options.vars ? { vars: options.vars } : {}) });
  for (const args of commands) {
    options.onCommand?.(binary, args);
    const code = await run(binary, args, options.dir, env);
    if (code !== 0) throw new InfraError("COMMAND_FAILED", `${binary.split("/").pop()} ${args[0]} failed with exit code ${code}`);
  }
}
