import { LINEAR_LEARNER_REGISTRIES as REGISTRIES } from "@fraud/trainer/images";

/**
 * ECR registry accounts that publish SageMaker's built-in Linear Learner image (`linear-learner:1`),
 * per region, from `@fraud/trainer/images` (the SageMaker Python SDK's `linear-learner.json`): one table for training and hosting.
 * The same image serves training and inference.
 *
 * @public
 */
export const LINEAR_LEARNER_REGISTRIES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(REGISTRIES.map((r) => [r.region, r.account])),
);

/** Shape of an AWS region name, used when a custom image makes an unlisted region acceptable. @public */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * The DNS suffix of a region's partition: `amazonaws.com.cn` in China, `c2s.ic.gov` for
 * `us-iso-*`, else `amazonaws.com`.
 * @public
 */
export function dnsSuffix(region: string): string {
  const known = REGISTRIES.find((r) => r.region === region);
  if (known) return known.domain;
  if (region.startsWith("cn-")) return "amazonaws.com.cn";
  if (region.startsWith("us-isob-")) return "sc2s.sgov.gov";
  if (region.startsWith("us-iso-")) return "c2s.ic.gov";
  return "amazonaws.com";
}

/**
 * The region's Linear Learner image URI, e.g.
 * `382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1`, or `undefined` when the
 * region does not publish it.
 *
 * @example
 * ```ts
 * linearLearnerImage("eu-west-1"); // "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"
 * ```
 * @public
 */
export function linearLearnerImage(region: string): string | undefined {
  const account = Object.hasOwn(LINEAR_LEARNER_REGISTRIES, region) ? LINEAR_LEARNER_REGISTRIES[region] : undefined;
  return account === undefined ? undefined : `${account}.dkr.ecr.${region}.${dnsSuffix(region)}/linear-learner:1`;
}

/** The IAM partition of a region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`). @public */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}
