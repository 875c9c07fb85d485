import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { Aspects, LocalBackend, S3Backend, TerraformOutput, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Phase, StackConfig } from "./config.js";
import { Alarms } from "./constructs/alarms.js";
import { ModelEndpoint } from "./constructs/endpoint.js";
import { LAYOUT, stackNames } from "./constructs/names.js";
import type { StackNames } from "./constructs/names.js";
import { scorerEnvironment } from "./constructs/scorer-env.js";
import { Notebook } from "./constructs/notebook.js";
import { Notifications } from "./constructs/notifications.js";
import { Scorer } from "./constructs/scorer.js";
import { Storage } from "./constructs/storage.js";
import { ResultStream } from "./constructs/stream.js";
import { TrainingAccess } from "./constructs/training.js";
import { InfraError } from "./errors.js";
import { modelObjectArn } from "./outputs.js";
import { LeastPrivilegeAspect } from "./policy.js";
import { STACK_OUTPUT_NAMES, partitionOf, regionImage } from "@fraud/contracts";

/** Options of {@link FraudDetectionStack} beyond the configuration. @public */
export interface FraudDetectionStackOptions {
  /**
   * Configure the provider for offline `validate`/`plan` (skip credential, account, region and
   * metadata checks). For tests and dry runs only; never for a real deployment.
   * @defaultValue `false`
   */
  offline?: boolean;
}

/** The tag every resource carries to say what manages it. @public */
export const MANAGED_BY = "cdktf:@fraud/infra";

/**
 * Base64 SHA-256 of a file, as Terraform's `filebase64sha256` computes it.
 * @throws {@link InfraError} `ASSET_MISSING` when the file does not exist.
 * @example
 * ```ts
 * new LambdaFunction(this, "fn", { filename, sourceCodeHash: fileSha256Base64(filename), … });
 * ```
 * @public
 */
export function fileSha256Base64(path: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InfraError("ASSET_MISSING", `lambda zip not found: ${path} (run "nx run lambda-scorer:bundle" or set lambda.zipPath)`, { field: "lambda.zipPath" });
  }
  return createHash("sha256").update(readFileSync(path)).digest("base64");
}

/**
 * What a configuration synthesizes: the foundation without a model whatever `phase` says, else
 * the configured phase.
 * @example
 * ```ts
 * deployedPhase(resolveConfig({}, "dev", { env: {} })); // "foundation"
 * ```
 * @public
 */
export function deployedPhase(config: StackConfig): Phase {
  return config.model.dataUrl === undefined ? "foundation" : config.phase;
}

/**
 * The anomaly detector the stack serves: enabled and with a model URL (a local `modelPath` is
 * uploaded by the deploy, which then gives its URL), else `undefined`.
 * @example
 * ```ts
 * activeAnomalyDetector(config)?.scoringMode; // "embedded"
 * ```
 * @internal
 */
export function activeAnomalyDetector(config: StackConfig): (StackConfig["anomalyDetector"] & { dataUrl: string }) | undefined {
  const a = config.anomalyDetector;
  return a.enabled === true && a.dataUrl !== undefined ? (a as StackConfig["anomalyDetector"] & { dataUrl: string }) : undefined;
}

/**
 * The whole fraud-detection system for one environment. The foundation — buckets, KMS key (when
 * asked), the SageMaker role and trainer policy, Firehose, logs, the on-failure queue, the alarm
 * topic and alarms, the notebook when enabled — needs no model. With a model
 * (`FRAUD_INFRA_MODEL_DATA_URL`, `model.dataUrl` or `model.sagemakerJson`) the `serving` phase
 * adds the SageMaker model, endpoint configuration and endpoint (none in `embedded` scoring mode)
 * and `all` adds the scorer Lambdas, trigger and schedule.
 *
 * @example
 * ```ts
 * const app = new App({ outdir: "cdktf.out" });
 * for (const config of loadConfig()) new FraudDetectionStack(app, config.environment, config);
 * app.synth();
 * ```
 * @public
 */
export class FraudDetectionStack extends TerraformStack {
  /** What this stack synthesizes. */
  readonly phase: Phase;
  /** The buckets. */
  readonly storage: Storage;
  /** SageMaker role and trainer policy. */
  readonly training: TrainingAccess;
  /** Firehose delivery stream. */
  readonly stream: ResultStream;
  /** On-failure queue and alarm topic. */
  readonly notifications: Notifications;
  /** Alarms, when enabled. */
  readonly alarms: Alarms | undefined;
  /** The notebook, when enabled. */
  readonly notebook: Notebook | undefined;
  /** SageMaker model and endpoint: `serving` or `all` with a model, in endpoint scoring mode. */
  readonly endpoint: ModelEndpoint | undefined;
  /** The anomaly detector's SageMaker model and endpoint: `serving` or `all` with a detector model, in its endpoint scoring mode. */
  readonly anomalyEndpoint: ModelEndpoint | undefined;
  /** Lambda scorer and schedule: `all` with a model. */
  readonly scorer: Scorer | undefined;
  /** The synth-time least-privilege check of every policy. */
  readonly policyGuard: LeastPrivilegeAspect = new LeastPrivilegeAspect();

  constructor(scope: Construct, id: string, config: StackConfig, options: FraudDetectionStackOptions = {}) {
    super(scope, id);
    this.phase = deployedPhase(config);
    Aspects.of(this).add(this.policyGuard);
    this.configure(config, options);
    // Names and partition are computed once here; each construct gets only what it uses.
    const names = stackNames(config);
    const region = config.region;
    const partition = partitionOf(region);
    const dataUrl = config.model.dataUrl;
    const endpointMode = dataUrl !== undefined && this.phase !== "foundation" && config.lambda.scoringMode === "endpoint";

    this.storage = new Storage(this, "storage", { names, buckets: config.buckets });
    this.training = new TrainingAccess(this, "training", { names, region, partition, storage: this.storage });
    const dataKey = this.storage.dataKey({ accountId: this.training.accountId, region, partition });
    this.stream = new ResultStream(this, "stream", { names, region, firehose: config.firehose, storage: this.storage, dataKey });
    this.notifications = new Notifications(this, "notifications", { names, email: config.alarms.email, dataKey });
    this.alarms = config.alarms.enabled ? new Alarms(this, "alarms", { names, alarms: config.alarms, notifications: this.notifications, stream: this.stream }) : undefined;
    const outputs = this.stackOutputs(config, names, partition, endpointMode ? names.endpoint : null);
    this.notebook = config.notebook.enabled
      ? new Notebook(this, "notebook", { names, region, partition, notebook: config.notebook, storage: this.storage, training: this.training, stackFile: outputs })
      : undefined;

    if (dataUrl !== undefined && this.phase !== "foundation") {
      const objectArn = modelObjectArn(dataUrl, partition);
      const detector = activeAnomalyDetector(config);
      const detectorArn = detector ? modelObjectArn(detector.dataUrl, partition) : undefined;
      if (endpointMode) {
        const image = config.model.imageUri;
        this.endpoint = new ModelEndpoint(this, "serving", {
          names,
          partition,
          endpoint: config.endpoint,
          image,
          builtInImage: image === regionImage(config.model.algorithm, region),
          dataKey,
          storage: this.storage,
          training: this.training,
          modelDataUrl: dataUrl,
          modelObjectArn: objectArn,
        });
        this.alarms?.watchEndpoint(this.endpoint.endpoint);
      }
      if (detector?.scoringMode === "endpoint") {
        this.anomalyEndpoint = new ModelEndpoint(this, "anomaly-serving", {
          names,
          partition,
          endpoint: config.endpoint,
          image: detector.imageUri,
          builtInImage: detector.imageUri === regionImage("randomcutforest", region),
          dataKey,
          storage: this.storage,
          training: this.training,
          modelDataUrl: detector.dataUrl,
          modelObjectArn: detectorArn!,
          purpose: "anomalyDetector",
        });
        this.alarms?.watchEndpoint(this.anomalyEndpoint.endpoint, "anomaly-endpoint", "anomaly detector's SageMaker endpoint");
      }
      if (this.phase === "all") {
        const zipSha256 = fileSha256Base64(config.lambda.zipPath);
        this.scorer = new Scorer(this, "scorer", {
          names,
          lambda: config.lambda,
          schedule: config.schedule,
          environment: (queueUrl) => scorerEnvironment(config, queueUrl),
          dataKey,
          storage: this.storage,
          stream: this.stream,
          notifications: this.notifications,
          endpoint: this.endpoint,
          modelDataUrl: dataUrl,
          modelObjectArn: objectArn,
          anomalyEndpoint: this.anomalyEndpoint,
          anomalyModelObjectArn: detector?.scoringMode === "embedded" ? detectorArn : undefined,
          zipSha256,
        });
        this.alarms?.watchFunction("scorer", this.scorer.fn, "scheduled fraud scorer");
        if (this.scorer.httpFn) this.alarms?.watchFunction("scorer-http", this.scorer.httpFn, "HTTP fraud scorer");
      }
    }
    this.output(outputs, config);
  }

  private configure(config: StackConfig, options: FraudDetectionStackOptions): void {
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags: { Project: config.prefix, Environment: config.environment, ManagedBy: MANAGED_BY, ...config.tags } }],
      ...(options.offline ? { skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true } : {}),
    });
    const b = config.backend;
    if (b.type === "s3") {
      new S3Backend(this, { bucket: b.bucket, key: b.key ?? `${config.prefix}/${config.environment}/terraform.tfstate`, region: b.region ?? config.region, encrypt: true, ...(b.kmsKeyId ? { kmsKeyId: b.kmsKeyId } : {}) });
      // S3 native state locking (Terraform >= 1.10, OpenTofu >= 1.10): no DynamoDB table.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      new LocalBackend(this, { path: b.path ?? `terraform.${config.environment}.tfstate` });
    }
  }

  /** The `fraud-stack.json` fields (Terraform references where AWS picks the value). */
  private stackOutputs(config: StackConfig, names: StackNames, partition: string, endpointName: string | null): Record<keyof typeof STACK_OUTPUT_NAMES, string | number | null> {
    return {
      version: 1,
      environment: config.environment,
      region: config.region,
      partition,
      accountId: this.training.accountId,
      artifactBucket: this.storage.artifacts.bucket.bucket,
      dataPrefix: LAYOUT.dataPrefix,
      modelPrefix: LAYOUT.modelPrefix,
      outputBucket: this.storage.output.bucket.bucket,
      sagemakerRoleArn: this.training.role.arn,
      trainingJobPrefix: names.trainingJobPrefix,
      endpointName,
      scoringMode: config.lambda.scoringMode,
    };
  }

  private output(fields: Record<keyof typeof STACK_OUTPUT_NAMES, string | number | null>, config: StackConfig): void {
    const out = (name: string, value: string | number | null, description: string): void => {
      new TerraformOutput(this, name, { value: value ?? Token.nullValue(), description });
    };
    for (const [field, name] of Object.entries(STACK_OUTPUT_NAMES) as [keyof typeof STACK_OUTPUT_NAMES, string][]) {
      out(name, fields[field], `fraud-stack.json ${field}`);
    }
    out("phase", this.phase, "What this stack holds: foundation, serving or all");
    out("model_data_url", config.model.dataUrl ?? null, "The model.tar.gz served, or null before a model");
    const detector = this.phase === "foundation" ? undefined : activeAnomalyDetector(config);
    out("anomaly_model_data_url", detector?.dataUrl ?? null, "The anomaly detector's model.tar.gz, or null without one");
    out("anomaly_scoring_mode", detector?.scoringMode ?? null, "How the anomaly detector is scored (endpoint or embedded), or null without one");
    if (this.anomalyEndpoint) out("anomaly_endpoint_name", this.anomalyEndpoint.endpoint.name, "The anomaly detector's SageMaker endpoint");
    out("delivery_stream_name", this.stream.stream.name, "Firehose delivery stream name");
    out("failure_queue_url", this.notifications.queue.url, "SQS on-failure queue (undelivered scores, failed invocations)");
    out("trainer_policy_arn", this.training.trainerPolicy.arn, "Managed policy for whoever runs fraud-train sagemaker --stack");
    out("alarm_topic_arn", this.notifications.topic.arn, "SNS topic every alarm notifies");
    if (this.scorer) {
      out("function_name", this.scorer.fn.functionName, "Scheduled scorer function name");
      out("schedule_rule", this.scorer.rule.name, "EventBridge rule that triggers the scorer");
    }
    if (this.scorer?.url && this.scorer.httpFn) {
      out("http_function_name", this.scorer.httpFn.functionName, "HTTP scorer function name");
      out("function_url", this.scorer.url.functionUrl, "Function URL of the HTTP scorer");
    }
    if (this.notebook) out("notebook_name", this.notebook.instance.name, "Notebook instance name");
  }
}
