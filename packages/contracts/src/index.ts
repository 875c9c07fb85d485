/**
 * `@fraud/contracts`: what the `@fraud/*` packages must agree on, defined once — the model and
 * inference types, the common error base and small shared helpers. Depends on zod only.
 *
 * @example
 * ```ts
 * import { ALGORITHMS, parseJsonBounded } from "@fraud/contracts";
 * ALGORITHMS; // ["linear-learner", "xgboost", "randomcutforest"]
 * parseJsonBounded('{"a":1}', { maxDepth: 8 });
 * ```
 * @packageDocumentation
 */
export { FraudError, isFraudError } from "./errors.js";
export { ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "./model.js";
export type { Algorithm, FeatureMatrix, ModelKind, Prediction } from "./model.js";
export { JsonError, MAX_JSON_DEPTH, jsonContainers, jsonDepth, parseJsonBounded } from "./json.js";
export type { JsonBounds, JsonErrorCode } from "./json.js";
export { parseDecimal, parseDecimalString, scanDecimal } from "./number.js";
export type { ScanEnd } from "./number.js";
export { ContractError, isContractError, refineWith } from "./contract-error.js";
export type { ContractErrorCode } from "./contract-error.js";
export { MAX_QUOTED, clip, formatIssue, formatIssues, issuePath, parseInteger, quote, valueAt } from "./text.js";
export { PARTITIONS, PARTITION_DNS_SUFFIXES, dnsSuffix, exampleQueueUrl, isRegionName, partitionOf, serviceHost, servicePrincipal } from "./aws.js";
export type { AwsService, Partition } from "./aws.js";
export { ALGORITHM_IMAGES, IMAGE_URI_PATTERN, algorithmImage, algorithmRegistry, imageUriSchema, parseImageUri, regionImage } from "./images.js";
export type { AlgorithmImage, AlgorithmRegistry, ImageUriParts } from "./images.js";
export { S3_MAX_KEY_BYTES, bucketNameSchema, formatS3Uri, keyPrefix, keyPrefixSchema, parseS3Uri, s3ObjectArn, s3UriSchema, validateBucketName } from "./s3.js";
export type { S3Location } from "./s3.js";
export {
  MAX_JOB_PREFIX_LENGTH,
  SAGEMAKER_NAME_RULES,
  TRAINING_LAYOUT,
  parseRoleArn,
  sagemakerJobRecordSchema,
  trainingJobName,
  validateJobPrefix,
  validateSageMakerName,
} from "./sagemaker.js";
export type { RoleArnParts, SageMakerJobRecord, SageMakerNameKind, SageMakerNameRule } from "./sagemaker.js";
export {
  FIREHOSE_MAX_BATCH_BYTES,
  FIREHOSE_MAX_BATCH_RECORDS,
  FIREHOSE_MAX_RECORD_BYTES,
  FIREHOSE_STREAM_NAME_PATTERN,
  INVOKE_ENDPOINT_MAX_BYTES,
  INVOKE_ENDPOINT_SERVERLESS_MAX_BYTES,
} from "./limits.js";
export { ANOMALY_DETECTOR_ENV_NAMES, CLASSIFIER_ENV_NAMES, CONTENT_TYPES, LAMBDA_ZIP_PATH, SCORER_DEFAULTS, SCORING_MODES, lambdaZipPathFrom } from "./scoring.js";
export type { AnomalyDetectorEnvField, ContentType, ScoringMode } from "./scoring.js";
export { ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE, validateEnvironmentName } from "./environment.js";
export {
  NPM_INTEGRITY_PATTERN,
  STACK_OUTPUT_NAMES,
  notebookPackageSchema,
  parseNotebookStackFile,
  parseStackOutputs,
  stackDocumentFromTerraform,
  stackOutputsSchema,
} from "./stack.js";
export type { NotebookPackage, NotebookStackFile, StackOutputs } from "./stack.js";
export { INFRA_ENV_VARIABLES, readInfraEnv } from "./infra-env.js";
export type { InfraEnv, InfraEnvKind, InfraEnvValue, InfraEnvVariable } from "./infra-env.js";
export { createRng } from "./rng.js";
export type { Rng, RngSeeding } from "./rng.js";
export {
  FIREHOSE_DATE_PARTITIONS,
  FIREHOSE_PREFIX_DEFAULTS,
  evaluateFirehosePrefix,
  firehoseObjectName,
  firehosePrefixExpressions,
  firehosePrefixPattern,
} from "./firehose-prefix.js";
export type { FirehoseObjectName, FirehosePrefixContext, FirehosePrefixExpressions } from "./firehose-prefix.js";
