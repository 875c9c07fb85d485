import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint/index.js";
import { SagemakerEndpointConfiguration } from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration/index.js";
import type { SagemakerEndpointConfigurationProductionVariants } from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration/index.js";
import { SagemakerModel } from "@cdktf/provider-aws/lib/sagemaker-model/index.js";
import type { EndpointSettings } from "../config.js";
import { policyDocument } from "../policy.js";
import type { PolicyStatement } from "../policy.js";
import { parseImageUri } from "@fraud/contracts";
import type { ImageUriParts } from "@fraud/contracts";
import type { StackNames } from "./names.js";
import type { DataKey, Storage } from "./storage.js";
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
  /** The environment's resource names. */
  names: StackNames;
  /** The region's partition. */
  partition: string;
  /** Endpoint settings. */
  endpoint: EndpointSettings;
  /** The serving image. */
  image: string;
  /** Whether the image is the region's built-in algorithm image (no ECR pull rights needed). */
  builtInImage: boolean;
  /** The customer key for the endpoint's log group, when the environment uses KMS. */
  dataKey?: DataKey | undefined;
  /** The buckets. */
  storage: Storage;
  /** The SageMaker role the endpoint runs as. */
  training: TrainingAccess;
  /** `s3://` URL of `model.tar.gz`. */
  modelDataUrl: string;
  /** ARN of the `model.tar.gz` object. */
  modelObjectArn: string;
  /**
   * Which model it serves: the classifier (endpoint `<base>-endpoint`, role policy `serving`) or
   * the anomaly detector (endpoint `<base>-anomaly`, role policy `anomaly-serving`).
   * @defaultValue `"classifier"`
   */
  purpose?: EndpointPurpose;
}

/** The model an endpoint serves. @public */
export type EndpointPurpose = "classifier" | "anomalyDetector";

function pullStatements(image: string, partition: string): PolicyStatement[] {
  // A custom image in a private ECR repository: pull rights on that repository only.
  let repo: ImageUriParts;
  try {
    repo = parseImageUri(image);
  } catch {
    return [];
  }
  return [
    { Sid: "PullImage", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [`arn:${partition}:ecr:${repo.region}:${repo.account}:repository/${repo.repository}`] },
    {
      Sid: "EcrLogin",
      Action: ["ecr:GetAuthorizationToken"],
      // GetAuthorizationToken has no resource type: the login token covers the registry.
      Resource: ["*"],
      wildcardReason: "ecr:GetAuthorizationToken accepts no resource ARN",
    },
  ];
}

function productionVariant(e: EndpointSettings, modelName: string): SagemakerEndpointConfigurationProductionVariants {
  return e.mode === "serverless"
    ? { variantName: VARIANT_NAME, modelName, serverlessConfig: { memorySizeInMb: e.serverlessMemoryMb, maxConcurrency: e.serverlessMaxConcurrency } }
    : { variantName: VARIANT_NAME, modelName, instanceType: e.instanceType, initialInstanceCount: e.instanceCount, initialVariantWeight: 1 };
}

/**
 * Serving on SageMaker: the model (network-isolated: the container gets no network access,
 * which the built-in algorithms do not need), the endpoint configuration (provisioned or
 * serverless; its storage volume encrypted with the stack's key when the environment uses KMS),
 * the endpoint and its log group, and optional auto scaling. A new model URL makes a
 * new model and configuration first (`create_before_destroy`), then updates the endpoint in place,
 * so the endpoint keeps answering while it rolls.
 * @example
 * ```ts
 * const serving = new ModelEndpoint(stack, "serving", { names, partition, endpoint: config.endpoint, image, builtInImage: true, storage, training, modelDataUrl, modelObjectArn });
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
    const { names, partition, image, storage, training, dataKey } = props;
    const settings = props.endpoint;
    const detector = props.purpose === "anomalyDetector";
    const name = detector ? names.anomalyEndpoint : names.endpoint;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/sagemaker/Endpoints/${name}`,
      retentionInDays: settings.logRetentionDays,
      ...(dataKey ? { kmsKeyId: dataKey.key.arn, dependsOn: [dataKey.policy] } : {}),
    });
    const statements: PolicyStatement[] = [
      { Sid: "ReadModelArtifact", Action: ["s3:GetObject"], Resource: [props.modelObjectArn] },
      { Sid: "EndpointLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`] },
      ...(props.builtInImage ? [] : pullStatements(image, partition)),
      ...(storage.kmsKey ? [{ Sid: "DecryptModel", Action: ["kms:Decrypt"], Resource: [storage.kmsKey.arn] }] : []),
    ];
    // Hosting needs the grants in place before SageMaker downloads the model.
    const policy = new IamRolePolicy(this, "role-policy", { name: detector ? "anomaly-serving" : "serving", role: training.role.id, policy: policyDocument(statements) });

    this.model = new SagemakerModel(this, "model", {
      executionRoleArn: training.role.arn,
      primaryContainer: { image, modelDataUrl: props.modelDataUrl, mode: "SingleModel" },
      enableNetworkIsolation: true,
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [policy, training.rolePolicy],
    });
    this.endpointConfig = new SagemakerEndpointConfiguration(this, "config", {
      namePrefix: detector ? `${name}-` : `${names.base}-`,
      // SageMaker encrypts the ML storage volume of provisioned instances with it; serverless
      // endpoints take no key.
      ...(storage.kmsKey && settings.mode === "provisioned" ? { kmsKeyArn: storage.kmsKey.arn } : {}),
      productionVariants: [productionVariant(settings, this.model.name)],
      lifecycle: { createBeforeDestroy: true },
    });
    this.endpoint = new SagemakerEndpoint(this, "endpoint", { name, endpointConfigName: this.endpointConfig.name, dependsOn: [this.logGroup, policy] });
    if (settings.autoscaling.enabled && settings.mode === "provisioned") this.autoscale(settings, detector ? name : names.base);
  }

  private autoscale(settings: EndpointSettings, base: string): void {
    const a = settings.autoscaling;
    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "sagemaker",
      resourceId: `endpoint/${this.endpoint.name}/variant/${VARIANT_NAME}`,
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: a.minCapacity,
      maxCapacity: a.maxCapacity,
    });
    new AppautoscalingPolicy(this, "scaling-policy", {
      name: `${base}-invocations-per-instance`,
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
