/**
 * `@fraud/trainer/aws`: the AWS facts the trainer uses, without the AWS SDK. Their home is
 * `@fraud/contracts` (partitions, images, S3 URIs, SageMaker names, `sagemaker.json`,
 * `fraud-stack.json` and its Terraform-output table); this entry re-exports them for the trainer's
 * users, the validators raising this package's {@link SageMakerError}.
 *
 * @example
 * ```ts
 * import { linearLearnerImage, partitionOf, parseStackOutputs } from "@fraud/trainer/aws";
 * partitionOf("us-isob-east-1"); // "aws-iso-b"
 * linearLearnerImage("eu-west-1"); // the eu-west-1 registry's linear-learner:1
 * ```
 * @packageDocumentation
 */
export { SageMakerError, isSageMakerError } from "./aws/errors.js";
export type { SageMakerErrorCode } from "./aws/errors.js";
export { dnsSuffix, partitionOf } from "./aws/partitions.js";
export type { Partition } from "./aws/partitions.js";
export { LINEAR_LEARNER_REGISTRIES, linearLearnerImage } from "./aws/images.js";
export type { LinearLearnerRegistry } from "./aws/images.js";
export { formatS3Uri, parseS3Uri, s3UriSchema } from "./aws/s3.js";
export type { S3Location } from "./aws/s3.js";
export { SAGEMAKER_NAME_RULES, trainingJobName, validateSageMakerName } from "./aws/names.js";
export type { SageMakerNameKind, SageMakerNameRule } from "./aws/names.js";
export { TRAINING_LAYOUT } from "./aws/layout.js";
export { sagemakerJobRecordSchema } from "./aws/record.js";
export type { SageMakerJobRecord } from "./aws/record.js";
export { parseStackOutputs, stackDocumentFromTerraform, stackOutputsSchema } from "./aws/stack.js";
export type { StackOutputs } from "./aws/stack.js";
