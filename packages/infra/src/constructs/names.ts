import { TRAINING_LAYOUT } from "@fraud/contracts";

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
  notebookPrefix: TRAINING_LAYOUT.notebookPrefix,
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
  /** The anomaly detector's SageMaker endpoint (its endpoint scoring). */
  anomalyEndpoint: string;
  /** Firehose delivery stream. */
  stream: string;
  /** The role Firehose assumes. */
  firehoseRole: string;
  /** The scorer functions' role. */
  scorerRole: string;
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
  /** Notebook lifecycle configuration. */
  notebookLifecycle: string;
  /** KMS key alias (`alias/<base>`), when the buckets use KMS. */
  keyAlias: string;
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
    anomalyEndpoint: `${base}-anomaly`,
    stream: `${base}-results`,
    firehoseRole: `${base}-firehose`,
    scorerRole: `${base}-scorer`,
    function: `${base}-scorer`,
    httpFunction: `${base}-scorer-http`,
    scheduleRule: `${base}-schedule`,
    failureQueue: `${base}-scorer-failures`,
    alarmTopic: `${base}-alarms`,
    notebook: `${base}-notebook`,
    notebookLifecycle: `${base}-on-start`,
    keyAlias: `alias/${base}`,
  };
}
