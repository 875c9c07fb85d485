/**
 * AWS facts: partitions, region → partition, DNS suffixes, service endpoints and principals. The
 * only home of the AWS domain names in the workspace.
 * @packageDocumentation
 */
import { ContractError } from "./contract-error.js";
import { quote } from "./text.js";

/**
 * Every AWS partition.
 * @example
 * ```ts
 * PARTITIONS.includes("aws-cn"); // true
 * ```
 * @public
 */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"] as const;

/** An AWS partition, one of `PARTITIONS`. @public */
export type Partition = (typeof PARTITIONS)[number];

interface PartitionRule {
  readonly id: Partition;
  readonly regionRegex: RegExp;
  readonly dnsSuffix: string;
}

// The AWS SDK's partition table (aws-sdk-js-v3 `util-endpoints` `partitions.json`, as shipped in
// @aws-sdk/core 3.981): region-name pattern and DNS suffix of each partition. Order matters:
// `us-gov-`, `us-iso-`, `us-isob-` and `us-isof-` regions do not match the commercial pattern
// (their middle part has a hyphen), so the first match is the partition.
const RULES: readonly PartitionRule[] = [
  { id: "aws", regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: "amazonaws.com" },
  { id: "aws-cn", regionRegex: /^cn-\w+-\d+$/, dnsSuffix: "amazonaws.com.cn" },
  { id: "aws-us-gov", regionRegex: /^us-gov-\w+-\d+$/, dnsSuffix: "amazonaws.com" },
  { id: "aws-iso", regionRegex: /^us-iso-\w+-\d+$/, dnsSuffix: "c2s.ic.gov" },
  { id: "aws-iso-b", regionRegex: /^us-isob-\w+-\d+$/, dnsSuffix: "sc2s.sgov.gov" },
  { id: "aws-iso-e", regionRegex: /^eu-isoe-\w+-\d+$/, dnsSuffix: "cloud.adc-e.uk" },
  { id: "aws-iso-f", regionRegex: /^us-isof-\w+-\d+$/, dnsSuffix: "csp.hci.ic.gov" },
  { id: "aws-eusc", regionRegex: /^eusc-(de)-\w+-\d+$/, dnsSuffix: "amazonaws.eu" },
];

/**
 * The DNS suffix of each partition's service endpoints and ECR registries.
 * @example
 * ```ts
 * PARTITION_DNS_SUFFIXES["aws-cn"]; // "amazonaws.com.cn"
 * ```
 * @public
 */
export const PARTITION_DNS_SUFFIXES: Readonly<Record<Partition, string>> = Object.freeze(
  Object.fromEntries(RULES.map((r) => [r.id, r.dnsSuffix])) as Record<Partition, string>,
);

function ruleOf(region: string): PartitionRule {
  const rule = typeof region === "string" ? RULES.find((r) => r.regionRegex.test(region)) : undefined;
  if (rule === undefined) {
    throw new ContractError("UNKNOWN_REGION", `${quote(region)} is not an AWS region name (e.g. eu-west-1, cn-north-1, us-gov-west-1, us-isob-east-1)`, "not an AWS region name");
  }
  return rule;
}

/**
 * Whether a string is an AWS region name of some partition.
 * @example
 * ```ts
 * isRegionName("eu-west-1"); // true
 * isRegionName("mars-1");    // false
 * ```
 * @public
 */
export function isRegionName(region: string): boolean {
  return typeof region === "string" && RULES.some((r) => r.regionRegex.test(region));
}

/**
 * The partition of a region, by the AWS SDK's region patterns: `aws-cn` for `cn-*`,
 * `aws-us-gov` for `us-gov-*`, `aws-iso` for `us-iso-*`, `aws-iso-b` for `us-isob-*`,
 * `aws-iso-e` for `eu-isoe-*`, `aws-iso-f` for `us-isof-*`, `aws-eusc` for `eusc-de-*`, and `aws`
 * for the commercial regions (including ones opened after this table).
 * @example
 * ```ts
 * partitionOf("us-isob-east-1"); // "aws-iso-b"
 * `arn:${partitionOf(region)}:s3:::${bucket}`;
 * ```
 * @throws {@link ContractError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export function partitionOf(region: string): Partition {
  return ruleOf(region).id;
}

/**
 * The DNS suffix of a region's partition: `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`,
 * `sc2s.sgov.gov`, `cloud.adc-e.uk`, `csp.hci.ic.gov` or `amazonaws.eu`.
 * @example
 * ```ts
 * dnsSuffix("cn-north-1"); // "amazonaws.com.cn"
 * ```
 * @throws {@link ContractError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export function dnsSuffix(region: string): string {
  return ruleOf(region).dnsSuffix;
}

/**
 * The regional endpoint host of a service, `<service>.<region>.<dns suffix>` — what
 * `kms:ViaService` conditions and SDK endpoints name.
 * @example
 * ```ts
 * serviceHost("s3", "cn-north-1"); // "s3.cn-north-1.amazonaws.com.cn"
 * serviceHost("sqs", "eu-west-1"); // "sqs.eu-west-1.amazonaws.com"
 * ```
 * @throws {@link ContractError} `UNKNOWN_REGION`.
 * @public
 */
export function serviceHost(service: string, region: string): string {
  return `${service}.${region}.${dnsSuffix(region)}`;
}

/** The services whose principals the stack names in trust and resource policies. @public */
export type AwsService = "sagemaker" | "lambda" | "firehose" | "events" | "logs" | "sns" | "cloudwatch";

/**
 * The IAM service principal of a service in a partition: `<service>.amazonaws.com`. AWS uses this
 * one form for these services in every partition, China and the ISO partitions included (the
 * partition's DNS suffix is for endpoints, not principals); `logs` is regional
 * (`logs.<region>.amazonaws.com`) when a region is given.
 * @example
 * ```ts
 * servicePrincipal("sagemaker"); // "sagemaker.amazonaws.com"
 * servicePrincipal("logs", "eu-west-1"); // "logs.eu-west-1.amazonaws.com"
 * ```
 * @public
 */
export function servicePrincipal(service: AwsService, region?: string): string {
  return service === "logs" && region !== undefined ? `logs.${region}.amazonaws.com` : `${service}.amazonaws.com`;
}

/**
 * An example SQS queue URL of a region, for checks that need a well-formed URL before the real
 * one is known (Terraform resolves it at apply).
 * @example
 * ```ts
 * exampleQueueUrl("us-east-1"); // "https://sqs.us-east-1.amazonaws.com/123456789012/on-failure"
 * ```
 * @public
 */
export function exampleQueueUrl(region: string): string {
  return `https://${serviceHost("sqs", region)}/123456789012/on-failure`;
}
