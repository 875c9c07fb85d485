// The Terraform outputs ↔ fraud-stack.json table lives in @fraud/contracts (STACK_OUTPUT_NAMES);
// the stack declares its outputs from it and the deploy reads them back with it.
import { isContractError, parseS3Uri, s3ObjectArn } from "@fraud/contracts";
import { InfraError } from "./errors.js";

/**
 * The S3 object ARN of the configured model's `s3://bucket/key` URL.
 * @throws {@link InfraError} `INVALID_ARGUMENT` when the URL is not `s3://bucket/key`.
 * @internal
 */
export function modelObjectArn(url: string, partition: string): string {
  try {
    return s3ObjectArn(partition, parseS3Uri(url));
  } catch (err) {
    if (!isContractError(err)) throw err;
    throw new InfraError("INVALID_ARGUMENT", `invalid configuration: model.dataUrl: ${err.message}`, { field: "model.dataUrl", cause: err });
  }
}
