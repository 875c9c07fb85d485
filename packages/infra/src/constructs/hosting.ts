import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint/index.js";
import { SagemakerEndpointConfiguration } from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration/index.js";
import { SagemakerModel } from "@cdktf/provider-aws/lib/sagemaker-model/index.js";
import { SagemakerNotebookInstance } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance/index.js";
import { SagemakerNotebookInstanceLifecycleConfiguration } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance-lifecycle-configuration/index.js";
import type { StackConfig } from "../config.js";
import { assumeRolePolicy, policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import { linearLearnerImage } from "../regions.js";
import type { Storage } from "./storage.js";

/** S3 key prefixes the stack grants access to. @public */
export const PREFIXES = Object.freeze({
  /** Training data in the data bucket. */
  data: "data/",
  /** Training output (model artifacts) in the artifact bucket. */
  models: "models/",
  /** Notebook code in the artifact bucket. */
  code: "code/",
});

/** The production variant name (also the auto-scaling resource id's last part). @public */
export const VARIANT_NAME = "AllTraffic";

/** The IAM partition of a region. @public */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** Properties of {@link ModelHosting}. @public */
export interface ModelHostingProps {
  /** The resolved configuration. */
  config: StackConfig;
  /** The buckets. */
  storage: Storage;
  /** `s3://` URL of `model.tar.gz` (a Terraform variable reference). */
  modelDataUrl: string;
  /** ARN of the `model.tar.gz` object (derived from `modelDataUrl`). */
  modelObjectArn: string;
}

/**
 * SageMaker execution role, Linear Learner model, endpoint configuration (provisioned or
 * serverless) and endpoint, with optional auto scaling and the optional notebook instance.
 * @public
 */
export class ModelHosting extends Construct {
  /** SageMaker execution role (training, hosting, notebook). */
  readonly role: IamRole;
  /** The model. */
  readonly model: SagemakerModel;
  /** The endpoint configuration. */
  readonly endpointConfig: SagemakerEndpointConfiguration;
  /** The endpoint. */
  readonly endpoint: SagemakerEndpoint;
  /** The endpoint's log group (`/aws/sagemaker/Endpoints/<name>`), owned so destroy removes it. */
  readonly logGroup: CloudwatchLogGroup;
  /** The notebook instance, when enabled. */
  readonly notebook: SagemakerNotebookInstance | undefined;

  constructor(scope: Construct, id: string, props: ModelHostingProps) {
    super(scope, id);
    const { config, storage } = props;
    const name = `${config.prefix}-${config.environment}`;
    const partition = partitionOf(config.region);
    const endpointName = `${name}-endpoint`;
    const image = config.model.imageUri ?? linearLearnerImage(config.region) ?? "";

    this.role = new IamRole(this, "role", { name: `${name}-sagemaker`, assumeRolePolicy: assumeRolePolicy("sagemaker.amazonaws.com") });
    // The account id is read from the role's own ARN, so plans need no STS call.
    const account = new TerraformLocal(this, "account_id", Fn.element(Fn.split(":", this.role.arn), 4));
    const logsArn = (group: string): string => `arn:${partition}:logs:${config.region}:${account.asString}:log-group:${group}`;

    this.logGroup = new CloudwatchLogGroup(this, "endpoint-logs", {
      name: `/aws/sagemaker/Endpoints/${endpointName}`,
      retentionInDays: config.endpoint.logRetentionDays,
    });

    const artifacts = storage.artifacts.bucket.arn;
    const data = storage.data.bucket.arn;
    const statements: PolicyStatement[] = [
      { Sid: "ReadModelArtifact", Action: ["s3:GetObject"], Resource: [props.modelObjectArn] },
      { Sid: "ReadTrainingData", Action: ["s3:GetObject"], Resource: [`${data}/${PREFIXES.data}*`] },
      { Sid: "ListTrainingData", Action: ["s3:ListBucket"], Resource: [data], Condition: { StringLike: { "s3:prefix": [PREFIXES.data, `${PREFIXES.data}*`] } } },
      { Sid: "WriteModelArtifacts", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${artifacts}/${PREFIXES.models}*`] },
      { Sid: "ListModelArtifacts", Action: ["s3:ListBucket"], Resource: [artifacts], Condition: { StringLike: { "s3:prefix": [PREFIXES.models, `${PREFIXES.models}*`] } } },
      {
        Sid: "EndpointLogs",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
      },
      {
        // /aws/sagemaker/TrainingJobs is shared by every training job in the account and region.
        Sid: "TrainingLogs",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logsArn("/aws/sagemaker/TrainingJobs"), logsArn("/aws/sagemaker/TrainingJobs:*")],
      },
      {
        Sid: "PublishMetrics",
        Action: ["cloudwatch:PutMetricData"],
        // PutMetricData has no resource type: "*" is the only accepted resource. The namespace
        // condition limits the role to SageMaker's own namespaces.
        Resource: ["*"],
        Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
        wildcardReason: "cloudwatch:PutMetricData accepts no resource ARN; limited by namespace",
      },
    ];
    if (image !== linearLearnerImage(config.region)) {
      // A custom image in a private ECR repository: pull rights on that repository only.
      const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
      if (match) {
        statements.push(
          { Sid: "PullImage", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [`arn:${partition}:ecr:${match[2]}:${match[1]}:repository/${match[3]}`] },
          {
            Sid: "EcrLogin",
            Action: ["ecr:GetAuthorizationToken"],
            // GetAuthorizationToken has no resource type: the login token covers the registry.
            Resource: ["*"],
            wildcardReason: "ecr:GetAuthorizationToken accepts no resource ARN",
          },
        );
      }
    }
    if (storage.kmsKey) {
      statements.push({ Sid: "UseDataKey", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [storage.kmsKey.arn] });
    }

    // Hosting needs the role's grants in place before SageMaker downloads the model.
    const corePolicy = new IamRolePolicy(this, "role-policy", { name: "least-privilege", role: this.role.id, policy: policyDocument(statements) });

    this.model = new SagemakerModel(this, "model", {
      executionRoleArn: this.role.arn,
      primaryContainer: { image, modelDataUrl: props.modelDataUrl, mode: "SingleModel" },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [corePolicy],
    });

    const kmsKeyArn = storage.kmsKey && config.endpoint.mode === "provisioned" ? { kmsKeyArn: storage.kmsKey.arn } : {};
    this.endpointConfig = new SagemakerEndpointConfiguration(this, "endpoint-config", {
      namePrefix: `${name}-`,
      ...kmsKeyArn,
      productionVariants: [
        config.endpoint.mode === "serverless"
          ? {
              variantName: VARIANT_NAME,
              modelName: this.model.name,
              serverlessConfig: { memorySizeInMb: config.endpoint.serverlessMemoryMb, maxConcurrency: config.endpoint.serverlessMaxConcurrency },
            }
          : {
              variantName: VARIANT_NAME,
              modelName: this.model.name,
              instanceType: config.endpoint.instanceType,
              initialInstanceCount: config.endpoint.instanceCount,
              initialVariantWeight: 1,
            },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    this.endpoint = new SagemakerEndpoint(this, "endpoint", {
      name: endpointName,
      endpointConfigName: this.endpointConfig.name,
      dependsOn: [this.logGroup, corePolicy],
    });

    const a = config.endpoint.autoscaling;
    if (a.enabled && config.endpoint.mode === "provisioned") {
      const target = new AppautoscalingTarget(this, "scaling-target", {
        serviceNamespace: "sagemaker",
        resourceId: `endpoint/${this.endpoint.name}/variant/${VARIANT_NAME}`,
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        minCapacity: a.minCapacity,
        maxCapacity: a.maxCapacity,
      });
      new AppautoscalingPolicy(this, "scaling-policy", {
        name: `${name}-invocations-per-instance`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: a.targetInvocationsPerInstance,
          predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      });
    }

    if (config.notebook.enabled) {
      const notebookName = `${name}-notebook`;
      const notebookStatements: PolicyStatement[] = [];
      const trainingJobs = `arn:${partition}:sagemaker:${config.region}:${account.asString}:training-job/${name}-*`;
      notebookStatements.push(
        { Sid: "NotebookCode", Action: ["s3:GetObject"], Resource: [`${artifacts}/${PREFIXES.code}*`] },
        { Sid: "NotebookListCode", Action: ["s3:ListBucket"], Resource: [artifacts], Condition: { StringLike: { "s3:prefix": [PREFIXES.code, `${PREFIXES.code}*`] } } },
        { Sid: "NotebookWriteData", Action: ["s3:PutObject"], Resource: [`${data}/${PREFIXES.data}*`] },
        {
          Sid: "NotebookTraining",
          Action: ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:AddTags"],
          Resource: [trainingJobs],
        },
        { Sid: "NotebookInvoke", Action: ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"], Resource: [this.endpoint.arn] },
        {
          Sid: "NotebookPassRole",
          Action: ["iam:PassRole"],
          Resource: [this.role.arn],
          Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
        },
        {
          Sid: "NotebookLogs",
          Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
          Resource: [logsArn("/aws/sagemaker/NotebookInstances"), logsArn("/aws/sagemaker/NotebookInstances:*"), logsArn("/aws/sagemaker/TrainingJobs:*")],
        },
      );
      const onStart = [
        "#!/bin/bash",
        "set -euo pipefail",
        "# Written by the fraud-detection stack: names the notebook code needs, then the latest code.",
        "cat > /home/ec2-user/SageMaker/fraud-detection.env <<'ENV'",
        `AWS_REGION=${config.region}`,
        `ARTIFACT_BUCKET=${storage.artifacts.bucket.bucket}`,
        `DATA_BUCKET=${storage.data.bucket.bucket}`,
        `OUTPUT_BUCKET=${storage.output.bucket.bucket}`,
        `ENDPOINT_NAME=${endpointName}`,
        `SAGEMAKER_ROLE_ARN=${this.role.arn}`,
        "ENV",
        `sudo -u ec2-user -i aws s3 sync s3://${storage.artifacts.bucket.bucket}/${PREFIXES.code} /home/ec2-user/SageMaker/fraud-detection/ --only-show-errors || true`,
        "",
      ].join("\n");
      const lifecycle = new SagemakerNotebookInstanceLifecycleConfiguration(this, "notebook-lifecycle", {
        name: `${name}-on-start`,
        onStart: Fn.base64encode(onStart),
      });
      this.notebook = new SagemakerNotebookInstance(this, "notebook", {
        name: notebookName,
        roleArn: this.role.arn,
        instanceType: config.notebook.instanceType,
        volumeSize: config.notebook.volumeSizeGb,
        lifecycleConfigName: lifecycle.name,
        rootAccess: "Disabled",
        ...(storage.kmsKey ? { kmsKeyId: storage.kmsKey.keyId } : {}),
        instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      });
      new IamRolePolicy(this, "notebook-policy", { name: "notebook", role: this.role.id, policy: policyDocument(notebookStatements) });
    }
  }
}
