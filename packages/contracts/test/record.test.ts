import { describe, expect, it } from "vitest";
import { sagemakerJobRecordSchema } from "@fraud/contracts";

const RECORD = {
  jobName: "fraud-dev-20261125014210",
  image: "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1",
  modelDataUrl: "s3://fraud-dev-artifacts/fraud-detection/models/fraud-dev-20261125014210/output/model.tar.gz",
  region: "eu-west-1",
};

describe("sagemaker.json record", () => {
  it("accepts what fraud-train writes, in every partition, and ignores fields added later", () => {
    expect(sagemakerJobRecordSchema.parse(RECORD)).toEqual(RECORD);
    expect(sagemakerJobRecordSchema.parse({ ...RECORD, trainingJobArn: "arn:aws:sagemaker:…" })).toEqual(RECORD);
    const iso = { ...RECORD, region: "us-isob-east-1", image: "765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/linear-learner:1" };
    expect(sagemakerJobRecordSchema.parse(iso)).toEqual(iso);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an http model URL", { modelDataUrl: "https://b.s3.amazonaws.com/model.tar.gz" }, "modelDataUrl"],
    ["a job name with an underscore", { jobName: "fraud_1" }, "jobName"],
    ["an image that is not an ECR URI", { image: "linear-learner:1" }, "image"],
    ["an unknown region", { region: "mars-1" }, "region"],
  ])("refuses %s", (_name, patch, field) => {
    const r = sagemakerJobRecordSchema.safeParse({ ...RECORD, ...patch });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual([field]);
  });
});
