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
  version: "version",
  environment: "environment",
  region: "region",
  partition: "partition",
  accountId: "account_id",
  artifactBucket: "artifact_bucket",
  dataPrefix: "data_prefix",
  modelPrefix: "model_prefix",
  outputBucket: "output_bucket",
  sagemakerRoleArn: "sagemaker_role_arn",
  trainingJobPrefix: "training_job_prefix",
  endpointName: "endpoint_name",
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
