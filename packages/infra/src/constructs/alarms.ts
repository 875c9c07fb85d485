import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint/index.js";
import type { AlarmSettings } from "../config.js";
import { VARIANT_NAME } from "./endpoint.js";
import type { StackNames } from "./names.js";
import type { Notifications } from "./notifications.js";
import type { ResultStream } from "./stream.js";

/**
 * Period of every alarm, in seconds.
 * @example
 * ```ts
 * ALARM_PERIOD_SECONDS / 60; // 5 minutes
 * ```
 * @public
 */
export const ALARM_PERIOD_SECONDS = 300;

/** Properties of {@link Alarms}. @public */
export interface AlarmsProps {
  /** The environment's resource names. */
  names: StackNames;
  /** Alarm settings. */
  alarms: AlarmSettings;
  /** The topic alarms notify and the queue they watch. */
  notifications: Notifications;
  /** The stream whose deliveries they watch. */
  stream: ResultStream;
}

type AlarmSpec = Pick<CloudwatchMetricAlarmConfig, "alarmDescription" | "namespace" | "metricName" | "dimensions" | "statistic" | "threshold"> & {
  comparisonOperator?: string;
};

/**
 * CloudWatch alarms, each notifying the stack's SNS topic (and `alarms.topicArn` when set) on
 * alarm and on recovery: messages waiting in the on-failure queue, Firehose deliveries to S3
 * failing or going stale, and — as the later phases add them — scorer errors and endpoint 5xx.
 * @example
 * ```ts
 * const alarms = new Alarms(stack, "alarms", { names, alarms: config.alarms, notifications, stream });
 * alarms.watchEndpoint(serving.endpoint);
 * ```
 * @public
 */
export class Alarms extends Construct {
  /** Every alarm, by id (`failure-queue-depth`, `delivery-failures`, `delivery-freshness`, `endpoint-5xx`, `anomaly-endpoint-5xx`, `<function id>-errors`). */
  readonly alarms: Map<string, CloudwatchMetricAlarm> = new Map();
  private readonly base: string;
  private readonly actions: string[];

  constructor(scope: Construct, id: string, parts: AlarmsProps) {
    super(scope, id);
    this.base = parts.names.base;
    this.actions = [parts.notifications.topic.arn, ...(parts.alarms.topicArn ? [parts.alarms.topicArn] : [])];
    const queue = parts.notifications.queue.name;
    const stream = parts.stream.stream.name;
    this.add("failure-queue-depth", {
      alarmDescription: "Undelivered scores or failed invocations are waiting in the on-failure queue",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue },
      statistic: "Maximum",
      threshold: 0,
    });
    this.add("delivery-failures", {
      alarmDescription: "Firehose failed to deliver records to S3 (they go to the error prefix)",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.Success",
      dimensions: { DeliveryStreamName: stream },
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
    });
    this.add("delivery-freshness", {
      alarmDescription: "Firehose records are waiting longer than expected to reach S3",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: stream },
      statistic: "Maximum",
      threshold: parts.alarms.freshnessSeconds,
    });
  }

  /**
   * Alarms on the endpoint's `Invocation5XXErrors`.
   * @param endpoint - the endpoint watched
   * @param id - the alarm's id before `-5xx`: `endpoint` (the classifier's) or `anomaly-endpoint`
   * @param what - the endpoint in the alarm's description
   */
  watchEndpoint(endpoint: SagemakerEndpoint, id = "endpoint", what = "SageMaker endpoint"): void {
    this.add(`${id}-5xx`, {
      alarmDescription: `The ${what} answered with 5xx errors`,
      namespace: "AWS/SageMaker",
      metricName: "Invocation5XXErrors",
      dimensions: { EndpointName: endpoint.name, VariantName: VARIANT_NAME },
      statistic: "Sum",
      threshold: 0,
    });
  }

  /** Alarms on a scorer function's `Errors`. */
  watchFunction(id: string, fn: LambdaFunction, what: string): void {
    this.add(`${id}-errors`, {
      alarmDescription: `The ${what} reported errors`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.functionName },
      statistic: "Sum",
      threshold: 0,
    });
  }

  private add(id: string, spec: AlarmSpec): void {
    const alarm = new CloudwatchMetricAlarm(this, id, {
      comparisonOperator: "GreaterThanThreshold",
      ...spec,
      alarmName: `${this.base}-${id}`,
      alarmActions: this.actions,
      okActions: this.actions,
      treatMissingData: "notBreaching",
      evaluationPeriods: 1,
      period: ALARM_PERIOD_SECONDS,
    });
    this.alarms.set(id, alarm);
  }
}
