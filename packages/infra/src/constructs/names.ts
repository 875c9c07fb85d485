import { LINEAR_LEARNER_REGISTRIES, TRAINING_LAYOUT, linearLearnerImage } from "@fraud/trainer/aws";

/**
 * Key prefixes in the artifact bucket, as `fraud-stack.json` reports them: `fraud-train sagemaker
 * --stack` uploads training data under `dataPrefix` and training jobs write models under
 * `modelPrefix`; the notebook's code lives under `notebookPrefix`.
 * @example
 * ```ts
 * `s3://${bucket}/${LAYOUT.dataPrefix}${jobName}/train/`;
 * ```
 * @public
 */
export const LAYOUT = Object.freeze({
  /** Training data (train/validation/test channels): the trainer's default layout. */
  dataPrefix: TRAINING_LAYOUT.dataPrefix,
  /** Training job output and uploaded `model.tar.gz` files: the trainer's default layout. */
  modelPrefix: TRAINING_LAYOUT.modelPrefix,
  /** The notebook the stack uploads for its notebook instance. */
  notebookPrefix: "fraud-detection/notebook/",
});

/**
 * CloudWatch log group every SageMaker training job writes to (one per account and region).
 * @example
 * ```ts
 * `arn:aws:logs:${region}:${account}:log-group:${TRAINING_LOG_GROUP}`;
 * ```
 * @public
 */
export const TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs";

/** The names of one environment's resources. @public */
export interface StackNames {
  /** `<prefix>-<environment>`, the start of every name. */
  base: string;
  /** Training job names start with this (`<base>-`); IAM grants only those jobs. */
  trainingJobPrefix: string;
  /** SageMaker execution role. */
  sagemakerRole: string;
  /** Managed policy for whoever runs `fraud-train sagemaker --stack`. */
  trainerPolicy: string;
  /** SageMaker endpoint (endpoint scoring). */
  endpoint: string;
  /** Firehose delivery stream. */
  stream: string;
  /** Scheduled scorer function. */
  function: string;
  /** HTTP scorer function (Function URL). */
  httpFunction: string;
  /** EventBridge schedule rule. */
  scheduleRule: string;
  /** SQS on-failure queue. */
  failureQueue: string;
  /** SNS alarm topic. */
  alarmTopic: string;
  /** Notebook instance. */
  notebook: string;
}

/**
 * Every resource name of an environment, derived from the prefix and environment name.
 * @example
 * ```ts
 * stackNames({ prefix: "fraud-detection", environment: "dev" }).endpoint; // "fraud-detection-dev-endpoint"
 * ```
 * @public
 */
export function stackNames(config: { prefix: string; environment: string }): StackNames {
  const base = `${config.prefix}-${config.environment}`;
  return {
    base,
    trainingJobPrefix: `${base}-`,
    sagemakerRole: `${base}-sagemaker`,
    trainerPolicy: `${base}-trainer`,
    endpoint: `${base}-endpoint`,
    stream: `${base}-results`,
    function: `${base}-scorer`,
    httpFunction: `${base}-scorer-http`,
    scheduleRule: `${base}-schedule`,
    failureQueue: `${base}-scorer-failures`,
    alarmTopic: `${base}-alarms`,
    notebook: `${base}-notebook`,
  };
}

/**
 * The region's Linear Learner image (`@fraud/trainer/aws`), or `undefined` where it is not published.
 * @example
 * ```ts
 * regionImage("eu-west-1"); // "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"
 * ```
 * @public
 */
export function regionImage(region: string): string | undefined {
  return LINEAR_LEARNER_REGISTRIES.some((r) => r.region === region) ? linearLearnerImage(region) : undefined;
}
