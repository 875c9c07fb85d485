import { Construct } from "constructs";
import { TerraformAsset, AssetType } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import type { StackConfig } from "../config.js";
import { assumeRolePolicy, policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import type { ModelHosting } from "./hosting.js";
import type { Storage } from "./storage.js";
import type { ResultStream } from "./stream.js";

/** Properties of {@link Scorer}. @public */
export interface ScorerProps {
  /** The resolved configuration. */
  config: StackConfig;
  /** The buckets (for the KMS key). */
  storage: Storage;
  /** The endpoint the scorer calls. */
  hosting: ModelHosting;
  /** The stream the scorer writes to. */
  stream: ResultStream;
  /** `s3://` URL of the model (for embedded scoring). */
  modelDataUrl: string;
  /** ARN of the model object (for embedded scoring). */
  modelObjectArn: string;
  /** Base64 SHA-256 of the zip, so a changed bundle redeploys. */
  zipSha256: string;
}

/**
 * The Lambda scorer: the scheduled function (EventBridge rule, disabled by default), the
 * optional HTTP function with a Function URL, their log groups and one least-privilege role.
 * @public
 */
export class Scorer extends Construct {
  /** The scheduled function (`index.scheduled`). */
  readonly fn: LambdaFunction;
  /** The HTTP function (`index.http`), when the Function URL is enabled. */
  readonly httpFn: LambdaFunction | undefined;
  /** The Function URL, when enabled. */
  readonly url: LambdaFunctionUrl | undefined;
  /** The schedule rule. */
  readonly rule: CloudwatchEventRule;
  /** The functions' role. */
  readonly role: IamRole;
  /** The scheduled function's log group. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ScorerProps) {
    super(scope, id);
    const { config, hosting, stream, storage } = props;
    const name = `${config.prefix}-${config.environment}`;
    const l = config.lambda;
    const asset = new TerraformAsset(this, "bundle", { path: l.zipPath, type: AssetType.FILE });

    this.role = new IamRole(this, "role", { name: `${name}-scorer`, assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") });
    const functionName = `${name}-scorer`;
    const httpName = `${name}-scorer-http`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: `/aws/lambda/${functionName}`, retentionInDays: l.logRetentionDays });
    const httpLogs = l.functionUrl.enabled
      ? new CloudwatchLogGroup(this, "http-logs", { name: `/aws/lambda/${httpName}`, retentionInDays: l.logRetentionDays })
      : undefined;
    const groups = [this.logGroup, ...(httpLogs ? [httpLogs] : [])];

    const statements: PolicyStatement[] = [
      { Sid: "WriteLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: groups.map((g) => `${g.arn}:*`) },
      { Sid: "PutResults", Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: [stream.stream.arn] },
    ];
    if (l.scoringMode === "endpoint") {
      statements.push({ Sid: "InvokeEndpoint", Action: ["sagemaker:InvokeEndpoint"], Resource: [hosting.endpoint.arn] });
    } else {
      statements.push({ Sid: "ReadModel", Action: ["s3:GetObject"], Resource: [props.modelObjectArn] });
      if (storage.kmsKey) statements.push({ Sid: "DecryptModel", Action: ["kms:Decrypt"], Resource: [storage.kmsKey.arn] });
    }
    const policy = new IamRolePolicy(this, "role-policy", { name: "score-and-stream", role: this.role.id, policy: policyDocument(statements) });

    const environment = {
      variables: {
        SCORING_MODE: l.scoringMode,
        ENDPOINT_NAME: hosting.endpoint.name,
        MODEL_S3_URI: props.modelDataUrl,
        DELIVERY_STREAM_NAME: stream.stream.name,
        BATCH_SIZE: String(l.batchSize),
        CONTENT_TYPE: l.contentType,
        MODEL_VERSION: config.model.version ?? "1",
        FRAUD_RATE: String(l.fraudRate),
        POWERTOOLS_SERVICE_NAME: "fraud-scorer",
        POWERTOOLS_METRICS_NAMESPACE: "FraudDetection",
        POWERTOOLS_LOG_LEVEL: l.logLevel,
        NODE_OPTIONS: "--enable-source-maps",
      },
    };
    const common = {
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      filename: asset.path,
      sourceCodeHash: props.zipSha256,
      memorySize: l.memoryMb,
      timeout: l.timeoutSeconds,
      environment,
      ...(l.reservedConcurrency === null ? {} : { reservedConcurrentExecutions: l.reservedConcurrency }),
    };
    this.fn = new LambdaFunction(this, "function", {
      ...common,
      functionName,
      handler: "index.scheduled",
      description: "Scores simulated transactions and streams the results to Firehose",
      dependsOn: [this.logGroup, policy],
    });

    this.rule = new CloudwatchEventRule(this, "schedule", {
      name: `${name}-schedule`,
      description: "Triggers the fraud scorer",
      scheduleExpression: config.schedule.expression,
      state: config.schedule.enabled ? "ENABLED" : "DISABLED",
    });
    new CloudwatchEventTarget(this, "schedule-target", { rule: this.rule.name, arn: this.fn.arn, targetId: "scorer" });
    new LambdaPermission(this, "schedule-permission", {
      statementId: "AllowEventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });

    if (httpLogs) {
      this.httpFn = new LambdaFunction(this, "http-function", {
        ...common,
        functionName: httpName,
        handler: "index.http",
        description: "Scores transactions posted to its Function URL",
        dependsOn: [httpLogs, policy],
      });
      const origins = l.functionUrl.allowOrigins;
      this.url = new LambdaFunctionUrl(this, "url", {
        functionName: this.httpFn.functionName,
        authorizationType: l.functionUrl.authType,
        ...(origins.length > 0 ? { cors: { allowOrigins: origins, allowMethods: ["POST"], allowHeaders: ["content-type"], maxAge: 300 } } : {}),
      });
    }
  }
}
