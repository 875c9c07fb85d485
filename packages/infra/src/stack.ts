import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { Fn, LocalBackend, S3Backend, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { StackConfig } from "./config.js";
import { Alarms } from "./constructs/alarms.js";
import { ModelHosting, partitionOf } from "./constructs/hosting.js";
import { Scorer } from "./constructs/scorer.js";
import { Storage } from "./constructs/storage.js";
import { ResultStream } from "./constructs/stream.js";
import { InfraError } from "./errors.js";

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
 * @public
 */
export function fileSha256Base64(path: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InfraError("ASSET_MISSING", `lambda zip not found: ${path} (run "nx run lambda-scorer:bundle" or set lambda.zipPath)`, { field: "lambda.zipPath" });
  }
  return createHash("sha256").update(readFileSync(path)).digest("base64");
}

/**
 * The whole fraud-detection system for one environment: buckets, IAM, SageMaker model and
 * endpoint, Lambda scorer with its schedule, Firehose, alarms and outputs.
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
  /** The buckets. */
  readonly storage: Storage;
  /** SageMaker role, model, endpoint (and notebook). */
  readonly hosting: ModelHosting;
  /** Firehose delivery stream. */
  readonly stream: ResultStream;
  /** Lambda scorer and schedule. */
  readonly scorer: Scorer;
  /** Alarms, when enabled. */
  readonly alarms: Alarms | undefined;
  /** The `model_data_url` Terraform variable. */
  readonly modelDataUrl: TerraformVariable;

  constructor(scope: Construct, id: string, config: StackConfig, options: FraudDetectionStackOptions = {}) {
    super(scope, id);
    const zipSha256 = fileSha256Base64(config.lambda.zipPath);

    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags: { Project: config.prefix, Environment: config.environment, ManagedBy: MANAGED_BY, ...config.tags } }],
      ...(options.offline
        ? { skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true }
        : {}),
    });

    const b = config.backend;
    if (b.type === "s3") {
      new S3Backend(this, { bucket: b.bucket, key: b.key ?? `${config.prefix}/${config.environment}/terraform.tfstate`, region: b.region ?? config.region, encrypt: true, ...(b.kmsKeyId ? { kmsKeyId: b.kmsKeyId } : {}) });
      // S3 native state locking (Terraform >= 1.10, OpenTofu >= 1.10): no DynamoDB table.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      new LocalBackend(this, { path: b.path ?? `terraform.${config.environment}.tfstate` });
    }

    this.modelDataUrl = new TerraformVariable(this, "model_data_url", {
      type: "string",
      description: "s3:// URL of the Linear Learner model.tar.gz the endpoint serves",
      ...(config.model.dataUrl ? { default: config.model.dataUrl } : {}),
      validation: [{ condition: `\${can(regex("^s3://[a-z0-9][a-z0-9.-]+/.+", var.model_data_url))}`, errorMessage: "model_data_url must be an s3:// URL of model.tar.gz." }],
    });
    const modelObjectArn = new TerraformLocal(this, "model_object_arn", `arn:${partitionOf(config.region)}:s3:::${Fn.replace(this.modelDataUrl.stringValue, "s3://", "")}`);

    this.storage = new Storage(this, "storage", config);
    this.hosting = new ModelHosting(this, "hosting", { config, storage: this.storage, modelDataUrl: this.modelDataUrl.stringValue, modelObjectArn: modelObjectArn.asString });
    this.stream = new ResultStream(this, "stream", config, this.storage);
    this.scorer = new Scorer(this, "scorer", {
      config,
      storage: this.storage,
      hosting: this.hosting,
      stream: this.stream,
      modelDataUrl: this.modelDataUrl.stringValue,
      modelObjectArn: modelObjectArn.asString,
      zipSha256,
    });
    this.alarms = config.alarms.enabled ? new Alarms(this, "alarms", config, { hosting: this.hosting, scorer: this.scorer, stream: this.stream }) : undefined;

    const out = (name: string, value: string, description: string): void => {
      new TerraformOutput(this, name, { value, description });
    };
    out("artifact_bucket", this.storage.artifacts.bucket.bucket, "Bucket for code and model artifacts");
    out("data_bucket", this.storage.data.bucket.bucket, "Bucket for training data");
    out("output_bucket", this.storage.output.bucket.bucket, "Bucket Firehose writes scored transactions to");
    out("endpoint_name", this.hosting.endpoint.name, "SageMaker endpoint name");
    out("sagemaker_role_arn", this.hosting.role.arn, "SageMaker execution role (pass to fraud-train sagemaker)");
    out("delivery_stream_name", this.stream.stream.name, "Firehose delivery stream name");
    out("function_name", this.scorer.fn.functionName, "Scheduled scorer function name");
    out("schedule_rule", this.scorer.rule.name, "EventBridge rule that triggers the scorer");
    if (this.scorer.url && this.scorer.httpFn) {
      out("http_function_name", this.scorer.httpFn.functionName, "HTTP scorer function name");
      out("function_url", this.scorer.url.functionUrl, "Function URL of the HTTP scorer");
    }
    if (this.hosting.notebook) out("notebook_name", this.hosting.notebook.name, "Notebook instance name");
  }
}
