import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import type { StackConfig } from "./config.js";
import { InfraError, isInfraError } from "./errors.js";
import { FraudDetectionStack } from "./stack.js";
import type { FraudDetectionStackOptions } from "./stack.js";

/** One synthesized stack. @public */
export interface SynthesizedStack {
  /** Environment name (also the stack id). */
  environment: string;
  /** Folder holding `cdk.tf.json`, where `terraform` runs. */
  dir: string;
  /** Path of `cdk.tf.json`. */
  file: string;
}

/** Options of {@link synthesize}. @public */
export interface SynthesizeOptions extends FraudDetectionStackOptions {
  /** Output folder. @defaultValue `"cdktf.out"` */
  outdir?: string;
}

/**
 * Synthesizes one stack per configuration into `<outdir>/stacks/<environment>/cdk.tf.json`,
 * copying the Lambda zip and the notebook in as assets. Runs in-process; no cdktf CLI needed.
 *
 * @example
 * ```ts
 * const [dev] = synthesize(loadConfig({ environments: ["dev"] }), { outdir: "cdktf.out" });
 * console.log(dev.dir); // …/cdktf.out/stacks/dev
 * ```
 * @throws {@link InfraError} `ASSET_MISSING`, `WILDCARD_POLICY` (the synth-time policy check) or
 * `SYNTH_FAILED` (any other CDKTF failure, with the cause attached).
 * @public
 */
export function synthesize(configs: StackConfig[], options: SynthesizeOptions = {}): SynthesizedStack[] {
  const outdir = resolve(options.outdir ?? "cdktf.out");
  const stacks: FraudDetectionStack[] = [];
  try {
    const app = new App({ outdir, skipValidation: false });
    for (const config of configs) stacks.push(new FraudDetectionStack(app, config.environment, config, options.offline ? { offline: true } : {}));
    app.synth();
  } catch (err) {
    if (isInfraError(err)) throw err;
    const violation = stacks.flatMap((s) => s.policyGuard.violations)[0];
    if (violation !== undefined) throw new InfraError("WILDCARD_POLICY", `least privilege: ${violation}`, { cause: err });
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new InfraError("SYNTH_FAILED", `synth failed: ${message}`, { cause: err });
  }
  return configs.map((c) => {
    const dir = stackDir(outdir, c.environment);
    return { environment: c.environment, dir, file: join(dir, "cdk.tf.json") };
  });
}

/**
 * The folder a stack is synthesized into.
 * @example
 * ```ts
 * stackDir("cdktf.out", "dev"); // "<cwd>/cdktf.out/stacks/dev"
 * ```
 * @public
 */
export function stackDir(outdir: string, environment: string): string {
  return join(resolve(outdir), "stacks", environment);
}

/**
 * Reads a synthesized stack's Terraform JSON.
 * @throws {@link InfraError} `STACK_MISSING` when the stack was not synthesized.
 * @example
 * ```ts
 * readSynthesized(dev).output; // the Terraform outputs of the dev stack
 * ```
 * @public
 */
export function readSynthesized(stack: SynthesizedStack): Record<string, unknown> {
  if (!existsSync(stack.file)) throw new InfraError("STACK_MISSING", `not synthesized: ${stack.file} (run "nx run infra:synth")`);
  return JSON.parse(readFileSync(stack.file, "utf8")) as Record<string, unknown>;
}
