/**
 * ECR registry accounts that publish SageMaker's built-in Linear Learner image (`linear-learner:1`),
 * per region, as listed by the SageMaker Python SDK (`src/sagemaker/image_uri_config/linear-learner.json`).
 * The same image serves training and inference.
 *
 * @public
 */
export const LINEAR_LEARNER_REGISTRIES: Readonly<Record<string, string>> = Object.freeze({
  "af-south-1": "455444449433",
  "ap-east-1": "286214385809",
  "ap-northeast-1": "351501993468",
  "ap-northeast-2": "835164637446",
  "ap-northeast-3": "364406365360",
  "ap-south-1": "991648021394",
  "ap-southeast-1": "475088953585",
  "ap-southeast-2": "712309505854",
  "ca-central-1": "469771592824",
  "cn-north-1": "390948362332",
  "cn-northwest-1": "387376663083",
  "eu-central-1": "664544806723",
  "eu-north-1": "669576153137",
  "eu-south-1": "257386234256",
  "eu-west-1": "438346466558",
  "eu-west-2": "644912444149",
  "eu-west-3": "749696950732",
  "me-south-1": "249704162688",
  "sa-east-1": "855470959533",
  "us-east-1": "382416733822",
  "us-east-2": "404615174143",
  "us-gov-west-1": "226302683700",
  "us-iso-east-1": "490574956308",
  "us-west-1": "632365934929",
  "us-west-2": "174872318107",
});

/** Shape of an AWS region name, used when a custom image makes an unlisted region acceptable. @public */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * The DNS suffix of a region's partition: `amazonaws.com.cn` in China, `c2s.ic.gov` for
 * `us-iso-*`, else `amazonaws.com`.
 * @public
 */
export function dnsSuffix(region: string): string {
  if (region.startsWith("cn-")) return "amazonaws.com.cn";
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
