import { InfraError } from "./errors.js";

/**
 * Terraform output name of every `fraud-stack.json` field: the snake_case of the field. `nx run
 * infra:deploy` writes the file from `terraform output -json`; `endpoint_name` is `null` when the
 * stack has no endpoint (foundation phase or embedded scoring).
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
} as const);

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
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(\S+)$/.exec(url);
  if (!m) throw new InfraError("INVALID_ARGUMENT", `invalid configuration: model.dataUrl: must be an s3:// URL (got ${JSON.stringify(url.slice(0, 80))})`, { field: "model.dataUrl" });
  return `arn:${partition}:s3:::${m[1]}/${m[2]}`;
}
