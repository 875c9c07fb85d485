import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InfraError } from "../errors.js";
import { synthesize } from "../synth.js";
import { Terraform } from "../terraform.js";
import type { ResourceChange } from "../terraform.js";
import { openStack } from "./stack-runner.js";
import type { StackCommandOptions } from "./stack-runner.js";

/**
 * Credentials of AWS's documentation examples: the provider needs some, and an offline plan must
 * never find real ones.
 * @public
 */
export const OFFLINE_CREDENTIALS = {
  /** AWS's documented example key id. */
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  /** AWS's documented example secret. */
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
} as const;

/** Variables that could lead the provider to real credentials or endpoints; an offline plan drops them. */
const CREDENTIAL_VARIABLES = /^(AWS_|TF_CLI_CONFIG_FILE$|TF_PLUGIN_DIR$|TF_CLI_ARGS)/;

/**
 * The provider mirror an offline plan installs from: `TF_PLUGIN_DIR`, which must hold
 * `registry.terraform.io/hashicorp/aws/<version>` (as `terraform providers mirror` lays it out);
 * without `version`, any version.
 * @throws {@link InfraError} `TOOL_MISSING` when the variable is unset, the folder absent, or the
 * provider version missing from it.
 * @example
 * ```ts
 * providerMirror({ TF_PLUGIN_DIR: "/opt/tf-plugins" }, "5.100.0"); // "/opt/tf-plugins"
 * ```
 * @public
 */
export function providerMirror(env: NodeJS.ProcessEnv, version?: string): string {
  const dir = env["TF_PLUGIN_DIR"];
  const provider = `registry.terraform.io/hashicorp/aws${version ? `/${version}` : ""}`;
  const how = `a provider mirror holding ${provider} (made with "terraform providers mirror <dir>")`;
  if (!dir) throw new InfraError("TOOL_MISSING", `plan --offline needs TF_PLUGIN_DIR: set it to ${how}`);
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new InfraError("TOOL_MISSING", `TF_PLUGIN_DIR=${dir} is not a directory; plan --offline needs ${how}`);
  if (!existsSync(join(abs, ...provider.split("/")))) {
    throw new InfraError("TOOL_MISSING", `TF_PLUGIN_DIR=${dir} holds no ${provider}; plan --offline needs ${how}`);
  }
  return abs;
}

/** The `hashicorp/aws` version a synthesized stack requires (`terraform.required_providers.aws.version`). */
function requiredAwsVersion(file: string): string {
  const json = JSON.parse(readFileSync(file, "utf8")) as { terraform?: { required_providers?: { aws?: { version?: string } } } };
  const version = json.terraform?.required_providers?.aws?.version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new InfraError("SYNTH_FAILED", `the synthesized stack pins no exact hashicorp/aws version (got ${JSON.stringify(version)})`);
  }
  return version;
}

/**
 * The environment of an offline plan's `terraform`: the caller's variables without any AWS or
 * Terraform CLI setting, plus the example credentials, the metadata service off, no update check,
 * and a CLI configuration that installs providers from the mirror only (never the registry).
 * @example
 * ```ts
 * const env = offlineTerraformEnv(process.env, "/opt/tf-plugins", "cdktf.out/offline/terraformrc");
 * ```
 * @public
 */
export function offlineTerraformEnv(env: NodeJS.ProcessEnv, mirror: string, cliConfigFile: string): NodeJS.ProcessEnv {
  writeFileSync(cliConfigFile, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`);
  const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !CREDENTIAL_VARIABLES.test(k)));
  return {
    ...kept,
    ...OFFLINE_CREDENTIALS,
    AWS_EC2_METADATA_DISABLED: "true",
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

/** Options of {@link runOfflinePlan}. @public */
export interface OfflinePlanOptions extends StackCommandOptions {
  /** Progress lines (what the plan used and what it found). */
  log?: (line: string) => void;
}

/** What {@link runOfflinePlan} found. @public */
export interface OfflinePlanResult {
  /** The provider mirror used. */
  mirror: string;
  /** The synthesized offline stack folder. */
  dir: string;
  /** Resources the plan would create (an offline plan starts from an empty state). */
  changes: ResourceChange[];
}

/**
 * `fraud-infra plan --offline`: what a first deploy of the configuration would create, without an
 * AWS account. The environment's configuration as it stands is synthesized into
 * `<outdir>/offline/stacks/<env>` with the provider's credential, account, region and metadata
 * checks skipped and a local, empty state (an S3 backend would need credentials); `terraform`
 * installs `hashicorp/aws` from the `TF_PLUGIN_DIR` mirror only and runs `init`, `validate` and
 * `plan -refresh=false` with example credentials, every command with `-no-color`. Nothing reads
 * the deploy state or Terraform's outputs (they need the account).
 * @throws {@link InfraError} `TOOL_MISSING` (no terraform, no mirror), `SYNTH_FAILED`,
 * `COMMAND_FAILED`, or a configuration error.
 * @example
 * ```ts
 * const { changes } = await runOfflinePlan({ environment: "dev", cwd: "packages/infra" });
 * ```
 * @public
 */
export async function runOfflinePlan(o: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const log = o.log ?? (() => undefined);
  const env = o.env ?? process.env;
  providerMirror(env);
  const { runner } = openStack({ ...o, env: { ...env } });
  const config = runner.config({});
  const outdir = join(resolve(o.cwd, o.outdir ?? "cdktf.out"), "offline");
  mkdirSync(outdir, { recursive: true });
  const [stack] = synthesize([{ ...config, backend: { type: "local", path: "terraform.offline.tfstate" } }], { outdir, offline: true });
  const mirror = providerMirror(env, requiredAwsVersion(stack!.file));
  const tfEnv = offlineTerraformEnv(env, mirror, join(stack!.dir, "terraformrc"));
  log(`offline plan: no AWS account and no credentials are used — example credentials, the provider's credential/account/region checks skipped, hashicorp/aws from the mirror ${mirror}; planned from an empty state, so it shows what a first deploy of this configuration creates`);
  const tf = new Terraform({ dir: stack!.dir, env: tfEnv, skipCredentialsCheck: true, ...(o.onCommand ? { onCommand: o.onCommand } : {}) });
  await tf.init();
  await tf.validate();
  const planFile = join(stack!.dir, "offline.tfplan");
  const changed = await tf.plan(planFile, { refresh: false, ...(o.vars && Object.keys(o.vars).length > 0 ? { vars: o.vars } : {}) });
  const changes = changed ? await tf.changes(planFile) : [];
  return { mirror, dir: stack!.dir, changes };
}
