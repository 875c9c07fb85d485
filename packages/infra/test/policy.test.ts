// The least-privilege guard every inline policy goes through.
import { describe, expect, it } from "vitest";
import { WILDCARD_RESOURCE_ACTIONS, policyDocument } from "@fraud/infra";
import type { PolicyStatement } from "@fraud/infra";

describe("policyDocument", () => {
  const rejected: { name: string; st: PolicyStatement; message: string }[] = [
    { name: "service wildcard action", st: { Sid: "A", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"] }, message: 'statement A: wildcard action "s3:*"' },
    { name: "global wildcard action", st: { Sid: "B", Action: ["*"], Resource: ["arn:aws:s3:::b"] }, message: 'statement B: wildcard action "*"' },
    { name: "prefix wildcard action", st: { Sid: "C", Action: ["s3:Get*"], Resource: ["arn:aws:s3:::b"] }, message: 'statement C: wildcard action "s3:Get*"' },
    { name: "* resource for an ARN-scoped action", st: { Sid: "D", Action: ["sagemaker:InvokeEndpoint"], Resource: ["*"], wildcardReason: "x" }, message: 'statement D: resource "*" for sagemaker:InvokeEndpoint, which accepts an ARN' },
    { name: "* resource without reason", st: { Sid: "E", Action: ["cloudwatch:PutMetricData"], Resource: ["*"] }, message: 'statement E: resource "*" without a documented reason' },
    { name: "every bucket", st: { Sid: "F", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::*"] }, message: 'statement F: resource "arn:aws:s3:::*" matches every resource of a service' },
    { name: "every endpoint", st: { Sid: "G", Action: ["sagemaker:InvokeEndpoint"], Resource: ["arn:aws:sagemaker:us-east-1:123456789012:*"] }, message: "matches every resource of a service" },
    { name: "no resource", st: { Sid: "H", Action: ["s3:GetObject"], Resource: [] }, message: "statement H: no resource" },
  ];

  it.each(rejected)("rejects $name", ({ st, message }) => {
    expect(() => policyDocument([st])).toThrow(expect.objectContaining({ code: "WILDCARD_POLICY", message: expect.stringContaining(message) }));
  });

  it("renders allowed statements with Effect and without the reason field", () => {
    const doc = JSON.parse(
      policyDocument([
        { Sid: "Put", Action: ["firehose:PutRecordBatch"], Resource: ["arn:aws:firehose:us-east-1:123456789012:deliverystream/s"] },
        { Sid: "Metrics", Action: ["cloudwatch:PutMetricData"], Resource: ["*"], Condition: { StringEquals: { "cloudwatch:namespace": "X" } }, wildcardReason: "no ARN" },
      ]),
    ) as { Version: string; Statement: Record<string, unknown>[] };
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement).toEqual([
      { Sid: "Put", Effect: "Allow", Action: ["firehose:PutRecordBatch"], Resource: ["arn:aws:firehose:us-east-1:123456789012:deliverystream/s"] },
      { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: ["*"], Condition: { StringEquals: { "cloudwatch:namespace": "X" } } },
    ]);
    expect(WILDCARD_RESOURCE_ACTIONS).toEqual(["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"]);
  });
});
