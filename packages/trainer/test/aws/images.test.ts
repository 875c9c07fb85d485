import { describe, expect, it } from "vitest";
import { LINEAR_LEARNER_REGISTRIES, SageMakerError, linearLearnerImage, partitionOf } from "@fraud/trainer/aws";

const LINEAR_LEARNER_REGIONS = LINEAR_LEARNER_REGISTRIES.map((r) => r.region);

describe("linearLearnerImage", () => {
  // Spot checks against the SageMaker Python SDK's image_uri_config/linear-learner.json and its unit tests.
  it.each([
    ["us-east-1", "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"],
    ["us-west-2", "174872318107.dkr.ecr.us-west-2.amazonaws.com/linear-learner:1"],
    ["eu-west-1", "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"],
    ["ap-northeast-3", "867004704886.dkr.ecr.ap-northeast-3.amazonaws.com/linear-learner:1"],
    ["il-central-1", "898809789911.dkr.ecr.il-central-1.amazonaws.com/linear-learner:1"],
    ["cn-north-1", "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1"],
    ["cn-northwest-1", "387376663083.dkr.ecr.cn-northwest-1.amazonaws.com.cn/linear-learner:1"],
    ["us-gov-west-1", "226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/linear-learner:1"],
    ["us-gov-east-1", "237065988967.dkr.ecr.us-gov-east-1.amazonaws.com/linear-learner:1"],
    ["us-iso-east-1", "490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/linear-learner:1"],
    ["us-isob-east-1", "765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/linear-learner:1"],
  ])("%s → %s", (region, uri) => {
    expect(linearLearnerImage(region)).toBe(uri);
  });

  it("covers every commercial, China and GovCloud region of the SDK table, each with a well-formed URI", () => {
    expect(LINEAR_LEARNER_REGIONS).toHaveLength(34);
    expect([...LINEAR_LEARNER_REGIONS]).toEqual([...LINEAR_LEARNER_REGIONS].sort());
    for (const r of LINEAR_LEARNER_REGISTRIES) {
      const uri = linearLearnerImage(r.region);
      expect(uri).toMatch(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)\/linear-learner:1$/);
      expect(uri.endsWith(".com.cn/linear-learner:1")).toBe(r.region.startsWith("cn-"));
      expect(r.partition).toBe(partitionOf(r.region));
      expect(r.partition).toBe(
        r.region.startsWith("cn-") ? "aws-cn" : r.region.startsWith("us-gov-") ? "aws-us-gov" : r.region.startsWith("us-isob") ? "aws-iso-b" : r.region.startsWith("us-iso") ? "aws-iso" : "aws",
      );
    }
    expect(LINEAR_LEARNER_REGIONS.filter((r) => r.startsWith("cn-"))).toEqual(["cn-north-1", "cn-northwest-1"]);
    expect(LINEAR_LEARNER_REGIONS.filter((r) => r.startsWith("us-gov-"))).toEqual(["us-gov-east-1", "us-gov-west-1"]);
  });

  it.each(["xx-nowhere-1", "", "US-EAST-1", "us-east-1 "])("rejects unknown region %j with the list of known ones", (region) => {
    let err: unknown;
    try {
      linearLearnerImage(region);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SageMakerError);
    expect((err as SageMakerError).code).toBe("UNKNOWN_REGION");
    expect((err as SageMakerError).message).toBe(`no linear-learner image for region "${region}" (known regions: ${LINEAR_LEARNER_REGIONS.join(", ")})`);
  });
});
