/**
 * `@fraud/trainer/sagemaker`: Linear Learner training on Amazon SageMaker — splits streamed to S3
 * as RecordIO-protobuf, `CreateTrainingJob` with the region's image, job following, and evaluation
 * of the job's model with the local trainer's evaluator. Also the `fraud-train sagemaker`,
 * `sagemaker-status` and `sagemaker-stop` subcommands.
 * @packageDocumentation
 */
export { SageMakerError, isSageMakerError } from "./sagemaker/errors.js";
export type { SageMakerErrorCode } from "./sagemaker/errors.js";
// the region → image table, also published without the AWS SDK as `@fraud/trainer/images`
export * from "./images.js";
export {
  CHANNELS,
  MAX_RUNTIME_SECONDS,
  RECORDIO_PROTOBUF,
  TRAINING_JOB_DEFAULTS,
  defaultJobName,
  jobLayout,
  normalizePrefix,
  planTrainingJob,
  sagemakerHyperparameters,
  validateBucketName,
  validateInstanceType,
  validateJobName,
  validateRoleArn,
} from "./sagemaker/job.js";
export type { ChannelName, JobLayout, TrainingJobPlan, TrainingJobSettings } from "./sagemaker/job.js";
export { checkBucket, encodeRecordIO, planUploads, recordIOSize, summarizeUploads, uploadSplits } from "./sagemaker/upload.js";
export type { Splits, UploadOptions, UploadPart, UploadProgress, UploadSummary } from "./sagemaker/upload.js";
export {
  createTrainingJob,
  describeTrainingJob,
  finalMetrics,
  isTransientError,
  stopTrainingJob,
  waitForTrainingJob,
} from "./sagemaker/monitor.js";
export type { JobUpdate, WaitOptions } from "./sagemaker/monitor.js";
export { downloadObject, evaluateJobArtifact, evaluateOnSplit, parseS3Url } from "./sagemaker/evaluate.js";
export type { EvaluationFiles, EvaluationOutput, JobFacts, S3Location, SageMakerJobRecord, SageMakerMetrics, SplitEvaluation, TestSplitSource } from "./sagemaker/evaluate.js";
export { SPLIT_FRACTIONS, dryRunOutput, requireCredentials, resolveRegion, runSageMakerTraining } from "./sagemaker/run.js";
export type { AwsClients, DryRunOutput, SageMakerRunResult, SageMakerTrainOptions } from "./sagemaker/run.js";
export { formatJob, registerSagemakerCommands } from "./sagemaker/cli.js";
export type { SagemakerCliDeps } from "./sagemaker/cli.js";
