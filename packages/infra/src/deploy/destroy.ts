import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InfraError, isInfraError } from "../errors.js";
import type { ResourceChange } from "../terraform.js";
import { deployedVariant, openStack } from "./stack-runner.js";
import type { StackCommandOptions } from "./stack-runner.js";
import { loadState, removeState } from "./state.js";

/** Options of {@link runDestroy}. @public */
export interface DestroyOptions extends StackCommandOptions {
  /** Stack outputs file, removed when it describes this environment. @defaultValue `fraud-stack.json` */
  stackFile?: string;
  /** Delete the buckets' objects too (sets `force_destroy` on them first). @defaultValue `false` */
  deleteData?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What {@link runDestroy} removed. @public */
export interface DestroyResult {
  /** Every resource deleted. */
  removed: ResourceChange[];
  /** One line naming what went, e.g. `12 resources: SageMaker endpoint, notebook instance, 3 S3 buckets, …`. */
  summary: string;
}

const NAMES: Record<string, string> = {
  aws_sagemaker_endpoint: "SageMaker endpoint",
  aws_sagemaker_endpoint_configuration: "endpoint configuration",
  aws_sagemaker_model: "SageMaker model",
  aws_sagemaker_notebook_instance: "notebook instance",
  aws_s3_bucket: "S3 bucket",
  aws_lambda_function: "Lambda function",
  aws_kinesis_firehose_delivery_stream: "Firehose stream",
  aws_iam_role: "IAM role",
  aws_cloudwatch_event_rule: "schedule rule",
  aws_cloudwatch_metric_alarm: "alarm",
  aws_cloudwatch_log_group: "log group",
  aws_sqs_queue: "SQS queue",
  aws_sns_topic: "SNS topic",
  aws_kms_key: "KMS key",
};

/**
 * One line naming what a destroy removes, the billed resources first.
 * @example
 * ```ts
 * describeRemoval([{ address: "aws_sagemaker_endpoint.e", type: "aws_sagemaker_endpoint", actions: ["delete"] }]);
 * // "1 resource: SageMaker endpoint"
 * ```
 * @public
 */
export function describeRemoval(changes: readonly ResourceChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  const known = Object.keys(NAMES).filter((t) => counts.has(t));
  const other = [...counts.keys()].filter((t) => !(t in NAMES)).reduce((n, t) => n + counts.get(t)!, 0);
  const parts = known.map((t) => (counts.get(t) === 1 ? NAMES[t]! : `${counts.get(t)} ${NAMES[t]!}s`));
  if (other > 0) parts.push(`${other} other`);
  return `${changes.length} resource${changes.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

async function removeStackFile(file: string, environment: string): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return;
  try {
    if ((JSON.parse(text) as { environment?: unknown }).environment !== environment) return;
  } catch {
    return;
  }
  await rm(file, { force: true });
}

/**
 * `destroy` behind `nx run infra:destroy`: plans a destroy of everything the environment's stack
 * owns (endpoint, notebook, functions, stream, buckets, roles…), says what goes, applies it, and
 * forgets the deploy state and `fraud-stack.json`. With `deleteData`, buckets are emptied too.
 *
 * @example
 * ```ts
 * const { summary } = await runDestroy({ environment: "dev", cwd: "packages/infra", deleteData: true });
 * ```
 * @throws {@link InfraError} `COMMAND_FAILED` (with a hint when buckets still hold objects), `STATE_INVALID`, …
 * @public
 */
export async function runDestroy(o: DestroyOptions): Promise<DestroyResult> {
  const log = o.log ?? (() => {});
  const { runner, stateFile } = openStack(o);
  const variant = deployedVariant(await loadState(stateFile, o.environment));
  const forceDestroy = o.deleteData || runner.config(variant).buckets.forceDestroy;
  if (o.deleteData) {
    log("letting destroy delete the buckets' objects (force_destroy)");
    const config = runner.synth({ ...variant, extra: { FRAUD_INFRA_FORCE_DESTROY: "true" } });
    await runner.planAndApply(join(runner.dir, "destroy-prepare.tfplan"), config);
  } else {
    runner.synth(variant);
  }
  const removed = await runner.planDestroy(join(runner.dir, "destroy.tfplan"));
  if (removed.length === 0) {
    log(`nothing to destroy in ${o.environment}`);
  } else {
    const summary = describeRemoval(removed);
    log(`destroying ${summary}`);
    if (!forceDestroy) log("buckets that still hold objects are kept (run destroy with --delete-data to delete them too)");
    try {
      await (await runner.tf()).apply("destroy.tfplan");
    } catch (err) {
      if (isInfraError(err, "COMMAND_FAILED") && !forceDestroy) {
        throw new InfraError("COMMAND_FAILED", `${err.message} (a bucket that still holds objects is only deleted with --delete-data)`, { cause: err });
      }
      throw err;
    }
  }
  await removeState(stateFile);
  await removeStackFile(resolve(o.cwd, o.stackFile ?? "fraud-stack.json"), o.environment);
  const summary = removed.length === 0 ? "nothing was deployed" : describeRemoval(removed);
  if (removed.length > 0) log(`destroyed ${summary}; nothing of ${o.environment} is left billing`);
  return { removed, summary };
}
