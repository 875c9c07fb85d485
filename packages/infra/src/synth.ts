import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import type { StackConfig } from "./config.js";
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
 * copying the Lambda zip in as an asset. Runs in-process; no cdktf CLI needed.
 *
 * @example
 * ```ts
 * const [dev] = synthesize(loadConfig({ environments: ["dev"] }), { outdir: "cdktf.out" });
 * console.log(dev.dir); // …/cdktf.out/stacks/dev
 * ```
 * @public
 */
export function synthesize(configs: StackConfig[], options: SynthesizeOptions = {}): SynthesizedStack[] {
  const outdir = resolve(options.outdir ?? "cdktf.out");
  const app = new App({ outdir, skipValidation: false });
  for (const config of configs) {
    new FraudDetectionStack(app, config.environment, config, options.offline ? { offline: true } : {});
  }
  app.synth();
  return configs.map((c) => {
    const dir = stackDir(outdir, c.environment);
    return { environment: c.environment, dir, file: join(dir, "cdk.tf.json") };
  });
}

/** The folder a stack is synthesized into. @public */
export function stackDir(outdir: string, environment: string): string {
  return join(resolve(outdir), "stacks", environment);
}

/**
 * Reads a synthesized stack's Terraform JSON.
 * @public
 */
export function readSynthesized(stack: SynthesizedStack): Record<string, unknown> {
  if (!existsSync(stack.file)) throw new Error(`not synthesized: ${stack.file}`);
  return JSON.parse(readFileSync(stack.file, "utf8")) as Record<string, unknown>;
}
