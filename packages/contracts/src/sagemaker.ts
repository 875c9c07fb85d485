/**
 * SageMaker facts: resource-name rules, training-job names, IAM role ARNs, the training layout in
 * the artifact bucket and the `sagemaker.json` record.
 * @packageDocumentation
 */
import * as z from "zod";
import { ContractError, invalidArgument, refineWith } from "./contract-error.js";
import { partitionOf } from "./aws.js";
import { imageUriSchema } from "./images.js";
import { s3UriSchema } from "./s3.js";
import { quote } from "./text.js";

/** A kind of SageMaker resource name. @public */
export type SageMakerNameKind = "trainingJob" | "model" | "endpoint" | "endpointConfig";

/** The naming rule of one kind of SageMaker resource. @public */
export interface SageMakerNameRule {
  /** What the name is called in messages. */
  readonly label: string;
  /** The API's pattern, anchored. */
  readonly pattern: RegExp;
  /** Longest name the API accepts. */
  readonly maxLength: number;
}

// The SageMaker API reference gives the same rule for all four: 1–63 characters, letters, digits
// and hyphens, starting and ending with a letter or digit
// (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`; CreateTrainingJob, CreateModel, CreateEndpoint,
// CreateEndpointConfig). Names are unique per account and region, case-insensitively.
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/**
 * The naming rules of SageMaker training jobs, models, endpoints and endpoint configurations.
 * @example
 * ```ts
 * SAGEMAKER_NAME_RULES.endpoint.pattern.test("fraud-detection-endpoint-dev"); // true
 * SAGEMAKER_NAME_RULES.endpoint.maxLength; // 63
 * ```
 * @public
 */
export const SAGEMAKER_NAME_RULES: Readonly<Record<SageMakerNameKind, SageMakerNameRule>> = Object.freeze({
  trainingJob: Object.freeze({ label: "training job name", pattern: NAME, maxLength: 63 }),
  model: Object.freeze({ label: "model name", pattern: NAME, maxLength: 63 }),
  endpoint: Object.freeze({ label: "endpoint name", pattern: NAME, maxLength: 63 }),
  endpointConfig: Object.freeze({ label: "endpoint configuration name", pattern: NAME, maxLength: 63 }),
});

/**
 * Checks a SageMaker resource name against its API rule.
 * @example
 * ```ts
 * validateSageMakerName("endpoint", "fraud-detection-endpoint"); // "fraud-detection-endpoint"
 * validateSageMakerName("trainingJob", "fraud_job"); // throws INVALID_ARGUMENT
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT` naming the rule.
 * @public
 */
export function validateSageMakerName(kind: SageMakerNameKind, name: string): string {
  const rule = SAGEMAKER_NAME_RULES[kind];
  if (typeof name !== "string" || !rule.pattern.test(name) || name.length > rule.maxLength) {
    const reason = `use 1-${rule.maxLength} letters, digits and hyphens, starting and ending with a letter or digit`;
    invalidArgument(`invalid ${rule.label} ${quote(name)}: ${reason}`, reason);
  }
  return name;
}

/** Length of the `yyyyMMddHHmmss` stamp of {@link trainingJobName}. */
const STAMP_LENGTH = 14;

/**
 * Longest training-job name prefix: the 14-digit stamp must still fit in 63 characters.
 * @example
 * ```ts
 * MAX_JOB_PREFIX_LENGTH; // 49
 * ```
 * @public
 */
export const MAX_JOB_PREFIX_LENGTH = SAGEMAKER_NAME_RULES.trainingJob.maxLength - STAMP_LENGTH;

/**
 * Checks a training-job name prefix (the stack's `trainingJobPrefix`): it starts with a letter or
 * digit, holds only letters, digits and hyphens, and leaves room for the 14-digit stamp.
 * @example
 * ```ts
 * validateJobPrefix("fraud-detection-dev-"); // "fraud-detection-dev-"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT`.
 * @public
 */
export function validateJobPrefix(prefix: string): string {
  if (typeof prefix !== "string" || !/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(prefix) || prefix.length > MAX_JOB_PREFIX_LENGTH) {
    invalidArgument(`invalid training job name prefix ${quote(prefix)}: 1-${MAX_JOB_PREFIX_LENGTH} letters, digits and hyphens, starting with a letter or digit`);
  }
  return prefix;
}

/**
 * A training job name, `${prefix}yyyyMMddHHmmss` in UTC: the names the stack's IAM policy grants
 * (`training-job/${trainingJobPrefix}*`).
 * @example
 * ```ts
 * trainingJobName("fraud-dev-", new Date("2026-11-25T01:42:10Z")); // "fraud-dev-20261125014210"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT` for a prefix that cannot make a valid name.
 * @public
 */
export function trainingJobName(prefix: string, now: Date = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-T:]/g, "");
  return validateSageMakerName("trainingJob", `${validateJobPrefix(prefix)}${stamp}`);
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** Partition and account of an IAM role ARN. @public */
export interface RoleArnParts {
  /** `aws`, `aws-cn`, … */
  partition: string;
  /** 12-digit account. */
  account: string;
}

/**
 * Checks an IAM role ARN and, given a region, that its partition serves the region.
 * @example
 * ```ts
 * parseRoleArn("arn:aws:iam::123456789012:role/sm", "eu-west-1"); // { partition: "aws", account: "123456789012" }
 * ```
 * @throws {@link ContractError} `BAD_ROLE_ARN`.
 * @public
 */
export function parseRoleArn(arn: string, region?: string): RoleArnParts {
  const m = typeof arn === "string" ? ROLE_ARN.exec(arn) : null;
  if (m === null) throw new ContractError("BAD_ROLE_ARN", `${quote(arn)} is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)`);
  if (region !== undefined) {
    const partition = partitionOf(region);
    if (m[1] !== partition) throw new ContractError("BAD_ROLE_ARN", `role ARN ${quote(arn)} is in partition ${m[1]} but region ${region} is in partition ${partition}`);
  }
  return { partition: m[1]!, account: m[2]! };
}

/**
 * Where training on SageMaker puts things in the artifact bucket, and what its jobs are called,
 * unless told otherwise: the layout the stack's IAM grants (`fraud-stack.json` reports the same
 * prefixes as `dataPrefix`, `modelPrefix` and `trainingJobPrefix`); the notebook's files live
 * under `notebookPrefix`.
 * @example
 * ```ts
 * `s3://${bucket}/${TRAINING_LAYOUT.dataPrefix}${jobName}/train/`;
 * ```
 * @public
 */
export const TRAINING_LAYOUT = Object.freeze({
  /** Key prefix of the uploaded data channels (train, validation, test). */
  dataPrefix: "fraud-detection/data/",
  /** Key prefix of the training output (models, checkpoints) and of uploaded `model.tar.gz` files. */
  modelPrefix: "fraud-detection/models/",
  /** Key prefix of the notebook and the `fraud-stack.json` the stack uploads for its notebook instance. */
  notebookPrefix: "fraud-detection/notebook/",
  /** Job names are this prefix and a `yyyyMMddHHmmss` UTC stamp. */
  jobNamePrefix: "fraud-linear-learner-",
} as const);

/**
 * Contents of `sagemaker.json`, written by `fraud-train sagemaker --wait` when a job completes and
 * read by the infrastructure to serve its model.
 * @public
 */
export interface SageMakerJobRecord {
  /** Training job name. */
  jobName: string;
  /** Image the job ran (also the endpoint's serving image). */
  image: string;
  /** `s3://` URL of the job's `model.tar.gz`. */
  modelDataUrl: string;
  /** Region of the job. */
  region: string;
}

// Built in a pure IIFE: a bundle that imports this module but not the schema (the scorer Lambda) leaves zod out.
/**
 * Schema of `sagemaker.json` ({@link SageMakerJobRecord}): the writer validates with it before
 * writing, readers parse with it. Unknown fields are ignored (later versions may add some).
 * @example
 * ```ts
 * const record = sagemakerJobRecordSchema.parse(JSON.parse(await readFile("out/sagemaker.json", "utf8")));
 * record.modelDataUrl; // "s3://…/model.tar.gz"
 * ```
 * @public
 */
export const sagemakerJobRecordSchema: z.ZodType<SageMakerJobRecord> = /* @__PURE__ */ (() =>
  z.object({
  jobName: z.string().superRefine(refineWith((v: string) => validateSageMakerName("trainingJob", v))),
  image: imageUriSchema,
  modelDataUrl: s3UriSchema,
  region: z.string().superRefine(refineWith(partitionOf)),
}))();
