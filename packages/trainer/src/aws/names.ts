import {
  parseRoleArn as contractParseRoleArn,
  trainingJobName as contractTrainingJobName,
  validateJobPrefix as contractValidateJobPrefix,
  validateSageMakerName as contractValidateSageMakerName,
} from "@fraud/contracts";
import type { RoleArnParts, SageMakerNameKind } from "@fraud/contracts";
import { asSageMakerErrors } from "./errors.js";
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the TSDoc @throws links
import type { SageMakerError } from "./errors.js";

export type { RoleArnParts, SageMakerNameKind, SageMakerNameRule } from "@fraud/contracts";
export { MAX_JOB_PREFIX_LENGTH, SAGEMAKER_NAME_RULES } from "@fraud/contracts";

/**
 * Checks a SageMaker resource name against its API rule (`@fraud/contracts`).
 * @example
 * ```ts
 * validateSageMakerName("endpoint", "fraud-detection-endpoint"); // "fraud-detection-endpoint"
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` naming the rule.
 * @public
 */
export const validateSageMakerName: (kind: SageMakerNameKind, name: string) => string = asSageMakerErrors(contractValidateSageMakerName);

/**
 * Checks a training-job name prefix (`@fraud/contracts`).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export const validateJobPrefix: (prefix: string) => string = asSageMakerErrors(contractValidateJobPrefix);

/**
 * A training job name, `${prefix}yyyyMMddHHmmss` in UTC (`@fraud/contracts`).
 * @example
 * ```ts
 * trainingJobName("fraud-dev-", new Date("2026-11-25T01:42:10Z")); // "fraud-dev-20261125014210"
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 * @public
 */
export const trainingJobName: (prefix: string, now?: Date) => string = asSageMakerErrors(contractTrainingJobName);

/**
 * Checks an IAM role ARN and, given a region, that its partition serves the region.
 * @throws {@link SageMakerError} `BAD_ROLE_ARN`.
 */
export const parseRoleArn: (arn: string, region?: string) => RoleArnParts = asSageMakerErrors(contractParseRoleArn);
