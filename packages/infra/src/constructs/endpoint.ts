import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint/index.js";
import { SagemakerEndpointConfiguration } from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration/index.js";
import type { SagemakerEndpointConfigurationProductionVariants } from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration/index.js";
import { SagemakerModel } from "@cdktf/provider-aws/lib/sagemaker-model/index.js";
import type { StackConfig } from "../config.js";
import { policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import { partitionOf } from "@fraud/trainer/aws";
import { regionImage, stackNames } from "./names.js";
import type { Storage } from "./storage.js";
import type { TrainingAccess } from "./training.js";

/**
 * The production variant name (also the auto-scaling resource id's last part).
 * @example
 * ```ts
 * `endpoint/${endpointName}/variant/${VARIANT_NAME}`; // the auto-scaling resource id
 * ```
 * @public
 */
export const VARIANT_NAME = "AllTraffic";

/** Properties of {@link ModelEndpoint}. @public */
export interface ModelEndpointProps {
  /** The resolved configuration (with a model). */
  config: StackConfig;
  /** The buckets. */
  storage: Storage;
  /** The SageMaker role the endpoint runs as. */
  training: TrainingAccess;
  /** `s3://` URL of `model.tar.gz`. */
  modelDataUrl: string;
  /** ARN of the `model.tar.gz` object. */
  modelObjectArn: string;
}

function pullStatements(image: string, partition: string): PolicyStatement[] {
  // A custom image in a private ECR repository: pull rights on that repository only.
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (!match) return [];
  return [
    { Sid: "PullImage", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [`arn:${partition}:ecr:${match[2]}:${match[1]}:repository/${match[3]}`] },
    {
      Sid: "EcrLogin",
      Action: ["ecr:GetAuthorizationToken"],
      // GetAuthorizationToken has no resource type: the login token covers the registry.
      Resource: ["*"],
      wildcardReason: "ecr:GetAuthorizationToken accepts no resource ARN",
    },
  ];
}

function productionVariant(config: StackConfig, modelName: string): SagemakerEndpointConfigurationProductionVariants {
  const e = config.endpoint;
  return e.mode === "serverless"
    ? { variantName: VARIANT_NAME, modelName, serverlessConfig: { memorySizeInMb: e.serverlessMemoryMb, maxConcurrency: e.serverlessMaxConcurrency } }
    : { variantName: VARIANT_NAME, modelName, instanceType: e.instanceType, initialInstanceCount: e.instanceCount, initialVariantWeight: 1 };
}

/**
 * Serving on SageMaker: the Linear Learner model, the endpoint configuration (provisioned or
 * serverless), the endpoint and its log group, and optional auto scaling. A new model URL makes a
 * new model and configuration first (`create_before_destroy`), then updates the endpoint in place,
 * so the endpoint keeps answering while it rolls.
 * @example
 * ```ts
 * const serving = new ModelEndpoint(stack, "serving", { config, storage, training, modelDataUrl, modelObjectArn });
 * serving.endpoint.name; // "fraud-detection-dev-endpoint"
 * ```
 * @public
 */
export class ModelEndpoint extends Construct {
  /** The model. */
  readonly model: SagemakerModel;
  /** The endpoint configuration. */
  readonly endpointConfig: SagemakerEndpointConfiguration;
  /** The endpoint. */
  readonly endpoint: SagemakerEndpoint;
  /** The endpoint's log group (`/aws/sagemaker/Endpoints/<name>`), owned so destroy removes it. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    const { config, storage, training } = props;
    const names = stackNames(config);
    const partition = partitionOf(config.region);
    const image = config.model.imageUri;

    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: `/aws/sagemaker/Endpoints/${names.endpoint}`, retentionInDays: config.endpoint.logRetentionDays });
    const statements: PolicyStatement[] = [
      { Sid: "ReadModelArtifact", Action: ["s3:GetObject"], Resource: [props.modelObjectArn] },
      { Sid: "EndpointLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`] },
      ...(image === regionImage(config.region) ? [] : pullStatements(image, partition)),
      ...(storage.kmsKey ? [{ Sid: "DecryptModel", Action: ["kms:Decrypt"], Resource: [storage.kmsKey.arn] }] : []),
    ];
    // Hosting needs the grants in place before SageMaker downloads the model.
    const policy = new IamRolePolicy(this, "role-policy", { name: "serving", role: training.role.id, policy: policyDocument(statements) });

    this.model = new SagemakerModel(this, "model", {
      executionRoleArn: training.role.arn,
      primaryContainer: { image, modelDataUrl: props.modelDataUrl, mode: "SingleModel" },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [policy, training.rolePolicy],
    });
    this.endpointConfig = new SagemakerEndpointConfiguration(this, "config", {
      namePrefix: `${names.base}-`,
      ...(storage.kmsKey && config.endpoint.mode === "provisioned" ? { kmsKeyArn: storage.kmsKey.arn } : {}),
      productionVariants: [productionVariant(config, this.model.name)],
      lifecycle: { createBeforeDestroy: true },
    });
    this.endpoint = new SagemakerEndpoint(this, "endpoint", { name: names.endpoint, endpointConfigName: this.endpointConfig.name, dependsOn: [this.logGroup, policy] });
    if (config.endpoint.autoscaling.enabled && config.endpoint.mode === "provisioned") this.autoscale(config);
  }

  private autoscale(config: StackConfig): void {
    const a = config.endpoint.autoscaling;
    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "sagemaker",
      resourceId: `endpoint/${this.endpoint.name}/variant/${VARIANT_NAME}`,
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: a.minCapacity,
      maxCapacity: a.maxCapacity,
    });
    new AppautoscalingPolicy(this, "scaling-policy", {
      name: `${stackNames(config).base}-invocations-per-instance`,
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
}
