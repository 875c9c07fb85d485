import { join } from "node:path";
import { deployedVariant, openStack } from "./stack-runner.js";
import type { StackCommandOptions } from "./stack-runner.js";
import { loadState } from "./state.js";

/**
 * `plan` behind `nx run infra:plan`: synthesizes the stack as the last deploy left it (its phase
 * and model, from the state file) with the current configuration, then `init`, `validate` and
 * `plan`, so the plan shows exactly what the next `deploy` would change. Without a state file it
 * plans the phase and model Terraform's outputs name, else the configuration as it stands.
 *
 * @example
 * ```ts
 * const changes = await runPlan({ environment: "dev", cwd: "packages/infra" });
 * ```
 * @returns Whether the plan has changes.
 * @public
 */
export async function runPlan(o: StackCommandOptions): Promise<boolean> {
  const { runner, stateFile } = openStack(o);
  const state = await loadState(stateFile, o.environment);
  // Without a state file, plan against what Terraform says is deployed, not a smaller stack.
  const variant = state.phase ? deployedVariant(state) : ((await runner.deployedFromOutputs()) ?? {});
  runner.synth(variant);
  const tf = await runner.tf();
  await tf.validate();
  return tf.plan(join(runner.dir, "plan.tfplan"), runner.planVars());
}
