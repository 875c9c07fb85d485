import { Construct } from "constructs";
import { firehosePrefixExpressions, serviceHost, servicePrincipal } from "@fraud/contracts";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream/index.js";
import type { FirehoseSettings } from "../config.js";
import { assumeRolePolicy, policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import type { StackNames } from "./names.js";
import type { DataKey, Storage } from "./storage.js";

/** Properties of {@link ResultStream}. @public */
export interface ResultStreamProps {
  /** The environment's resource names. */
  names: StackNames;
  /** The stack's region. */
  region: string;
  /** Delivery settings. */
  firehose: FirehoseSettings;
  /** The buckets (output bucket, KMS key). */
  storage: Storage;
  /** The customer key for the log group, when the environment uses KMS. */
  dataKey?: DataKey | undefined;
}

/**
 * Kinesis Data Firehose (Direct PUT) delivering GZIP objects to the output bucket, with date
 * partitioning, an error-output prefix and CloudWatch logging.
 * @example
 * ```ts
 * const stream = new ResultStream(stack, "stream", { names, region, firehose: config.firehose, storage });
 * stream.stream.name; // "fraud-detection-dev-results"
 * ```
 * @public
 */
export class ResultStream extends Construct {
  /** The delivery stream. */
  readonly stream: KinesisFirehoseDeliveryStream;
  /** The role Firehose assumes to write to S3. */
  readonly role: IamRole;
  /** Delivery error log group. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ResultStreamProps) {
    super(scope, id);
    const { names, storage, dataKey } = props;
    const name = names.stream;
    const f = props.firehose;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/kinesisfirehose/${name}`,
      retentionInDays: f.logRetentionDays,
      ...(dataKey ? { kmsKeyId: dataKey.key.arn, dependsOn: [dataKey.policy] } : {}),
    });
    const logStream = new CloudwatchLogStream(this, "delivery-log", { name: "DestinationDelivery", logGroupName: this.logGroup.name });

    this.role = new IamRole(this, "role", { name: names.firehoseRole, assumeRolePolicy: assumeRolePolicy(servicePrincipal("firehose")) });
    const bucket = storage.output.bucket.arn;
    const topPrefix = (p: string): string => p.split("/")[0] + "/";
    const objectPrefixes = [...new Set([topPrefix(f.prefix), topPrefix(f.errorPrefix)])];
    const statements: PolicyStatement[] = [
      { Sid: "BucketLevel", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: [bucket] },
      {
        Sid: "WriteObjects",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: objectPrefixes.map((p) => `${bucket}/${p}*`),
      },
      { Sid: "DeliveryLogs", Action: ["logs:PutLogEvents"], Resource: [`${this.logGroup.arn}:log-stream:${logStream.name}`] },
    ];
    if (storage.kmsKey) {
      statements.push({
        Sid: "EncryptObjects",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [storage.kmsKey.arn],
        Condition: { StringEquals: { "kms:ViaService": serviceHost("s3", props.region) } },
      });
    }
    const expressions = firehosePrefixExpressions(f.prefix, f.errorPrefix);
    const policy = new IamRolePolicy(this, "role-policy", { name: "deliver-to-s3", role: this.role.id, policy: policyDocument(statements) });

    this.stream = new KinesisFirehoseDeliveryStream(this, "stream", {
      name,
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      extendedS3Configuration: {
        roleArn: this.role.arn,
        bucketArn: bucket,
        bufferingInterval: f.bufferSeconds,
        bufferingSize: f.bufferMb,
        compressionFormat: "GZIP",
        prefix: expressions.prefix,
        errorOutputPrefix: expressions.errorOutputPrefix,
        ...(storage.kmsKey ? { kmsKeyArn: storage.kmsKey.arn } : {}),
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.name, logStreamName: logStream.name },
      },
      dependsOn: [policy],
    });
  }
}
