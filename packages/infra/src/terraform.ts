import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { infraEnv } from "./config/env.js";
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
  if (infraEnv(env).instanceCredentials) return "instance role (FRAUD_INFRA_CREDENTIALS=instance)";
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

/** Exit code and (when captured) standard output of one command. */
interface RunResult {
  code: number;
  stdout: string;
}

function run(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, capture = false): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { cwd, env, stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit" });
    const chunks: Buffer[] = [];
    child.stdout?.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (err) => reject(new InfraError("COMMAND_FAILED", `cannot run ${binary}: ${err.message}`, { cause: err })));
    child.on("close", (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(chunks).toString("utf8") }));
  });
}

/**
 * The `terraform` commands an action runs, in order, in the stack folder:
 * `init`, `validate`, then `plan`; `deploy` saves the plan and applies exactly it; `destroy` plans
 * a destroy and applies that. Saved plans apply without a prompt, so Nx can run them. Every
 * command runs with `-no-color`: its output lands in logs, where ANSI codes are noise.
 *
 * @example
 * ```ts
 * terraformCommands("plan"); // [["init", "-input=false", "-no-color"], ["validate", "-no-color"], ["plan", "-input=false", "-no-color"]]
 * ```
 * @public
 */
export function terraformCommands(action: TerraformAction, options: { pluginDir?: string; vars?: Record<string, string> } = {}): string[][] {
  const init = initArgs(options.pluginDir);
  const validate = ["validate", "-no-color"];
  const vars = varArgs(options.vars);
  switch (action) {
    case "plan":
      return [init, validate, ["plan", "-input=false", "-no-color", ...vars]];
    case "deploy":
      return [init, validate, ["plan", "-input=false", "-no-color", "-out=deploy.tfplan", ...vars], ["apply", "-input=false", "-no-color", "deploy.tfplan"]];
    case "destroy":
      return [init, validate, ["plan", "-destroy", "-input=false", "-no-color", "-out=destroy.tfplan", ...vars], ["apply", "-input=false", "-no-color", "destroy.tfplan"]];
  }
}

function initArgs(pluginDir: string | undefined): string[] {
  return ["init", "-input=false", "-no-color", ...(pluginDir ? [`-plugin-dir=${pluginDir}`] : [])];
}

function varArgs(vars: Record<string, string> | undefined): string[] {
  return Object.entries(vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
}

const NO_CREDENTIALS =
  "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure' / 'aws sso login'";

/**
 * Checks what every `plan`/`deploy`/`destroy` needs before running anything: a synthesized stack
 * in `dir`, `terraform` (or `tofu`) on `PATH`, and AWS credentials (unless skipped). Returns the binary.
 * @example
 * ```ts
 * const binary = preflight("cdktf.out/stacks/dev", process.env); // "/usr/local/bin/terraform"
 * ```
 * @throws {@link InfraError} `STACK_MISSING`, `TOOL_MISSING` or `CREDENTIALS_MISSING`.
 * @public
 */
export function preflight(dir: string, env: NodeJS.ProcessEnv, skipCredentialsCheck = false): string {
  if (!existsSync(join(dir, "cdk.tf.json"))) {
    throw new InfraError("STACK_MISSING", `no synthesized stack in ${dir} (run "nx run infra:synth")`);
  }
  const binary = findTerraform(env);
  if (!skipCredentialsCheck && findCredentials(env) === undefined) throw new InfraError("CREDENTIALS_MISSING", NO_CREDENTIALS);
  return binary;
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
  const binary = preflight(options.dir, env, options.skipCredentialsCheck);
  const pluginDir = options.pluginDir ?? env["TF_PLUGIN_DIR"];
  const commands = terraformCommands(options.action, { ...(pluginDir ? { pluginDir } : {}), ...(options.vars ? { vars: options.vars } : {}) });
  for (const args of commands) {
    options.onCommand?.(binary, args);
    const { code } = await run(binary, args, options.dir, env);
    if (code !== 0) throw new InfraError("COMMAND_FAILED", `${binary.split("/").pop()} ${args[0]} failed with exit code ${code}`);
  }
}

/** One resource change of a saved plan (`terraform show -json`). @public */
export interface ResourceChange {
  /** Resource address, e.g. `aws_sagemaker_endpoint.hosting_endpoint_0A1B2C3D`. */
  address: string;
  /** Resource type, e.g. `aws_sagemaker_endpoint`. */
  type: string;
  /** Terraform's actions: `["create"]`, `["update"]`, `["delete"]`, `["create","delete"]`, `["no-op"]`, … */
  actions: string[];
}

/** Flags of {@link Terraform.plan}. @public */
export interface PlanFlags {
  /** Plan a destroy (`-destroy`). @defaultValue `false` */
  destroy?: boolean;
  /** `-var NAME=VALUE` settings. */
  vars?: Record<string, string>;
  /** Read the real resources before planning; `false` adds `-refresh=false` (offline plans). @defaultValue `true` */
  refresh?: boolean;
}

/** Options of {@link Terraform}. @public */
export interface TerraformOptions {
  /** Synthesized stack folder (holds `cdk.tf.json`). */
  dir: string;
  /** Environment for the child processes; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Provider mirror for `init -plugin-dir` (default env `TF_PLUGIN_DIR`). */
  pluginDir?: string;
  /** Skip the credentials check (for stand-in binaries). @defaultValue `false` */
  skipCredentialsCheck?: boolean;
  /** Called with each command before it runs. */
  onCommand?: (binary: string, args: string[]) => void;
}

/**
 * One `terraform` (or `tofu`) working folder, one method per command the phased deploy runs.
 * Every failure is an {@link InfraError} `COMMAND_FAILED` naming the command and exit code.
 *
 * @example
 * ```ts
 * const tf = new Terraform({ dir: "cdktf.out/stacks/dev" });
 * await tf.init();
 * await tf.validate();
 * if (await tf.plan("deploy.tfplan")) await tf.apply("deploy.tfplan");
 * ```
 * @throws {@link InfraError} `STACK_MISSING`, `TOOL_MISSING` or `CREDENTIALS_MISSING` from the constructor.
 * @public
 */
export class Terraform {
  /** The binary found on `PATH`. */
  readonly binary: string;
  /** The working folder. */
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly pluginDir: string | undefined;
  private readonly onCommand: ((binary: string, args: string[]) => void) | undefined;

  constructor(options: TerraformOptions) {
    this.env = options.env ?? process.env;
    this.dir = options.dir;
    this.binary = preflight(options.dir, this.env, options.skipCredentialsCheck);
    this.pluginDir = options.pluginDir ?? (this.env["TF_PLUGIN_DIR"] || undefined);
    this.onCommand = options.onCommand;
  }

  private get name(): string {
    return basename(this.binary);
  }

  private async exec(args: string[], okCodes: readonly number[] = [0], capture = false): Promise<RunResult> {
    this.onCommand?.(this.binary, args);
    const result = await run(this.binary, args, this.dir, this.env, capture);
    if (!okCodes.includes(result.code)) throw new InfraError("COMMAND_FAILED", `${this.name} ${args[0]} failed with exit code ${result.code}`);
    return result;
  }

  /** `terraform init` (from the provider mirror when one is set). */
  async init(): Promise<void> {
    await this.exec(initArgs(this.pluginDir));
  }

  /** `terraform validate`: the configuration is internally consistent. */
  async validate(): Promise<void> {
    await this.exec(["validate", "-no-color"]);
  }

  /**
   * `terraform plan -no-color -detailed-exitcode -out=<file>`: saves the plan and returns whether it
   * changes anything (`true`) or not (`false`).
   */
  async plan(out: string, options: PlanFlags = {}): Promise<boolean> {
    const args = ["plan", ...(options.destroy ? ["-destroy"] : []), "-input=false", "-no-color", ...(options.refresh === false ? ["-refresh=false"] : []), "-detailed-exitcode", `-out=${out}`, ...varArgs(options.vars)];
    const { code } = await this.exec(args, [0, 2]);
    return code === 2;
  }

  /** `terraform apply <plan>`: applies exactly a saved plan, without a prompt. */
  async apply(planFile: string): Promise<void> {
    await this.exec(["apply", "-input=false", "-no-color", planFile]);
  }

  /** `terraform output -json`, as output name → value (outputs with a null value are absent). */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.exec(["output", "-json", "-no-color"], [0], true);
    const parsed = parseJson(stdout, `${this.name} output -json`) as Record<string, { value?: unknown }> | null;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed ?? {})) if (v && typeof v === "object" && "value" in v && v.value !== null) out[k] = v.value;
    return out;
  }

  /** The resource changes of a saved plan (`terraform show -json <plan>`), no-ops left out. */
  async changes(planFile: string): Promise<ResourceChange[]> {
    const { stdout } = await this.exec(["show", "-json", "-no-color", planFile], [0], true);
    const parsed = parseJson(stdout, `${this.name} show -json`) as { resource_changes?: { address: string; type: string; change: { actions: string[] } }[] };
    return (parsed.resource_changes ?? [])
      .map((r) => ({ address: r.address, type: r.type, actions: r.change.actions }))
      .filter((r) => !(r.actions.length === 1 && (r.actions[0] === "no-op" || r.actions[0] === "read")));
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InfraError("COMMAND_FAILED", `${what} printed no JSON (${(err as Error).message.slice(0, 80)})`, { cause: err });
  }
}
