import { describe, expect, it } from "vitest";
import { parseStackOutputs, stackOutputsSchema } from "@fraud/contracts";
import type { StackOutputs } from "@fraud/contracts";

/** The example of the stack outputs file format. */
export const STACK: StackOutputs = {
  version: 1,
  environment: "dev",
  region: "eu-west-1",
  partition: "aws",
  accountId: "123456789012",
  artifactBucket: "fraud-dev-artifacts-123456789012",
  dataPrefix: "fraud-detection/data/",
  modelPrefix: "fraud-detection/models/",
  outputBucket: "fraud-dev-output-123456789012",
  sagemakerRoleArn: "arn:aws:iam::123456789012:role/fraud-dev-sagemaker",
  trainingJobPrefix: "fraud-dev-",
  endpointName: "fraud-detection-endpoint-dev",
  scoringMode: "endpoint",
};

const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe("stack outputs (fraud-stack.json)", () => {
  it("accepts the file as written, and null endpoint in embedded mode", () => {
    expect(parseStackOutputs(STACK)).toEqual(STACK);
    expect(stackOutputsSchema.parse({ ...STACK, endpointName: null, scoringMode: "embedded" })).toMatchObject({ endpointName: null });
  });

  it("accepts the raw `terraform output -json` of the stack", () => {
    const { version: _v, ...fields } = STACK;
    const tf = Object.fromEntries(Object.entries(fields).map(([k, value]) => [snake(k), { sensitive: false, type: value === null ? "string" : typeof value, value }]));
    expect(Object.keys(tf)).toContain("sagemaker_role_arn");
    expect(parseStackOutputs(tf, "tf.json")).toEqual(STACK);
  });

  it("reads an endpoint name that terraform left out of its outputs (null) as no endpoint", () => {
    const { version: _v, endpointName: _e, ...fields } = { ...STACK, scoringMode: "embedded" as const };
    const tf = Object.fromEntries(Object.entries(fields).map(([k, value]) => [snake(k), { sensitive: false, type: typeof value, value }]));
    expect(parseStackOutputs(tf, "tf.json")).toEqual({ ...STACK, scoringMode: "embedded", endpointName: null });
  });

  it("accepts the other partitions when region, partition and role agree", () => {
    const isob = { ...STACK, region: "us-isob-east-1", partition: "aws-iso-b" as const, sagemakerRoleArn: "arn:aws-iso-b:iam::123456789012:role/sm" };
    expect(parseStackOutputs(isob)).toEqual(isob);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a wrong version", { version: 2 }, "version: Invalid input: expected 1"],
    ["a partition that is not the region's", { partition: "aws-cn" }, "partition: aws-cn is not the partition of eu-west-1 (aws)"],
    ["a role in another account", { sagemakerRoleArn: "arn:aws:iam::999999999999:role/x" }, "sagemakerRoleArn: the role is in account 999999999999, the stack in 123456789012"],
    ["a role that is not an ARN", { sagemakerRoleArn: "fraud-role" }, 'sagemakerRoleArn: "fraud-role" is not an IAM role ARN'],
    ["a bad bucket", { artifactBucket: "Fraud_Bucket" }, 'artifactBucket: invalid S3 bucket name "Fraud_Bucket"'],
    ["a prefix without its slash", { dataPrefix: "fraud-detection/data" }, 'dataPrefix: key prefix "fraud-detection/data" must be empty or end with "/"'],
    ["a job prefix too long for a name", { trainingJobPrefix: "x".repeat(50) }, "trainingJobPrefix: invalid training job name prefix"],
    ["an endpoint name with an underscore", { endpointName: "fraud_endpoint" }, 'endpointName: invalid endpoint name "fraud_endpoint"'],
    ["an unknown scoring mode", { scoringMode: "lambda" }, "scoringMode: Invalid option"],
    ["a region that is not one", { region: "moon-1" }, 'region: "moon-1" is not an AWS region name'],
    ["a missing field", { accountId: undefined }, "accountId: Invalid input: expected string, received undefined"],
  ])("refuses %s, naming the field", (_name, patch, message) => {
    const input = { ...STACK, ...patch };
    let err: unknown;
    try {
      parseStackOutputs(input, "fraud-stack.json");
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: "ContractError", code: "INVALID_ARGUMENT" });
    expect((err as Error).message).toContain(`fraud-stack.json: invalid stack outputs: `);
    expect((err as Error).message).toContain(message);
  });
});
