import { SageMakerError } from "./errors.js";
import { dnsSuffix, partitionOf } from "./partitions.js";
import type { Partition } from "./partitions.js";
import { quote } from "../text.js";

/** One region's Linear Learner registry. @public */
export interface LinearLearnerRegistry {
  /** The region, e.g. `eu-west-1`. */
  region: string;
  /** The 12-digit account owning the region's `linear-learner` ECR repository. */
  account: string;
  /** The region's partition. */
  partition: Partition;
  /** DNS suffix of the partition's ECR endpoints (`amazonaws.com`, `amazonaws.com.cn`, …). */
  domain: string;
}

// Registry accounts of the built-in Linear Learner image, version "1", per region, as published in the
// SageMaker Python SDK's `image_uri_config/linear-learner.json` (training and inference scopes).
const ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "455444449433",
  "ap-east-1": "286214385809",
  "ap-northeast-1": "351501993468",
  "ap-northeast-2": "835164637446",
  "ap-northeast-3": "867004704886",
  "ap-south-1": "991648021394",
  "ap-south-2": "628508329040",
  "ap-southeast-1": "475088953585",
  "ap-southeast-2": "712309505854",
  "ap-southeast-3": "951798379941",
  "ap-southeast-4": "106583098589",
  "ca-central-1": "469771592824",
  "cn-north-1": "390948362332",
  "cn-northwest-1": "387376663083",
  "eu-central-1": "664544806723",
  "eu-central-2": "680994064768",
  "eu-north-1": "669576153137",
  "eu-south-1": "257386234256",
  "eu-south-2": "104374241257",
  "eu-west-1": "438346466558",
  "eu-west-2": "644912444149",
  "eu-west-3": "749696950732",
  "il-central-1": "898809789911",
  "me-central-1": "272398656194",
  "me-south-1": "249704162688",
  "sa-east-1": "855470959533",
  "us-east-1": "382416733822",
  "us-east-2": "404615174143",
  "us-gov-east-1": "237065988967",
  "us-gov-west-1": "226302683700",
  "us-iso-east-1": "490574956308",
  "us-isob-east-1": "765400339828",
  "us-west-1": "632365934929",
  "us-west-2": "174872318107",
};

/**
 * Every region with a published Linear Learner image (commercial, China, GovCloud and the ISO
 * partitions), sorted by region name.
 *
 * @example
 * ```ts
 * LINEAR_LEARNER_REGISTRIES.find((r) => r.region === "eu-west-1")?.account; // "438346466558"
 * ```
 * @public
 */
export const LINEAR_LEARNER_REGISTRIES: readonly LinearLearnerRegistry[] = Object.keys(ACCOUNTS)
  .sort()
  .map((region) => Object.freeze({ region, account: ACCOUNTS[region]!, partition: partitionOf(region), domain: dnsSuffix(region) }));

/** Tag of the Linear Learner image (the algorithm's only version). */
const IMAGE_TAG = "1";

/** The registry of Linear Learner in a region; throws `UNKNOWN_REGION` listing the known regions. */
export function linearLearnerRegistry(region: string): LinearLearnerRegistry {
  const r = LINEAR_LEARNER_REGISTRIES.find((x) => x.region === region);
  if (r === undefined) {
    throw new SageMakerError(
      "UNKNOWN_REGION",
      `no Linear Learner image for region ${quote(region)} (known regions: ${LINEAR_LEARNER_REGISTRIES.map((x) => x.region).join(", ")})`,
    );
  }
  return r;
}

/**
 * The Linear Learner image URI of a region (the same image trains and serves), as the SageMaker
 * Python SDK's `image_uris.retrieve("linear-learner", region)` returns it.
 *
 * @example
 * ```ts
 * linearLearnerImage("eu-west-1");  // "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"
 * linearLearnerImage("cn-north-1"); // "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1"
 * ```
 * @throws {@link SageMakerError} `UNKNOWN_REGION`, listing the known regions.
 * @public
 */
export function linearLearnerImage(region: string): string {
  const r = linearLearnerRegistry(region);
  return `${r.account}.dkr.ecr.${r.region}.${r.domain}/linear-learner:${IMAGE_TAG}`;
}
