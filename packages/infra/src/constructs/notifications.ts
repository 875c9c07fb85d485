import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import type { StackNames } from "./names.js";
import type { DataKey } from "./storage.js";

/** Properties of {@link Notifications}. @public */
export interface NotificationsProps {
  /** The environment's resource names. */
  names: StackNames;
  /** Address subscribed to the alarm topic (`alarms.email`). */
  email?: string | undefined;
  /** The customer key for the alarm topic, when the environment uses KMS. */
  dataKey?: DataKey | undefined;
}

/**
 * How long the on-failure queue keeps a message: 14 days, SQS's maximum.
 * @example
 * ```ts
 * FAILURE_RETENTION_SECONDS / 86400; // 14 days
 * ```
 * @public
 */
export const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * Where what cannot be delivered goes, and who hears about it: the encrypted SQS on-failure queue
 * (the scheduled Lambda's async on-failure destination, the EventBridge target's dead-letter queue,
 * and where the scorer dead-letters records Firehose would not take) and the SNS topic every alarm
 * notifies, with an optional e-mail subscription.
 *
 * The queue uses SQS-managed encryption (SSE-SQS) even when the buckets use the stack's KMS key:
 * EventBridge can deliver to a queue encrypted with a customer key only when the key policy lets
 * EventBridge's service principal use it. The topic is encrypted with the stack's key when the
 * environment uses KMS (the key policy lets CloudWatch alarms publish); without it the topic is
 * not encrypted, as CloudWatch cannot publish to a topic under the AWS-managed `aws/sns` key.
 * @example
 * ```ts
 * const notifications = new Notifications(stack, "notifications", { names, email: config.alarms.email });
 * notifications.queue.arn; // the Lambda's on-failure destination and the EventBridge dead-letter queue
 * ```
 * @public
 */
export class Notifications extends Construct {
  /** The on-failure queue. */
  readonly queue: SqsQueue;
  /** The alarm topic. */
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { names, dataKey } = props;
    this.queue = new SqsQueue(this, "failures", {
      name: names.failureQueue,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: FAILURE_RETENTION_SECONDS,
    });
    this.topic = new SnsTopic(this, "alarms", {
      name: names.alarmTopic,
      displayName: `${names.base} fraud detection alarms`,
      ...(dataKey ? { kmsMasterKeyId: dataKey.key.arn, dependsOn: [dataKey.policy] } : {}),
    });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
    }
  }
}
