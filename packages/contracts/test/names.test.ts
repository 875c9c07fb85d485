import { describe, expect, it } from "vitest";
import { SAGEMAKER_NAME_RULES, trainingJobName, validateSageMakerName } from "@fraud/contracts";
import type { SageMakerNameKind } from "@fraud/contracts";

const KINDS: SageMakerNameKind[] = ["trainingJob", "model", "endpoint", "endpointConfig"];

describe("SageMaker names", () => {
  it.each(KINDS)("%s: 1-63 letters, digits and hyphens, starting and ending with a letter or digit", (kind) => {
    for (const ok of ["a", "A1", "fraud-detection-endpoint-dev", "a--b", "x".repeat(63)]) expect(validateSageMakerName(kind, ok)).toBe(ok);
    for (const bad of ["", "-a", "a-", "a_b", "a.b", "a b", "é", "x".repeat(64)]) {
      expect(() => validateSageMakerName(kind, bad)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
    expect(SAGEMAKER_NAME_RULES[kind].maxLength).toBe(63);
  });

  it("names the rule and quotes at most ~80 characters of the bad name", () => {
    expect(() => validateSageMakerName("endpoint", "fraud_endpoint")).toThrow(
      'invalid endpoint name "fraud_endpoint": use 1-63 letters, digits and hyphens, starting and ending with a letter or digit',
    );
    let message = "";
    try {
      validateSageMakerName("model", "_".repeat(10_000));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.length).toBeLessThan(200);
  });
});

describe("trainingJobName", () => {
  it("is the prefix and a UTC yyyyMMddHHmmss stamp: what the stack's IAM policy grants", () => {
    expect(trainingJobName("fraud-dev-", new Date("2026-11-25T01:42:10.999Z"))).toBe("fraud-dev-20261125014210");
    expect(trainingJobName("x".repeat(49), new Date(0))).toBe(`${"x".repeat(49)}19700101000000`);
  });
  it.each(["", "-fraud", "fraud_dev-", "x".repeat(50)])("refuses prefix %j", (prefix) => {
    expect(() => trainingJobName(prefix, new Date(0))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
