import { isSageMakerError, parseS3Uri } from "@fraud/trainer/aws";
import type { StackOutputs } from "@fraud/trainer/aws";
import { InfraError } from "./errors.js";

/**
 * Terraform output name of every `fraud-stack.json` field: the snake_case of the field. `nx run
 * infra:deploy` writes the file from `terraform output -json`; `endpoint_name` is `null` when the
 * stack has no endpoint (foundation phase or embedded scoring).
 * @example
 * ```ts
 * const outputs = JSON.parse(execSync("terraform output -json", { encoding: "utf8" }));
 * outputs[STACK_OUTPUT_NAMES.artifactBucket].value; // fraud-stack.json artifactBucket
 * ```
 * @public
 */
export const STACK_OUTPUT_NAMES = Object.freeze({
  /** Format version of `fraud-stack.json`: 1. */
  version: "version",
  /** Environment name. */
  environment: "environment",
  /** Region of the stack. */
  region: "region",
  /** Partition of the region. */
  partition: "partition",
  /** Account, from the SageMaker role's ARN. */
  accountId: "account_id",
  /** Bucket of the training data, the models and the notebook. */
  artifactBucket: "artifact_bucket",
  /** Key prefix of the training data. */
  dataPrefix: "data_prefix",
  /** Key prefix of the models. */
  modelPrefix: "model_prefix",
  /** Bucket Firehose delivers to. */
  outputBucket: "output_bucket",
  /** SageMaker execution role. */
  sagemakerRoleArn: "sagemaker_role_arn",
  /** Training job names the role may run start with it. */
  trainingJobPrefix: "training_job_prefix",
  /** SageMaker endpoint; null (left out by Terraform) without one. */
  endpointName: "endpoint_name",
  /** `endpoint` or `embedded`. */
  scoringMode: "scoring_mode",
} as const satisfies Record<keyof StackOutputs, string>);

/**
 * The S3 object ARN of an `s3://bucket/key` URL.
 * @example
 * ```ts
 * modelObjectArn("s3://b/models/model.tar.gz", "aws"); // "arn:aws:s3:::b/models/model.tar.gz"
 * ```
 * @throws {@link InfraError} `INVALID_ARGUMENT` when the URL is not `s3://bucket/key`.
 * @public
 */
export function modelObjectArn(url: string, partition: string): string {
  try {
    const { bucket, key } = parseS3Uri(url);
    return `arn:${partition}:s3:::${bucket}/${key}`;
  } catch (err) {
    if (!isSageMakerError(err)) throw err;
    throw new InfraError("INVALID_ARGUMENT", `invalid configuration: model.dataUrl: ${err.message}`, { field: "model.dataUrl", cause: err });
  }
}
