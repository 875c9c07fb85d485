import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { StackConfig } from "../config.js";
import { VARIANT_NAME } from "./hosting.js";
import type { ModelHosting } from "./hosting.js";
import type { Scorer } from "./scorer.js";
import type { ResultStream } from "./stream.js";

/**
 * CloudWatch alarms: scorer errors, Firehose delivery freshness and endpoint 5xx responses.
 * @public
 */
export class Alarms extends Construct {
  /** The alarms, by purpose. */
  readonly alarms: {
    /** Scheduled scorer `Errors` above 0 in 5 minutes. */
    lambdaErrors: CloudwatchMetricAlarm;
    /** Firehose `DeliveryToS3.DataFreshness` above `alarms.freshnessSeconds`. */
    deliveryFreshness: CloudwatchMetricAlarm;
    /** Endpoint `Invocation5XXErrors` above 0 in 5 minutes. */
    endpoint5xx: CloudwatchMetricAlarm;
  };

  constructor(scope: Construct, id: string, config: StackConfig, parts: { hosting: ModelHosting; scorer: Scorer; stream: ResultStream }) {
    super(scope, id);
    const name = `${config.prefix}-${config.environment}`;
    const actions = config.alarms.topicArn ? { alarmActions: [config.alarms.topicArn], okActions: [config.alarms.topicArn] } : {};
    const common = { ...actions, comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching", evaluationPeriods: 1 };
    this.alarms = {
      lambdaErrors: new CloudwatchMetricAlarm(this, "lambda-errors", {
        ...common,
        alarmName: `${name}-scorer-errors`,
        alarmDescription: "The fraud scorer reported errors",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: parts.scorer.fn.functionName },
        statistic: "Sum",
        period: 300,
        threshold: 0,
      }),
      deliveryFreshness: new CloudwatchMetricAlarm(this, "delivery-freshness", {
        ...common,
        alarmName: `${name}-delivery-freshness`,
        alarmDescription: "Firehose records are waiting longer than expected to reach S3",
        namespace: "AWS/Firehose",
        metricName: "DeliveryToS3.DataFreshness",
        dimensions: { DeliveryStreamName: parts.stream.stream.name },
        statistic: "Maximum",
        period: 300,
        threshold: config.alarms.freshnessSeconds,
      }),
      endpoint5xx: new CloudwatchMetricAlarm(this, "endpoint-5xx", {
        ...common,
        alarmName: `${name}-endpoint-5xx`,
        alarmDescription: "The SageMaker endpoint answered with 5xx errors",
        namespace: "AWS/SageMaker",
        metricName: "Invocation5XXErrors",
        dimensions: { EndpointName: parts.hosting.endpoint.name, VariantName: VARIANT_NAME },
        statistic: "Sum",
        period: 300,
        threshold: 0,
      }),
    };
  }
}
