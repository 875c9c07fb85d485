// The least-privilege guard every inline policy goes through, and the synth-time check of every
// policy in the stack however it was written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { FraudDetectionStack, WILDCARD_RESOURCE_ACTIONS, policyDocument, resolveConfig, statementViolation } from "@fraud/infra";
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

describe("the synth-time least-privilege check", () => {
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "fraud-infra-aspect-"));
    dirs.push(dir);
    return dir;
  };
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const bad: { name: string; statement: Record<string, unknown>; problem: string }[] = [
    { name: "a wildcard action written by hand", statement: { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }, problem: 'wildcard action "s3:*"' },
    { name: "a * resource for an ARN-scoped action", statement: { Sid: "X", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "*" }, problem: 'resource "*" for sqs:SendMessage' },
    { name: "every bucket", statement: { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::*"] }, problem: "matches every resource of a service" },
  ];

  it.each(bad)("fails synth on $name in any policy of the stack", ({ statement, problem }) => {
    const app = new App({ outdir: file() });
    const config = resolveConfig({}, "dev", { env: {} });
    const stack = new FraudDetectionStack(app, "dev", config, { offline: true });
    new IamPolicy(stack, "hand-written", { name: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });
    expect(() => app.synth()).toThrow(/least privilege/);
    expect(stack.policyGuard.violations).toEqual([expect.stringMatching(new RegExp(`^dev/hand-written: statement .*${problem.replace(/[*.()[\]]/g, "\\$&")}`))]);
  });

  it("passes the stack as built, Deny statements with wildcards included (the TLS-only bucket policies)", () => {
    const app = new App({ outdir: file() });
    const stack = new FraudDetectionStack(app, "dev", resolveConfig({ notebook: { enabled: true, subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0"] } }, "dev", { env: {} }), { offline: true });
    app.synth();
    expect(stack.policyGuard.violations).toEqual([]);
  });

  it("checks each statement like policyDocument does", () => {
    expect(statementViolation({ Sid: "A", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/k"] })).toBeUndefined();
    expect(statementViolation({ Sid: "A", Action: "logs:PutLogEvents", Resource: [] })).toBe("statement A: no resource");
    expect(statementViolation({ Sid: "M", Action: ["cloudwatch:PutMetricData"], Resource: "*" }, false)).toBeUndefined();
    expect(statementViolation({ Sid: "M", Action: ["cloudwatch:PutMetricData"], Resource: "*" })).toBe('statement M: resource "*" without a documented reason');
  });
});
