// Where a training job runs and writes: from the deployed stack's outputs, or from explicit options.
import { invalid } from "../aws/errors.js";
import { trainingJobName } from "../aws/names.js";
import { keyPrefix } from "../aws/s3.js";
import type { StackOutputs } from "../aws/stack.js";
import { quote } from "../text.js";
import type { Algorithm } from "@fraud/contracts";
import { TRAINING_JOB_DEFAULTS, defaultJobNamePrefix } from "./defaults.js";

/** Where a job runs: the stack's outputs, or explicit bucket, role and prefixes. @public */
export interface TargetOptions {
  /**
   * The deployed stack's outputs (`fraud-stack.json`): bucket, prefixes, role, region and
   * job-name prefix come from it. Explicit options may repeat its values but not contradict them.
   */
  stack?: StackOutputs;
  /** Bucket of the data channels and output (required without `stack`). */
  bucket?: string;
  /** IAM role SageMaker assumes (required without `stack`). */
  roleArn?: string;
  /** Region; otherwise the stack's, or the SDK's standard resolution (`AWS_REGION`, profile). */
  region?: string;
  /** Key prefix of the data channels. @defaultValue the stack's `dataPrefix`, else "fraud-detection/data/" */
  dataPrefix?: string;
  /** Key prefix of the output. @defaultValue the stack's `modelPrefix`, else "fraud-detection/models/" */
  modelPrefix?: string;
  /** Training job name; with `stack`, it must start with the stack's `trainingJobPrefix`. @defaultValue `${jobNamePrefix}yyyyMMddHHmmss` */
  jobName?: string;
  /** Prefix of generated job names. @defaultValue the stack's `trainingJobPrefix`, else "fraud-linear-learner-" (`fraud-<algorithm>-` for the other algorithms) */
  jobNamePrefix?: string;
  /** Clock for generated job names. @defaultValue new Date() */
  now?: Date;
}

/** The resolved target of a job. */
export interface Target {
  bucket: string;
  roleArn: string;
  region: string;
  dataPrefix: string;
  modelPrefix: string;
  jobName: string;
}

const STACK_FIELDS = [
  ["bucket", "artifactBucket"],
  ["roleArn", "sagemakerRoleArn"],
  ["region", "region"],
  ["dataPrefix", "dataPrefix"],
  ["modelPrefix", "modelPrefix"],
  ["jobNamePrefix", "trainingJobPrefix"],
] as const satisfies readonly (readonly [keyof TargetOptions, keyof StackOutputs])[];

function fromStack(options: TargetOptions, stack: StackOutputs): Target {
  for (const [option, field] of STACK_FIELDS) {
    const raw = options[option];
    const given = raw !== undefined && (option === "dataPrefix" || option === "modelPrefix") ? keyPrefix(String(raw)) : raw;
    if (given !== undefined && given !== stack[field]) invalid(`${option} ${quote(String(given))} contradicts the stack's ${field} ${quote(String(stack[field]))}`);
  }
  const jobName = options.jobName ?? trainingJobName(stack.trainingJobPrefix, options.now);
  if (!jobName.startsWith(stack.trainingJobPrefix)) {
    invalid(`job name ${quote(jobName)} does not start with the stack's trainingJobPrefix ${quote(stack.trainingJobPrefix)} (the stack's IAM policy grants only those)`);
  }
  return { bucket: stack.artifactBucket, roleArn: stack.sagemakerRoleArn, region: stack.region, dataPrefix: stack.dataPrefix, modelPrefix: stack.modelPrefix, jobName };
}

/**
 * Resolves bucket, role, region, prefixes and job name from the stack or the options.
 * @param region - The region resolved by the SDK when neither the options nor a stack give one.
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` for a missing bucket or role, or an option contradicting the stack.
 */
export function resolveTarget(options: TargetOptions, region: string | undefined, algorithm: Algorithm = "linear-learner"): Target {
  if (options.stack !== undefined) return fromStack(options, options.stack);
  if (options.bucket === undefined) invalid("a bucket is needed (--bucket, or --stack with the deployed stack's outputs)");
  if (options.roleArn === undefined) invalid("an execution role is needed (--role, or --stack with the deployed stack's outputs)");
  const resolved = options.region ?? region;
  if (resolved === undefined) invalid("a region is needed");
  return {
    bucket: options.bucket,
    roleArn: options.roleArn,
    region: resolved,
    dataPrefix: options.dataPrefix ?? TRAINING_JOB_DEFAULTS.dataPrefix,
    modelPrefix: options.modelPrefix ?? TRAINING_JOB_DEFAULTS.modelPrefix,
    jobName: options.jobName ?? trainingJobName(options.jobNamePrefix ?? defaultJobNamePrefix(algorithm), options.now),
  };
}
