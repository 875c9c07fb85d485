/**
 * The built-in SageMaker algorithm images: the registry account of each region per algorithm, the
 * image URI of a region, and the rule any ECR image URI follows (every partition's registries).
 * @packageDocumentation
 */
import * as z from "zod";
import { ContractError } from "./contract-error.js";
import { PARTITION_DNS_SUFFIXES, dnsSuffix, partitionOf } from "./aws.js";
import type { Partition } from "./aws.js";
import type { Algorithm } from "./model.js";
import { quote } from "./text.js";

/** One region's registry of a built-in algorithm image. @public */
export interface AlgorithmRegistry {
  /** The region, e.g. `eu-west-1`. */
  region: string;
  /** The 12-digit account owning the region's ECR repository. */
  account: string;
  /** The region's partition. */
  partition: Partition;
  /** DNS suffix of the partition's ECR endpoints (`amazonaws.com`, `amazonaws.com.cn`, …). */
  domain: string;
}

/** Repository and tag of an algorithm's image, and its registry account per region. @public */
export interface AlgorithmImage {
  /** ECR repository name. */
  repository: string;
  /** Image tag (the version the project trains and serves with). */
  tag: string;
  /** Every region with a published image, sorted by region name. */
  registries: readonly AlgorithmRegistry[];
}

// Registry accounts per region as published in the SageMaker Python SDK's
// `src/sagemaker/image_uri_config/<algorithm>.json` (training and inference scopes).
// linear-learner, version "1".
const LINEAR_LEARNER: Readonly<Record<string, string>> = {
  "af-south-1": "455444449433", "ap-east-1": "286214385809", "ap-northeast-1": "351501993468", "ap-northeast-2": "835164637446",
  "ap-northeast-3": "867004704886", "ap-south-1": "991648021394", "ap-south-2": "628508329040", "ap-southeast-1": "475088953585",
  "ap-southeast-2": "712309505854", "ap-southeast-3": "951798379941", "ap-southeast-4": "106583098589", "ca-central-1": "469771592824",
  "cn-north-1": "390948362332", "cn-northwest-1": "387376663083", "eu-central-1": "664544806723", "eu-central-2": "680994064768",
  "eu-north-1": "669576153137", "eu-south-1": "257386234256", "eu-south-2": "104374241257", "eu-west-1": "438346466558",
  "eu-west-2": "644912444149", "eu-west-3": "749696950732", "il-central-1": "898809789911", "me-central-1": "272398656194",
  "me-south-1": "249704162688", "sa-east-1": "855470959533", "us-east-1": "382416733822", "us-east-2": "404615174143",
  "us-gov-east-1": "237065988967", "us-gov-west-1": "226302683700", "us-iso-east-1": "490574956308", "us-isob-east-1": "765400339828",
  "us-west-1": "632365934929", "us-west-2": "174872318107",
};
// xgboost, version "1.7-1" (repository `sagemaker-xgboost`; one table for training and inference).
const XGBOOST: Readonly<Record<string, string>> = {
  "af-south-1": "510948584623", "ap-east-1": "651117190479", "ap-northeast-1": "354813040037", "ap-northeast-2": "366743142698",
  "ap-northeast-3": "867004704886", "ap-south-1": "720646828776", "ap-south-2": "628508329040", "ap-southeast-1": "121021644041",
  "ap-southeast-2": "783357654285", "ap-southeast-3": "951798379941", "ap-southeast-4": "106583098589", "ca-central-1": "341280168497",
  "ca-west-1": "190319476487", "cn-north-1": "450853457545", "cn-northwest-1": "451049120500", "eu-central-1": "492215442770",
  "eu-central-2": "680994064768", "eu-north-1": "662702820516", "eu-south-1": "978288397137", "eu-south-2": "104374241257",
  "eu-west-1": "141502667606", "eu-west-2": "764974769150", "eu-west-3": "659782779980", "il-central-1": "898809789911",
  "me-central-1": "272398656194", "me-south-1": "801668240914", "sa-east-1": "737474898029", "us-east-1": "683313688378",
  "us-east-2": "257758044811", "us-gov-east-1": "237065988967", "us-gov-west-1": "414596584902", "us-iso-east-1": "833128469047",
  "us-isob-east-1": "281123927165", "us-isof-east-1": "108575199400", "us-isof-south-1": "124985052026", "us-west-1": "746614075791",
  "us-west-2": "246618743249",
};
// randomcutforest, version "1".
const RANDOM_CUT_FOREST: Readonly<Record<string, string>> = {
  "af-south-1": "455444449433", "ap-east-1": "286214385809", "ap-northeast-1": "351501993468", "ap-northeast-2": "835164637446",
  "ap-northeast-3": "867004704886", "ap-south-1": "991648021394", "ap-southeast-1": "475088953585", "ap-southeast-2": "712309505854",
  "ap-southeast-3": "951798379941", "ca-central-1": "469771592824", "cn-north-1": "390948362332", "cn-northwest-1": "387376663083",
  "eu-central-1": "664544806723", "eu-north-1": "669576153137", "eu-west-1": "438346466558", "eu-west-2": "644912444149",
  "eu-west-3": "749696950732", "eu-south-1": "257386234256", "me-south-1": "249704162688", "sa-east-1": "855470959533",
  "us-east-1": "382416733822", "us-east-2": "404615174143", "us-gov-west-1": "226302683700", "us-iso-east-1": "490574956308",
  "us-west-1": "632365934929", "us-west-2": "174872318107",
};

function registries(accounts: Readonly<Record<string, string>>): readonly AlgorithmRegistry[] {
  return Object.freeze(
    Object.keys(accounts)
      .sort()
      .map((region) => Object.freeze({ region, account: accounts[region]!, partition: partitionOf(region), domain: dnsSuffix(region) })),
  );
}

/**
 * The built-in image of each algorithm: repository, tag and registries.
 * @example
 * ```ts
 * ALGORITHM_IMAGES.xgboost.tag; // "1.7-1"
 * ALGORITHM_IMAGES["linear-learner"].registries.find((r) => r.region === "eu-west-1")?.account; // "438346466558"
 * ```
 * @public
 */
export const ALGORITHM_IMAGES: Readonly<Record<Algorithm, AlgorithmImage>> = Object.freeze({
  "linear-learner": Object.freeze({ repository: "linear-learner", tag: "1", registries: registries(LINEAR_LEARNER) }),
  xgboost: Object.freeze({ repository: "sagemaker-xgboost", tag: "1.7-1", registries: registries(XGBOOST) }),
  randomcutforest: Object.freeze({ repository: "randomcutforest", tag: "1", registries: registries(RANDOM_CUT_FOREST) }),
});

/**
 * The registry of an algorithm's image in a region.
 * @example
 * ```ts
 * algorithmRegistry("xgboost", "us-east-1").account; // "683313688378"
 * ```
 * @throws {@link ContractError} `UNKNOWN_REGION`, listing the regions where the image is published.
 * @public
 */
export function algorithmRegistry(algorithm: Algorithm, region: string): AlgorithmRegistry {
  const image = ALGORITHM_IMAGES[algorithm];
  const r = image.registries.find((x) => x.region === region);
  if (r === undefined) {
    throw new ContractError(
      "UNKNOWN_REGION",
      `no ${algorithm} image for region ${quote(region)} (known regions: ${image.registries.map((x) => x.region).join(", ")})`,
      `no ${algorithm} image in this region`,
    );
  }
  return r;
}

/**
 * The image URI of a built-in algorithm in a region (the same image trains and serves), as the
 * SageMaker Python SDK's `image_uris.retrieve(algorithm, region)` returns it.
 * @example
 * ```ts
 * algorithmImage("linear-learner", "eu-west-1"); // "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"
 * algorithmImage("xgboost", "cn-north-1");       // "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1"
 * ```
 * @throws {@link ContractError} `UNKNOWN_REGION`.
 * @public
 */
export function algorithmImage(algorithm: Algorithm, region: string): string {
  const r = algorithmRegistry(algorithm, region);
  const image = ALGORITHM_IMAGES[algorithm];
  return `${r.account}.dkr.ecr.${r.region}.${r.domain}/${image.repository}:${image.tag}`;
}

/**
 * The built-in image of an algorithm in a region, or `undefined` where it is not published.
 * @example
 * ```ts
 * regionImage("linear-learner", "eu-west-1"); // "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"
 * regionImage("linear-learner", "mx-central-1"); // undefined
 * ```
 * @public
 */
export function regionImage(algorithm: Algorithm, region: string): string | undefined {
  return ALGORITHM_IMAGES[algorithm].registries.some((r) => r.region === region) ? algorithmImage(algorithm, region) : undefined;
}

const escape = (s: string): string => s.replace(/[.]/g, "\\.");
const SUFFIXES = [...new Set(Object.values(PARTITION_DNS_SUFFIXES))].sort((a, b) => b.length - a.length).map(escape).join("|");

/**
 * An ECR image URI of any partition:
 * `<12-digit account>.dkr.ecr.<region>.<partition DNS suffix>/<repository>(:<tag>|@sha256:<digest>)`.
 * Groups: 1 account, 2 region, 3 DNS suffix, 4 repository.
 * @example
 * ```ts
 * IMAGE_URI_PATTERN.test("490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/linear-learner:1"); // true
 * ```
 * @public
 */
export const IMAGE_URI_PATTERN: RegExp = new RegExp(
  `^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.(${SUFFIXES})/([a-z0-9](?:[a-z0-9._/-]*[a-z0-9])?)(?::[\\w.-]{1,128}|@sha256:[a-f0-9]{64})$`,
);

/** Parts of an ECR image URI. @public */
export interface ImageUriParts {
  /** The registry's account. */
  account: string;
  /** The registry's region. */
  region: string;
  /** The repository. */
  repository: string;
}

/**
 * Checks an ECR image URI by {@link IMAGE_URI_PATTERN} and that its DNS suffix is its region's.
 * @example
 * ```ts
 * parseImageUri("390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1").region; // "cn-north-1"
 * ```
 * @throws {@link ContractError} `INVALID_ARGUMENT`.
 * @public
 */
export function parseImageUri(uri: string): ImageUriParts {
  const m = typeof uri === "string" ? IMAGE_URI_PATTERN.exec(uri) : null;
  const reason = "not an ECR image URI <account>.dkr.ecr.<region>.<partition domain>/<repository>:<tag>";
  if (m === null) throw new ContractError("INVALID_ARGUMENT", `${quote(uri)} is ${reason}`, reason);
  const region = m[2]!;
  let suffix: string | undefined;
  try {
    suffix = dnsSuffix(region);
  } catch {
    suffix = undefined;
  }
  if (suffix !== m[3]) {
    const why = suffix === undefined ? `${region} is not an AWS region` : `registries of ${region} are under ${suffix}`;
    throw new ContractError("INVALID_ARGUMENT", `${quote(uri)} is not an ECR image URI: ${why}`, why);
  }
  return { account: m[1]!, region, repository: m[4]! };
}

// Built in a pure IIFE: a bundle that imports this module but not the schema (the scorer Lambda) leaves zod out.
/**
 * Schema of an ECR image URI ({@link parseImageUri}).
 * @example
 * ```ts
 * imageUriSchema.parse("382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1");
 * ```
 * @public
 */
export const imageUriSchema = /* @__PURE__ */ (() =>
  z.string({ error: "must be a string" }).superRefine((v, ctx) => {
  try {
    parseImageUri(v);
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    ctx.addIssue({ code: "custom", message: `must be an ECR image URI <account>.dkr.ecr.<region>.<partition domain>/<repository>:<tag> (${err.reason})` });
  }
}))();
