import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../config.js";
import type { StackConfig } from "../config.js";
import { stackDir, synthesize } from "../synth.js";
import { Terraform } from "../terraform.js";
import type { PlanFlags, ResourceChange } from "../terraform.js";
import { modelVersionLabel } from "./model.js";
import type { Algorithm } from "@fraud/contracts";
import { defaultStateFile } from "./state.js";
import type { DeployState } from "./state.js";
import type { Phase } from "../config.js";

/** How {@link StackRunner} synthesizes and runs `terraform`. @public */
export interface StackRunnerOptions {
  /** Environment (stack) name. */
  environment: string;
  /** Folder the configuration file and relative paths are resolved from. */
  cwd: string;
  /** Environment variables the configuration reads (`FRAUD_INFRA_*`), also given to `terraform`. */
  env: NodeJS.ProcessEnv;
  /** Configuration file (default `FRAUD_INFRA_CONFIG`, else `infra.config.json`). */
  configFile?: string;
  /** Synthesized output folder. */
  outdir: string;
  /** Extra `-var NAME=VALUE` settings for every plan. */
  vars?: Record<string, string>;
  /** Skip the credentials check (for stand-in binaries). */
  skipCredentialsCheck?: boolean;
  /** Called with each `terraform` command before it runs. */
  onCommand?: (binary: string, args: string[]) => void;
}

/** What one synthesized stack variant is, for {@link StackRunner.synth}. @public */
export interface StackVariant {
  /** `FRAUD_INFRA_PHASE`; `undefined` keeps what the environment says. */
  phase?: Phase;
  /** `FRAUD_INFRA_MODEL_DATA_URL`; `null` removes it, `undefined` keeps the environment's. */
  modelDataUrl?: string | null;
  /** `FRAUD_INFRA_MODEL_ALGORITHM`: the classifier's algorithm as recognised in its artifact; `undefined` keeps the configuration's. */
  algorithm?: Algorithm | undefined;
  /** `FRAUD_INFRA_ANOMALY_MODEL_DATA_URL` (and `FRAUD_INFRA_ANOMALY_DETECTOR=true`); `null` leaves the detector out, `undefined` keeps the configuration's. */
  anomalyModelDataUrl?: string | null;
  /** More `FRAUD_INFRA_*` settings. */
  extra?: Record<string, string>;
}

/** Result of {@link StackRunner.planAndApply}. @public */
export interface PlanOutcome {
  /** Whether the plan changed anything (and was applied). */
  changed: boolean;
  /** SHA-256 of the `cdk.tf.json` planned. */
  config: string;
}

/** What the stack's outputs say was deployed beyond the foundation. */
export interface DeployedPhase {
  /** The phase the stack was last applied with. */
  phase: Phase;
  /** The model the serving resources were created from. */
  modelDataUrl: string;
  /** The anomaly detector's model, when one is deployed (output `anomaly_model_data_url`). */
  anomalyModelDataUrl?: string;
}

/**
 * Synthesizes one environment's stack in a chosen variant (phase, model) into its usual folder and
 * runs `terraform` there: `init` once, then `validate` and `plan` before every apply.
 * Terraform's state (in the stack folder or the S3 backend) is shared by every variant.
 * @example
 * ```ts
 * const runner = new StackRunner({ environment: "dev", cwd: "packages/infra", env: process.env, outdir: "cdktf.out" });
 * const config = runner.synth({ phase: "foundation", modelDataUrl: null });
 * const { changed } = await runner.planAndApply("cdktf.out/stacks/dev/deploy.tfplan", config);
 * ```
 * @public
 */
export class StackRunner {
  /** The stack folder, `<outdir>/stacks/<environment>`. */
  readonly dir: string;
  private terraform: Terraform | undefined;

  constructor(private readonly options: StackRunnerOptions) {
    this.dir = stackDir(options.outdir, options.environment);
  }

  /** The environment's configuration as a variant would see it. */
  config(variant: StackVariant = {}): StackConfig {
    const env: NodeJS.ProcessEnv = { ...this.options.env, ...variant.extra };
    if (variant.phase !== undefined) env["FRAUD_INFRA_PHASE"] = variant.phase;
    if (variant.modelDataUrl === null) delete env["FRAUD_INFRA_MODEL_DATA_URL"];
    else if (variant.modelDataUrl !== undefined) {
      env["FRAUD_INFRA_MODEL_DATA_URL"] = variant.modelDataUrl;
      // The scorer's MODEL_VERSION follows the model, unless the user set one.
      const label = modelVersionLabel(variant.modelDataUrl);
      if (label !== undefined && env["FRAUD_INFRA_MODEL_VERSION"] === undefined) env["FRAUD_INFRA_MODEL_VERSION"] = label;
    }
    if (variant.algorithm !== undefined) env["FRAUD_INFRA_MODEL_ALGORITHM"] = variant.algorithm;
    if (variant.anomalyModelDataUrl === null) {
      env["FRAUD_INFRA_ANOMALY_DETECTOR"] = "false";
      delete env["FRAUD_INFRA_ANOMALY_MODEL_DATA_URL"];
    } else if (variant.anomalyModelDataUrl !== undefined) {
      env["FRAUD_INFRA_ANOMALY_DETECTOR"] = "true";
      env["FRAUD_INFRA_ANOMALY_MODEL_DATA_URL"] = variant.anomalyModelDataUrl;
      const label = modelVersionLabel(variant.anomalyModelDataUrl);
      if (label !== undefined && env["FRAUD_INFRA_ANOMALY_MODEL_VERSION"] === undefined) env["FRAUD_INFRA_ANOMALY_MODEL_VERSION"] = label;
    }
    const [config] = loadConfig({ environments: [this.options.environment], env, cwd: this.options.cwd, ...(this.options.configFile ? { file: this.options.configFile } : {}) });
    return config!;
  }

  /** Synthesizes a variant and returns the SHA-256 of its `cdk.tf.json`. */
  synth(variant: StackVariant): string {
    const [stack] = synthesize([this.config(variant)], { outdir: this.options.outdir });
    return createHash("sha256").update(readFileSync(stack!.file)).digest("hex");
  }

  /** The `terraform` session, initialised on first use (after the first synth). */
  async tf(): Promise<Terraform> {
    if (!this.terraform) {
      const o = this.options;
      const tf = new Terraform({ dir: this.dir, env: o.env, ...(o.skipCredentialsCheck ? { skipCredentialsCheck: true } : {}), ...(o.onCommand ? { onCommand: o.onCommand } : {}) });
      await tf.init();
      this.terraform = tf;
    }
    return this.terraform;
  }

  /**
   * `validate`, `plan -detailed-exitcode -out=<planFile>`, and `apply` of that plan when it
   * changes anything. `beforeApply` runs between a plan with changes and its apply.
   */
  async planAndApply(planFile: string, config: string, beforeApply?: () => Promise<void>): Promise<PlanOutcome> {
    const tf = await this.tf();
    await tf.validate();
    const changed = await tf.plan(planFile, this.planVars());
    if (changed) {
      await beforeApply?.();
      await tf.apply(planFile);
    }
    return { changed, config };
  }

  /** Plans a destroy; returns what it would remove (empty when nothing is deployed). */
  async planDestroy(planFile: string): Promise<ResourceChange[]> {
    const tf = await this.tf();
    await tf.validate();
    const changed = await tf.plan(planFile, { ...this.planVars(), destroy: true });
    return changed ? tf.changes(planFile) : [];
  }

  /**
   * What Terraform's outputs say is deployed (`phase` and `model_data_url`), when it is more than
   * the foundation: the variant to plan with when there is no state file. Synthesizes the
   * foundation first if nothing was synthesized yet, for `init`.
   */
  async deployedFromOutputs(): Promise<DeployedPhase | undefined> {
    if (!this.terraform) this.synth({ phase: "foundation", modelDataUrl: null });
    const outputs = await (await this.tf()).outputs();
    const phase = outputs["phase"];
    const url = outputs["model_data_url"];
    const detector = outputs["anomaly_model_data_url"];
    if (!((phase === "serving" || phase === "all") && typeof url === "string")) return undefined;
    return { phase, modelDataUrl: url, ...(typeof detector === "string" ? { anomalyModelDataUrl: detector } : {}) };
  }

  /** The `-var` settings of every plan. */
  planVars(): PlanFlags {
    return this.options.vars && Object.keys(this.options.vars).length > 0 ? { vars: this.options.vars } : {};
  }
}

/** Options every stack command (`plan`, `deploy`, `destroy`) shares. @public */
export interface StackCommandOptions {
  /** Environment (stack) to act on. */
  environment: string;
  /** Folder holding `infra.config.json`; the defaults below live here. */
  cwd: string;
  /** Environment variables (`FRAUD_INFRA_*`, AWS credentials); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Configuration file (default env `FRAUD_INFRA_CONFIG`, else `infra.config.json`). */
  configFile?: string;
  /** Synthesized output folder. @defaultValue `"cdktf.out"` */
  outdir?: string;
  /** Deploy state file. @defaultValue `.fraud/deploy-<env>.json` */
  stateFile?: string;
  /** Extra `-var NAME=VALUE` for every plan. */
  vars?: Record<string, string>;
  /** Skip the AWS credentials check before `terraform` (stand-in binaries). */
  skipCredentialsCheck?: boolean;
  /** Called with each `terraform` command before it runs. */
  onCommand?: (binary: string, args: string[]) => void;
}

/** What {@link openStack} returns. @public */
export interface OpenedStack {
  /** Synthesizes the environment's stack and runs `terraform` in its folder. */
  runner: StackRunner;
  /** The environment variables in effect. */
  env: NodeJS.ProcessEnv;
  /** Absolute path of the deploy state file. */
  stateFile: string;
}

/**
 * The runner, environment and state file of a stack command.
 * @example
 * ```ts
 * const { runner, stateFile } = openStack({ environment: "dev", cwd: "packages/infra" });
 * ```
 * @public
 */
export function openStack(o: StackCommandOptions): OpenedStack {
  const env = o.env ?? process.env;
  const runner = new StackRunner({
    environment: o.environment,
    cwd: o.cwd,
    env,
    outdir: resolve(o.cwd, o.outdir ?? "cdktf.out"),
    ...(o.configFile ? { configFile: o.configFile } : {}),
    ...(o.vars ? { vars: o.vars } : {}),
    ...(o.skipCredentialsCheck ? { skipCredentialsCheck: true } : {}),
    ...(o.onCommand ? { onCommand: o.onCommand } : {}),
  });
  const stateFile = o.stateFile ? resolve(o.cwd, o.stateFile) : defaultStateFile(o.cwd, o.environment);
  return { runner, env, stateFile };
}

/**
 * The variant the last deploy applied (its phase, classifier and anomaly detector), so `plan` and `destroy` see the
 * configuration Terraform's state was made from; `{}` (the configuration as it stands) when
 * nothing was deployed by `deploy`.
 * @example
 * ```ts
 * runner.synth(deployedVariant(await loadState(stateFile, "dev")));
 * ```
 * @public
 */
export function deployedVariant(state: DeployState): StackVariant {
  if (!state.phase) return {};
  if (state.phase === "foundation") return { phase: state.phase, modelDataUrl: null, anomalyModelDataUrl: null };
  return {
    phase: state.phase,
    modelDataUrl: state.model?.modelDataUrl ?? null,
    ...(state.model?.algorithm ? { algorithm: state.model.algorithm } : {}),
    ...(state.anomalyDetector ? { anomalyModelDataUrl: state.anomalyDetector.modelDataUrl } : {}),
  };
}
