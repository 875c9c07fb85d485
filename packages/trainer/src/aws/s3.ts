import {
  formatS3Uri as contractFormatS3Uri,
  keyPrefix as contractKeyPrefix,
  parseS3Uri as contractParseS3Uri,
  validateBucketName as contractValidateBucketName,
} from "@fraud/contracts";
import type { S3Location } from "@fraud/contracts";
import { asSageMakerErrors } from "./errors.js";
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the TSDoc @throws links
import type { SageMakerError } from "./errors.js";

export type { S3Location };
export { bucketNameSchema, s3UriSchema } from "@fraud/contracts";

/**
 * Checks an S3 bucket name (`@fraud/contracts`' `validateBucketName`).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export const validateBucketName: (bucket: string) => string = asSageMakerErrors(contractValidateBucketName);

/**
 * Normalises an S3 key prefix to `""` or `a/b/` (`@fraud/contracts`' `keyPrefix`).
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 */
export const keyPrefix: (prefix: string | undefined) => string = asSageMakerErrors(contractKeyPrefix);

/**
 * Splits an `s3://bucket/key` URI (`@fraud/contracts`' `parseS3Uri`).
 * @example
 * ```ts
 * parseS3Uri("s3://fraud-artifacts/fraud-detection/models/model.tar.gz");
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 * @public
 */
export const parseS3Uri: (uri: string, options?: { allowPrefix?: boolean }) => S3Location = asSageMakerErrors(contractParseS3Uri);

/**
 * Formats a location as `s3://bucket/key` (`@fraud/contracts`' `formatS3Uri`).
 * @example
 * ```ts
 * formatS3Uri({ bucket: "b", key: "models/model.tar.gz" }); // "s3://b/models/model.tar.gz"
 * ```
 * @throws {@link SageMakerError} `INVALID_ARGUMENT`.
 * @public
 */
export const formatS3Uri: (location: S3Location) => string = asSageMakerErrors(contractFormatS3Uri);
