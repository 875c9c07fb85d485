import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { assumeRolePolicy, policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import { servicePrincipal } from "@fraud/contracts";
import { LAYOUT, TRAINING_LOG_GROUP } from "./names.js";
import type { StackNames } from "./names.js";
import type { Storage } from "./storage.js";

/** Properties of {@link TrainingAccess}. @public */
export interface TrainingAccessProps {
  /** The environment's resource names. */
  names: StackNames;
  /** The stack's region. */
  region: string;
  /** The region's partition. */
  partition: string;
  /** The buckets. */
  storage: Storage;
}

/**
 * The SageMaker execution role (training jobs, the endpoint, the notebook) and the managed policy
 * for whoever runs `fraud-train sagemaker --stack`. Both grant exactly the layout the trainer uses:
 * `dataPrefix` (read; the trainer policy also uploads), `modelPrefix` (write), training jobs named
 * `<trainingJobPrefix>*`, `iam:PassRole` on this role to SageMaker only, and the jobs' log streams.
 * @example
 * ```ts
 * const training = new TrainingAccess(stack, "training", { names, region, partition, storage });
 * training.trainerPolicy.arn; // attach to whoever runs fraud-train sagemaker --stack
 * ```
 * @public
 */
export class TrainingAccess extends Construct {
  /** SageMaker execution role. */
  readonly role: IamRole;
  /** The role's training policy. */
  readonly rolePolicy: IamRolePolicy;
  /** Managed policy to attach to the users or CI roles that train with `fraud-train sagemaker --stack`. */
  readonly trainerPolicy: IamPolicy;
  /** The account id, read from the role's ARN so plans need no STS call. */
  readonly accountId: string;
  /** ARN of the training jobs this stack may run: `…:training-job/<trainingJobPrefix>*`. */
  readonly trainingJobsArn: string;

  constructor(scope: Construct, id: string, props: TrainingAccessProps) {
    super(scope, id);
    const { names, region, partition, storage } = props;
    this.role = new IamRole(this, "role", { name: names.sagemakerRole, assumeRolePolicy: assumeRolePolicy(servicePrincipal("sagemaker")) });
    this.accountId = new TerraformLocal(this, "account_id", Fn.element(Fn.split(":", this.role.arn), 4)).asString;
    this.trainingJobsArn = `arn:${partition}:sagemaker:${region}:${this.accountId}:training-job/${names.trainingJobPrefix}*`;
    const logGroup = `arn:${partition}:logs:${region}:${this.accountId}:log-group:${TRAINING_LOG_GROUP}`;
    const logStreams = `${logGroup}:log-stream:${names.trainingJobPrefix}*`;
    const bucket = storage.artifacts.bucket.arn;
    const kms: PolicyStatement[] = storage.kmsKey ? [{ Sid: "UseDataKey", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [storage.kmsKey.arn] }] : [];
    const jobs: PolicyStatement[] = [
      { Sid: "TrainingJobs", Action: ["sagemaker:AddTags", "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"], Resource: [this.trainingJobsArn] },
      { Sid: "PassRoleToSageMaker", Action: ["iam:PassRole"], Resource: [this.role.arn], Condition: { StringEquals: { "iam:PassedToService": servicePrincipal("sagemaker") } } },
    ];

    this.rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "training",
      role: this.role.id,
      policy: policyDocument([
        { Sid: "ReadTrainingData", Action: ["s3:GetObject"], Resource: [`${bucket}/${LAYOUT.dataPrefix}*`] },
        { Sid: "WriteModels", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/${LAYOUT.modelPrefix}*`] },
        { Sid: "ListLayout", Action: ["s3:ListBucket"], Resource: [bucket], Condition: { StringLike: { "s3:prefix": [`${LAYOUT.dataPrefix}*`, `${LAYOUT.modelPrefix}*`] } } },
        ...jobs,
        { Sid: "TrainingLogGroup", Action: ["logs:CreateLogGroup", "logs:DescribeLogStreams"], Resource: [logGroup, `${logGroup}:*`] },
        { Sid: "TrainingLogStreams", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logStreams] },
        {
          Sid: "PublishMetrics",
          Action: ["cloudwatch:PutMetricData"],
          // PutMetricData has no resource type: "*" is the only accepted resource. The namespace
          // condition limits the role to SageMaker's own namespaces.
          Resource: ["*"],
          Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
          wildcardReason: "cloudwatch:PutMetricData accepts no resource ARN; limited by namespace",
        },
        ...kms,
      ]),
    });

    this.trainerPolicy = new IamPolicy(this, "trainer-policy", {
      name: names.trainerPolicy,
      description: `What fraud-train sagemaker --stack needs for ${names.base}: uploads, training jobs ${names.trainingJobPrefix}*, this role, their logs`,
      policy: policyDocument([
        { Sid: "UploadData", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/${LAYOUT.dataPrefix}*`] },
        { Sid: "UploadModels", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/${LAYOUT.modelPrefix}*`] },
        // HeadBucket (the trainer's bucket check) is authorized as s3:ListBucket with no prefix.
        { Sid: "FindBucket", Action: ["s3:ListBucket"], Resource: [bucket] },
        ...jobs,
        { Sid: "ReadTrainingLogGroup", Action: ["logs:DescribeLogStreams"], Resource: [logGroup, `${logGroup}:*`] },
        { Sid: "ReadTrainingLogs", Action: ["logs:GetLogEvents"], Resource: [logStreams] },
        ...kms,
      ]),
    });
  }
}
