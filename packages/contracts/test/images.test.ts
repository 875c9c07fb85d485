import { describe, expect, it } from "vitest";
import { ALGORITHMS, ALGORITHM_IMAGES, ContractError, IMAGE_URI_PATTERN, algorithmImage, imageUriSchema, parseImageUri, partitionOf, regionImage } from "@fraud/contracts";

describe("algorithmImage", () => {
  // Spot checks against the SageMaker Python SDK's image_uri_config/<algorithm>.json.
  it.each([
    ["linear-learner", "us-east-1", "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"],
    ["linear-learner", "eu-west-1", "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"],
    ["linear-learner", "cn-north-1", "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1"],
    ["linear-learner", "us-iso-east-1", "490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/linear-learner:1"],
    ["linear-learner", "us-isob-east-1", "765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/linear-learner:1"],
    ["xgboost", "us-east-1", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"],
    ["xgboost", "eu-west-1", "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"],
    ["xgboost", "cn-north-1", "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1"],
    ["xgboost", "us-isof-south-1", "124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/sagemaker-xgboost:1.7-1"],
    ["randomcutforest", "us-west-2", "174872318107.dkr.ecr.us-west-2.amazonaws.com/randomcutforest:1"],
    ["randomcutforest", "cn-northwest-1", "387376663083.dkr.ecr.cn-northwest-1.amazonaws.com.cn/randomcutforest:1"],
  ] as const)("%s in %s → %s", (algorithm, region, uri) => {
    expect(algorithmImage(algorithm, region)).toBe(uri);
    expect(regionImage(algorithm, region)).toBe(uri);
    expect(parseImageUri(uri).region).toBe(region);
  });

  it.each(ALGORITHMS)("every %s image is sorted, partition-correct and passes the image-URI rule", (algorithm) => {
    const regions = ALGORITHM_IMAGES[algorithm].registries.map((r) => r.region);
    expect(regions).toEqual([...regions].sort());
    for (const r of ALGORITHM_IMAGES[algorithm].registries) {
      expect(r.partition).toBe(partitionOf(r.region));
      expect(IMAGE_URI_PATTERN.test(algorithmImage(algorithm, r.region))).toBe(true);
      expect(imageUriSchema.safeParse(algorithmImage(algorithm, r.region)).success).toBe(true);
    }
  });

  it("refuses a region without the image, listing the known ones", () => {
    expect(regionImage("randomcutforest", "il-central-1")).toBeUndefined();
    expect(() => algorithmImage("randomcutforest", "il-central-1")).toThrow(expect.objectContaining({ name: "ContractError", code: "UNKNOWN_REGION" }));
    expect(() => algorithmImage("linear-learner", "xx-nowhere-1")).toThrow(/^no linear-learner image for region "xx-nowhere-1" \(known regions: af-south-1, /);
  });
});

describe("parseImageUri", () => {
  it.each([
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/my/repo:latest",
    `123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:${"a".repeat(64)}`,
    "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/repo:1",
    "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/repo:1",
  ])("accepts %s", (uri) => {
    expect(() => parseImageUri(uri)).not.toThrow();
  });

  it.each([
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo", /not an ECR image URI/],
    ["12345678901.dkr.ecr.eu-west-1.amazonaws.com/repo:1", /not an ECR image URI/],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com/repo:1", /registries of cn-north-1 are under amazonaws\.com\.cn/],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn/repo:1", /registries of eu-west-1 are under amazonaws\.com$/],
    ["123456789012.dkr.ecr.mars-1.amazonaws.com/repo:1", /mars-1 is not an AWS region/],
    ["123456789012.dkr.ecr.eu-west-1.example.com/repo:1", /not an ECR image URI/],
  ])("refuses %s", (uri, message) => {
    let err: unknown;
    try {
      parseImageUri(uri);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe("INVALID_ARGUMENT");
    expect((err as Error).message).toMatch(message);
    expect(imageUriSchema.safeParse(uri).success).toBe(false);
  });
});
