/**
 * `@fraud/trainer/sagemaker`: training the built-in algorithms on Amazon SageMaker (Linear Learner,
 * XGBoost 1.7-1, Random Cut Forest) — splits streamed to S3 as RecordIO-protobuf (or CSV for
 * XGBoost), `CreateTrainingJob` with the region's image and `TRAINING_DEFAULTS` of
 * `@fraud/trainer` under the user's hyperparameters, job following, and evaluation of the job's
 * model with the model registry and the local trainer's evaluator. Also the `fraud-train sagemaker`,
 * `sagemaker-status` and `sagemaker-stop` subcommands. Loads the AWS SDK; the AWS facts without it
 * (regions, images, S3 URIs, names, `sagemaker.json`, stack outputs) are in `@fraud/trainer/aws`.
 *
 * @example
 * ```ts
 * import { runSageMakerTraining } from "@fraud/trainer/sagemaker";
 * import { parseStackOutputs } from "@fraud/trainer/aws";
 * const stack = parseStackOutputs(JSON.parse(await readFile("fraud-stack.json", "utf8")));
 * await runSageMakerTraining({ data: "creditcard.csv", stack, wait: true, outDir: "out" });
 * await runSageMakerTraining({ data: "creditcard.csv", stack, algorithm: "xgboost", hyperparameters: { max_depth: 5 }, wait: true, outDir: "out-xgb" });
 * ```
 * @packageDocumentation
 */
export { SageMakerError, isSageMakerError } from "./aws/errors.js";
export type { SageMakerErrorCode } from "./aws/errors.js";
export { TRAINING_JOB_DEFAULTS } from "./sagemaker/defaults.js";
export { planTrainingJob } from "./sagemaker/job.js";
export type { ChannelFormat, ChannelName, ChannelPlan, JobLayout, TrainingJobPlan, TrainingJobSettings } from "./sagemaker/job.js";
export type { UploadOptions, UploadProgress, UploadSummary } from "./sagemaker/upload.js";
export { createTrainingJob, describeTrainingJob, stopTrainingJob, waitForTrainingJob } from "./sagemaker/monitor.js";
export type { JobUpdate, WaitOptions } from "./sagemaker/monitor.js";
export { downloadObject, evaluateJobArtifact } from "./sagemaker/evaluate.js";
export type { EvaluationFiles, EvaluationOutput, JobFacts, SageMakerMetrics, TestSplitSource } from "./sagemaker/evaluate.js";
export { dryRunOutput, runSageMakerTraining } from "./sagemaker/run.js";
export type { AwsClients, DryRunOutput, SageMakerRunResult, SageMakerTrainOptions } from "./sagemaker/run.js";
export type { TargetOptions } from "./sagemaker/target.js";
export { registerSagemakerCommands } from "./sagemaker/cli.js";
export type { SagemakerCliDeps } from "./sagemaker/cli.js";
