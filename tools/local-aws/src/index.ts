/**
 * `@fraud/local-aws`: local stand-ins for a SageMaker runtime endpoint serving a model of any
 * registered algorithm (in its container's formats) and for Kinesis Data Firehose delivering GZIP
 * objects, reachable by the real AWS SDKs through
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` / `AWS_ENDPOINT_URL_FIREHOSE`.
 * @packageDocumentation
 */
export { LocalAwsError, isLocalAwsError } from "./errors.js";
export type { LocalAwsErrorCode, LocalAwsErrorOptions } from "./errors.js";
export type { RequestLogger } from "./http.js";
export { ensureDirectory } from "./directory.js";
export { startEndpoint } from "./endpoint.js";
export type { EndpointOptions, EndpointServer } from "./endpoint.js";
export { startFirehose } from "./firehose.js";
export type { FirehoseOptions, FirehoseServer } from "./firehose.js";
