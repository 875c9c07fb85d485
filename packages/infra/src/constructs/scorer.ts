import { Construct } from "constructs";
import { servicePrincipal } from "@fraud/contracts";
import { AssetType, TerraformAsset } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import type { LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config/index.js";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import type { LambdaSettings, ScheduleSettings } from "../config.js";
import { assumeRolePolicy, policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import type { ModelEndpoint } from "./endpoint.js";
import type { StackNames } from "./names.js";
import type { Notifications } from "./notifications.js";
import type { DataKey, Storage } from "./storage.js";
import type { ResultStream } from "./stream.js";

/**
 * Retries of the scheduled function's asynchronous invocations (Lambda's own retries, then the
 * on-failure destination) and of the EventBridge target (then its dead-letter queue).
 * @example
 * ```ts
 * SCORER_RETRIES.lambdaMaximumRetryAttempts; // 2
 * ```
 * @public
 */
export const SCORER_RETRIES = Object.freeze({
  /** Lambda retries a failed asynchronous invocation this many times. */
  lambdaMaximumRetryAttempts: 2,
  /** An event older than this (seconds) goes to the on-failure destination instead of running. */
  lambdaMaximumEventAgeSeconds: 3600,
  /** EventBridge retries delivering to Lambda this many times (throttling, service errors). */
  eventBridgeMaximumRetryAttempts: 10,
  /** EventBridge drops (to the dead-letter queue) an event older than this (seconds). */
  eventBridgeMaximumEventAgeSeconds: 3600,
});

/** Properties of {@link Scorer}. @public */
export interface ScorerProps {
  /** The environment's resource names. */
  names: StackNames;
  /** Lambda settings. */
  lambda: LambdaSettings;
  /** Schedule settings. */
  schedule: ScheduleSettings;
  /** The functions' environment, given the on-failure queue's URL (see `scorerEnvironment`). */
  environment: (onFailureQueueUrl: string) => Record<string, string>;
  /** The customer key for the log groups, when the environment uses KMS. */
  dataKey?: DataKey | undefined;
  /** The buckets (for the KMS key in embedded mode). */
  storage: Storage;
  /** The Firehose stream scores go to. */
  stream: ResultStream;
  /** The on-failure queue. */
  notifications: Notifications;
  /** The endpoint in `endpoint` scoring mode; absent in `embedded` mode. */
  endpoint: ModelEndpoint | undefined;
  /** `s3://` URL of `model.tar.gz` (embedded mode loads it at cold start). */
  modelDataUrl: string;
  /** ARN of the `model.tar.gz` object. */
  modelObjectArn: string;
  /** The anomaly detector's endpoint, when it is scored in endpoint mode. */
  anomalyEndpoint?: ModelEndpoint | undefined;
  /** ARN of the anomaly detector's `model.tar.gz`, when it is scored in embedded mode (the function reads it). */
  anomalyModelObjectArn?: string | undefined;
  /** Base64 SHA-256 of the zip, so a changed bundle redeploys. */
  zipSha256: string;
}

/**
 * The Lambda scorer: the scheduled function (EventBridge rule, disabled by default, with retries
 * and a dead-letter queue; async retries then the on-failure queue), the optional HTTP function
 * behind a Function URL (reserved concurrency from config; public when `authType` is `NONE`),
 * their log groups and one least-privilege role.
 * @example
 * ```ts
 * const scorer = new Scorer(stack, "scorer", { names, lambda, schedule, environment: (q) => scorerEnvironment(config, q), storage, stream, notifications, endpoint, modelDataUrl, modelObjectArn, zipSha256 });
 * scorer.rule.name; // "fraud-detection-dev-schedule"
 * ```
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
  /** Environment variables of both functions (written by the scorer's `scorerEnv`). */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ScorerProps) {
    super(scope, id);
    const { names, dataKey } = props;
    const l = props.lambda;
    const encrypted = dataKey ? { kmsKeyId: dataKey.key.arn, dependsOn: [dataKey.policy] } : {};
    this.role = new IamRole(this, "role", { name: names.scorerRole, assumeRolePolicy: assumeRolePolicy(servicePrincipal("lambda")) });
    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: `/aws/lambda/${names.function}`, retentionInDays: l.logRetentionDays, ...encrypted });
    const httpLogs = l.functionUrl.enabled ? new CloudwatchLogGroup(this, "http-logs", { name: `/aws/lambda/${names.httpFunction}`, retentionInDays: l.logRetentionDays, ...encrypted }) : undefined;
    const policy = new IamRolePolicy(this, "role-policy", {
      name: "score-and-stream",
      role: this.role.id,
      policy: policyDocument(this.statements(props, [this.logGroup, ...(httpLogs ? [httpLogs] : [])])),
    });

    this.environment = props.environment(props.notifications.queue.url);
    const asset = new TerraformAsset(this, "bundle", { path: l.zipPath, type: AssetType.FILE });
    const common: Omit<LambdaFunctionConfig, "functionName" | "handler"> = {
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      filename: asset.path,
      sourceCodeHash: props.zipSha256,
      memorySize: l.memoryMb,
      timeout: l.timeoutSeconds,
      environment: { variables: this.environment },
    };
    // The env names the endpoint and the stream literally: depend on them explicitly.
    const serving = [props.stream.stream, ...[props.endpoint, props.anomalyEndpoint].flatMap((e) => (e ? [e.endpoint] : []))];
    this.fn = new LambdaFunction(this, "function", {
      ...common,
      functionName: names.function,
      handler: "index.scheduled",
      description: "Scores simulated transactions and streams the results to Firehose",
      ...(l.reservedConcurrency === null ? {} : { reservedConcurrentExecutions: l.reservedConcurrency }),
      dependsOn: [this.logGroup, policy, ...serving],
    });
    this.rule = this.schedule(props);
    if (httpLogs) {
      this.httpFn = new LambdaFunction(this, "http-function", {
        ...common,
        functionName: names.httpFunction,
        handler: "index.http",
        description: "Scores transactions posted to its Function URL",
        ...(l.functionUrl.reservedConcurrency === null ? {} : { reservedConcurrentExecutions: l.functionUrl.reservedConcurrency }),
        dependsOn: [httpLogs, policy, ...serving],
      });
      this.url = this.functionUrl(l, this.httpFn);
    }
  }

  private statements(props: ScorerProps, groups: CloudwatchLogGroup[]): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      { Sid: "WriteLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: groups.map((g) => `${g.arn}:*`) },
      { Sid: "PutResults", Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: [props.stream.stream.arn] },
      // The async on-failure destination delivers with the function's role; the scorer also
      // dead-letters records Firehose would not take.
      { Sid: "DeadLetter", Action: ["sqs:SendMessage"], Resource: [props.notifications.queue.arn] },
    ];
    // Each model is either called (its endpoint) or loaded (its object): exactly those, no more.
    const endpoints = [props.endpoint, props.anomalyEndpoint].flatMap((e) => (e ? [e.endpoint.arn] : []));
    const objects = [...(props.endpoint ? [] : [props.modelObjectArn]), ...(props.anomalyModelObjectArn === undefined ? [] : [props.anomalyModelObjectArn])];
    if (endpoints.length > 0) statements.push({ Sid: "InvokeEndpoint", Action: ["sagemaker:InvokeEndpoint"], Resource: endpoints });
    if (objects.length > 0) {
      statements.push({ Sid: "ReadModel", Action: ["s3:GetObject"], Resource: objects });
      if (props.storage.kmsKey) statements.push({ Sid: "DecryptModel", Action: ["kms:Decrypt"], Resource: [props.storage.kmsKey.arn] });
    }
    return statements;
  }

  private schedule(props: ScorerProps): CloudwatchEventRule {
    const { names, schedule, notifications } = props;
    const queue = notifications.queue;
    new LambdaFunctionEventInvokeConfig(this, "async-config", {
      functionName: this.fn.functionName,
      maximumRetryAttempts: SCORER_RETRIES.lambdaMaximumRetryAttempts,
      maximumEventAgeInSeconds: SCORER_RETRIES.lambdaMaximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: queue.arn } },
    });
    const rule = new CloudwatchEventRule(this, "schedule", {
      name: names.scheduleRule,
      description: "Triggers the fraud scorer",
      scheduleExpression: schedule.expression,
      state: schedule.enabled ? "ENABLED" : "DISABLED",
    });
    const queuePolicy = new SqsQueuePolicy(this, "dead-letter-policy", {
      queueUrl: queue.url,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgeDeadLetters",
            Effect: "Allow",
            Principal: { Service: servicePrincipal("events") },
            Action: "sqs:SendMessage",
            Resource: queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
          },
        ],
      }),
    });
    new CloudwatchEventTarget(this, "schedule-target", {
      rule: rule.name,
      arn: this.fn.arn,
      targetId: "scorer",
      retryPolicy: { maximumRetryAttempts: SCORER_RETRIES.eventBridgeMaximumRetryAttempts, maximumEventAgeInSeconds: SCORER_RETRIES.eventBridgeMaximumEventAgeSeconds },
      deadLetterConfig: { arn: queue.arn },
      dependsOn: [queuePolicy],
    });
    new LambdaPermission(this, "schedule-permission", {
      statementId: "AllowEventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: servicePrincipal("events"),
      sourceArn: rule.arn,
    });
    return rule;
  }

  private functionUrl(l: LambdaSettings, fn: LambdaFunction): LambdaFunctionUrl {
    const u = l.functionUrl;
    const url = new LambdaFunctionUrl(this, "url", {
      functionName: fn.functionName,
      authorizationType: u.authType,
      ...(u.allowOrigins.length > 0 ? { cors: { allowOrigins: u.allowOrigins, allowMethods: ["POST"], allowHeaders: ["content-type"], maxAge: 300 } } : {}),
    });
    if (u.authType === "NONE") {
      // A public URL answers only when the function's resource policy lets anyone call it.
      new LambdaPermission(this, "public-url-permission", {
        statementId: "FunctionURLAllowPublicAccess",
        action: "lambda:InvokeFunctionUrl",
        functionName: fn.functionName,
        principal: "*",
        functionUrlAuthType: "NONE",
      });
    }
    return url;
  }
}
