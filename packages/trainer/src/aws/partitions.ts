import { SageMakerError } from "./errors.js";
import { quote } from "../text.js";

/** An AWS partition. @public */
export type Partition = "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc";

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

function ruleOf(region: string): PartitionRule {
  const rule = RULES.find((r) => r.regionRegex.test(region));
  if (rule === undefined) {
    throw new SageMakerError("UNKNOWN_REGION", `${quote(region)} is not an AWS region name (e.g. eu-west-1, cn-north-1, us-gov-west-1, us-isob-east-1)`);
  }
  return rule;
}

/**
 * The partition of a region, by the AWS SDK's region patterns: `aws-cn` for `cn-*`,
 * `aws-us-gov` for `us-gov-*`, `aws-iso` for `us-iso-*`, `aws-iso-b` for `us-isob-*`,
 * `aws-iso-e` for `eu-isoe-*`, `aws-iso-f` for `us-isof-*`, `aws-eusc` for `eusc-de-*`, and `aws`
 * for the commercial regions (including ones opened after this table).
 *
 * @example
 * ```ts
 * partitionOf("us-isob-east-1"); // "aws-iso-b"
 * `arn:${partitionOf(region)}:s3:::${bucket}`;
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export function partitionOf(region: string): Partition {
  return ruleOf(region).id;
}

/**
 * The DNS suffix of a region's partition, as service endpoints and ECR registries use it:
 * `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, `sc2s.sgov.gov`, `cloud.adc-e.uk`,
 * `csp.hci.ic.gov` or `amazonaws.eu`.
 *
 * @example
 * ```ts
 * dnsSuffix("cn-north-1"); // "amazonaws.com.cn"
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION` for a string that is not a region name.
 * @public
 */
export function dnsSuffix(region: string): string {
  return ruleOf(region).dnsSuffix;
}
