// The IAM matcher the policy-vs-trainer test relies on: allow, deny by action, by resource, by
// condition, explicit deny, wildcard rules and refusal of what it does not understand.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, matchAction, matchArn, matchCondition } from "./iam-matcher.js";
import type { IamPolicy, IamRequest } from "./iam-matcher.js";

const BUCKET = "arn:aws:s3:::fraud-artifacts-1";
const ROLE = "arn:aws:iam::123456789012:role/fraud-dev-sagemaker";
const policy: IamPolicy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "WriteData", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: [`${BUCKET}/fraud-detection/data/*`] },
    { Sid: "ListData", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringLike: { "s3:prefix": ["fraud-detection/data/", "fraud-detection/data/*"] } } },
    { Sid: "Train", Effect: "Allow", Action: ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"], Resource: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/fraud-dev-*" },
    { Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: ROLE, Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } },
    { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*" },
    { Sid: "FromEndpoint", Effect: "Allow", Action: "sagemaker:InvokeEndpoint", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:lambda:eu-west-1:123456789012:function:fraud-*" } } },
    { Sid: "NeverSecrets", Effect: "Deny", Action: "s3:*", Resource: `${BUCKET}/fraud-detection/data/secret/*` },
  ],
};

const cases: { name: string; request: IamRequest; decision: string; by?: string; reason?: RegExp }[] = [
  { name: "allowed object write", request: { action: "s3:PutObject", resource: `${BUCKET}/fraud-detection/data/fraud-dev-1/train/part-00000.recordio` }, decision: "allow", by: "WriteData" },
  { name: "action names are case-insensitive", request: { action: "S3:putobject", resource: `${BUCKET}/fraud-detection/data/x` }, decision: "allow", by: "WriteData" },
  { name: "deny by action", request: { action: "s3:DeleteObject", resource: `${BUCKET}/fraud-detection/data/x` }, decision: "implicit-deny", reason: /^no statement allows s3:DeleteObject$/ },
  { name: "deny by resource (other prefix)", request: { action: "s3:PutObject", resource: `${BUCKET}/fraud-detection/models/x` }, decision: "implicit-deny", reason: /^WriteData allows s3:PutObject but not on .*models\/x/ },
  { name: "deny by resource (other bucket)", request: { action: "s3:GetObject", resource: "arn:aws:s3:::fraud-artifacts-2/fraud-detection/data/x" }, decision: "implicit-deny" },
  { name: "resource ARNs are case-sensitive", request: { action: "s3:GetObject", resource: `${BUCKET}/Fraud-Detection/data/x` }, decision: "implicit-deny" },
  { name: "list with an allowed prefix", request: { action: "s3:ListBucket", resource: BUCKET, context: { "s3:prefix": "fraud-detection/data/job/" } }, decision: "allow", by: "ListData" },
  { name: "deny by condition (other prefix)", request: { action: "s3:ListBucket", resource: BUCKET, context: { "s3:prefix": "fraud-detection/" } }, decision: "implicit-deny", reason: /^ListData allows s3:ListBucket on .* only when / },
  { name: "deny by condition (key absent)", request: { action: "s3:ListBucket", resource: BUCKET }, decision: "implicit-deny" },
  { name: "job name inside the prefix", request: { action: "sagemaker:CreateTrainingJob", resource: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/fraud-dev-20260102030405" }, decision: "allow", by: "Train" },
  { name: "job name outside the prefix", request: { action: "sagemaker:CreateTrainingJob", resource: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/fraud-linear-learner-1" }, decision: "implicit-deny" },
  { name: "job in another region", request: { action: "sagemaker:CreateTrainingJob", resource: "arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-dev-1" }, decision: "implicit-deny" },
  { name: "PassRole to SageMaker", request: { action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "sagemaker.amazonaws.com" } }, decision: "allow", by: "Pass" },
  { name: "PassRole to another service", request: { action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "ec2.amazonaws.com" } }, decision: "implicit-deny" },
  { name: "log stream in the group", request: { action: "logs:PutLogEvents", resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:fraud-dev-1/algo-1" }, decision: "allow", by: "Logs" },
  { name: "log stream in another group", request: { action: "logs:PutLogEvents", resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x:log-stream:y" }, decision: "implicit-deny" },
  { name: "ArnLike on the caller", request: { action: "sagemaker:InvokeEndpoint", resource: "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/e", context: { "aws:SourceArn": "arn:aws:lambda:eu-west-1:123456789012:function:fraud-scorer" } }, decision: "allow", by: "FromEndpoint" },
  { name: "ArnLike fails on another account", request: { action: "sagemaker:InvokeEndpoint", resource: "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/e", context: { "aws:SourceArn": "arn:aws:lambda:eu-west-1:999999999999:function:fraud-scorer" } }, decision: "implicit-deny" },
  { name: "explicit deny wins over allow", request: { action: "s3:GetObject", resource: `${BUCKET}/fraud-detection/data/secret/key` }, decision: "explicit-deny", by: "NeverSecrets" },
];

describe("evaluate", () => {
  it.each(cases)("$name → $decision", ({ request, decision, by, reason }) => {
    const result = evaluate([policy], request);
    expect(result.decision).toBe(decision);
    if (by !== undefined) expect(result).toMatchObject({ sid: by });
    if (reason !== undefined) expect(result).toMatchObject({ reason: expect.stringMatching(reason) as unknown });
  });

  it("combines several policies (a role's inline policies)", () => {
    const second: IamPolicy = { Statement: [{ Sid: "Models", Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET}/fraud-detection/models/*` }] };
    expect(evaluate([policy, second], { action: "s3:PutObject", resource: `${BUCKET}/fraud-detection/models/m` })).toEqual({ decision: "allow", sid: "Models" });
  });

  it.each([
    [{ Statement: [{ Effect: "Allow", NotAction: "s3:GetObject", Resource: "*" }] }, /NotAction is not supported/],
    [{ Statement: [{ Effect: "Allow", Action: "s3:GetObject", NotResource: "*", Resource: "*" }] }, /NotResource is not supported/],
    [{ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { NumericLessThan: { "s3:max-keys": "10" } } }] }, /NumericLessThan is not supported/],
    [{ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": "a" } } }] }, /ForAnyValue:StringEquals is not supported/],
  ])("refuses what it does not understand (%#)", (doc, message) => {
    expect(() => evaluate([doc as unknown as IamPolicy], { action: "s3:GetObject", resource: `${BUCKET}/k` })).toThrow(message);
  });
});

describe("matchAction", () => {
  it.each([
    ["s3:GetObject", "s3:GetObject", true],
    ["s3:Get*", "s3:GetObjectTagging", true],
    ["s3:Get*", "s3:PutObject", false],
    ["s3:?etObject", "s3:GetObject", true],
    ["*", "kms:Decrypt", true],
    ["s3:*", "s3express:CreateSession", false],
  ] as const)("%s covers %s: %s", (pattern, action, expected) => {
    expect(matchAction(pattern, action)).toBe(expected);
  });
  it("rejects a malformed pattern", () => {
    expect(() => matchAction("s3 GetObject", "s3:GetObject")).toThrow(/not an IAM action pattern/);
  });
});

describe("matchArn", () => {
  it.each([
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true],
    ["arn:aws:s3:::b/?", "arn:aws:s3:::b/ab", false],
    ["arn:aws:s3:::b", "arn:aws:s3:::b/x", false],
    // a wildcard stays inside its colon-separated part
    ["arn:aws:*:eu-west-1:123456789012:x", "arn:aws:s3:eu-west-1:123456789012:x", true],
    ["arn:aws:s*:123456789012:x", "arn:aws:s3:eu-west-1:123456789012:x", false],
    ["arn:aws:logs:eu-west-1:123456789012:log-group:/g:*", "arn:aws:logs:eu-west-1:123456789012:log-group:/g:log-stream:s", true],
    ["arn:aws:logs:eu-west-1:123456789012:log-group:/g", "arn:aws:logs:eu-west-1:123456789012:log-group:/g:log-stream:s", false],
    ["not-an-arn", "arn:aws:s3:::b", false],
  ] as const)("%s covers %s: %s", (pattern, arn, expected) => {
    expect(matchArn(pattern, arn)).toBe(expected);
  });

  it("an exact ARN always covers itself, and `*` covers every ARN", () => {
    const part = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(part, part, fc.stringMatching(/^[0-9]{12}$/), fc.stringMatching(/^[a-zA-Z0-9/_.:-]{1,40}$/), (service, region, account, resource) => {
        const arn = `arn:aws:${service}:${region}:${account}:${resource}`;
        expect(matchArn(arn, arn)).toBe(true);
        expect(matchArn("*", arn)).toBe(true);
        expect(matchArn(`arn:aws:${service}:${region}:${account}:*`, arn)).toBe(true);
      }),
    );
  });
});

describe("matchCondition", () => {
  it.each([
    [{ StringEquals: { "aws:RequestedRegion": "eu-west-1" } }, { "aws:requestedregion": "eu-west-1" }, true],
    [{ StringEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } }, { "aws:RequestedRegion": "eu-west-1" }, true],
    [{ StringEquals: { "aws:RequestedRegion": "eu-west-1" } }, {}, false],
    [{ StringEqualsIfExists: { "aws:RequestedRegion": "eu-west-1" } }, {}, true],
    [{ StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } }, { "aws:RequestedRegion": "us-east-1" }, true],
    [{ StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } }, { "aws:RequestedRegion": "eu-west-1" }, false],
    [{ StringLike: { "s3:prefix": "data/*" }, StringEquals: { "aws:RequestedRegion": "eu-west-1" } }, { "s3:prefix": "data/x", "aws:RequestedRegion": "us-east-1" }, false],
  ] as const)("%j with %j: %s", (condition, context, expected) => {
    expect(matchCondition(condition as Record<string, Record<string, string | string[]>>, context)).toBe(expected);
  });
});
