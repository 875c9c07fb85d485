import fc from "fast-check";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import {
  ANOMALY_DETECTOR_ENV_NAMES,
  ENVIRONMENT_NAME_PATTERN,
  INFRA_ENV_VARIABLES,
  LAMBDA_ZIP_PATH,
  PARTITIONS,
  PARTITION_DNS_SUFFIXES,
  STACK_OUTPUT_NAMES,
  clip,
  exampleQueueUrl,
  formatIssue,
  isFraudError,
  lambdaZipPathFrom,
  parseInteger,
  quote,
  readInfraEnv,
  serviceHost,
  servicePrincipal,
  stackDocumentFromTerraform,
  validateEnvironmentName,
} from "@fraud/contracts";

describe("service hosts and principals", () => {
  it.each([
    ["s3", "eu-west-1", "s3.eu-west-1.amazonaws.com"],
    ["s3", "cn-north-1", "s3.cn-north-1.amazonaws.com.cn"],
    ["sqs", "us-iso-east-1", "sqs.us-iso-east-1.c2s.ic.gov"],
  ])("%s in %s is %s", (service, region, host) => {
    expect(serviceHost(service, region)).toBe(host);
  });

  it("names service principals the same in every partition, logs per region", () => {
    expect(servicePrincipal("sagemaker")).toBe("sagemaker.amazonaws.com");
    expect(servicePrincipal("logs", "cn-north-1")).toBe("logs.cn-north-1.amazonaws.com");
    expect(exampleQueueUrl("cn-north-1")).toBe("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/on-failure");
  });

  it("has one DNS suffix per partition", () => {
    expect(Object.keys(PARTITION_DNS_SUFFIXES).sort()).toEqual([...PARTITIONS].sort());
  });
});

describe("environment names", () => {
  it.each(["dev", "prod", "a", "qa2", "abcdefgh"])("accepts %s", (name) => {
    expect(validateEnvironmentName(name)).toBe(name);
  });
  it.each(["", "Dev", "my-env", "2dev", "abcdefghi", "dev "])("refuses %j with INVALID_ARGUMENT", (name) => {
    expect(() => validateEnvironmentName(name)).toThrow(expect.objectContaining({ name: "ContractError", code: "INVALID_ARGUMENT", message: `invalid environment name ${JSON.stringify(name)}: use 1-8 lowercase letters or digits, starting with a letter` }));
    expect(ENVIRONMENT_NAME_PATTERN.test(name)).toBe(false);
  });
});

describe("quote / clip", () => {
  it.each([
    ["abc", '"abc"'],
    [undefined, "nothing"],
    [null, "null"],
    [12, "12"],
    [Number.NaN, "NaN"],
    [-Infinity, "-Infinity"],
    [{ a: 1 }, '{"a":1}'],

    ["x".repeat(100), JSON.stringify(`${"x".repeat(77)}...`)],
  ])("quote(%j) is %s", (value, want) => {
    expect(quote(value)).toBe(want);
  });
  it("never throws and stays short (property)", () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(quote(v).length).toBeLessThanOrEqual(82);
      }),
    );
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(quote(cyclic)).toBe("[object Object]");
    expect(clip("y".repeat(80))).toHaveLength(80);
    expect(quote(10n)).toBe("10");
  });
});

describe("parseInteger", () => {
  it.each([
    ["42", 42],
    [" -7 ", -7],
    ["-0", 0],
    ["007", 7],
    ["9007199254740991", 9007199254740991],
  ])("%j is %d", (text, n) => {
    expect(parseInteger(text)).toBe(n);
  });
  it.each(["", " ", "+1", "1e3", "1.0", "0x10", "1_000", "9007199254740992", "12345678901234567", "١٢", "Infinity", "NaN"])("%j is not an integer", (text) => {
    expect(parseInteger(text)).toBeUndefined();
  });
  it("round-trips every safe integer (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(parseInteger(String(n))).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe("formatIssue", () => {
  const schema = z.strictObject({ a: z.object({ n: z.number() }), list: z.array(z.string()) });
  it.each([
    [{ a: { n: "x" }, list: [] }, /^a\.n: .* \(got "x"\)$/],
    [{ a: {}, list: [] }, /^a\.n: missing$/],
    [{ a: { n: 1 }, list: [1] }, /^list\[0\]: .* \(got 1\)$/],
    [{ a: { n: 1 }, list: [], extra: 1 }, /^extra: unknown field$/],
  ])("%j", (input, want) => {
    const r = schema.safeParse(input);
    expect(formatIssue(r.error!.issues[0]!, input)).toMatch(want);
  });
});

describe("the anomaly detector's scorer variables", () => {
  it("names each field once, apart from the classifier's variables", () => {
    const names = Object.values(ANOMALY_DETECTOR_ENV_NAMES);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^ANOMALY_[A-Z0-9_]+$/);
    expect(Object.keys(ANOMALY_DETECTOR_ENV_NAMES).sort()).toEqual(["endpointName", "modelS3Uri", "modelVersion", "scoringMode", "threshold"]);
    expect(Object.isFrozen(ANOMALY_DETECTOR_ENV_NAMES)).toBe(true);
  });
});

describe("FRAUD_INFRA_* variables", () => {
  it.each([
    ["2.5", 2.5],
    [" -0.25 ", -0.25],
    ["1e-3", 0.001],
  ])("reads the anomaly threshold %j as the number Number() gives", (raw, want) => {
    expect(readInfraEnv({ FRAUD_INFRA_ANOMALY_THRESHOLD: raw }).overrides).toEqual([["anomalyDetector.threshold", want, "FRAUD_INFRA_ANOMALY_THRESHOLD"]]);
  });

  it("overrides the second model's settings, one variable each", () => {
    const env = readInfraEnv({ FRAUD_INFRA_ANOMALY_DETECTOR: "true", FRAUD_INFRA_ANOMALY_SCORING_MODE: "embedded", FRAUD_INFRA_ANOMALY_MODEL_DATA_URL: "s3://b/rcf/model.tar.gz", FRAUD_INFRA_MODEL_ALGORITHM: "xgboost" });
    expect(env.overrides).toEqual([
      ["model.algorithm", "xgboost", "FRAUD_INFRA_MODEL_ALGORITHM"],
      ["anomalyDetector.enabled", true, "FRAUD_INFRA_ANOMALY_DETECTOR"],
      ["anomalyDetector.scoringMode", "embedded", "FRAUD_INFRA_ANOMALY_SCORING_MODE"],
      ["anomalyDetector.dataUrl", "s3://b/rcf/model.tar.gz", "FRAUD_INFRA_ANOMALY_MODEL_DATA_URL"],
    ]);
  });

  it("lists every variable once, with the run's own three", () => {
    const names = INFRA_ENV_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ["FRAUD_INFRA_ENV", "FRAUD_INFRA_CONFIG", "FRAUD_INFRA_CREDENTIALS"]) expect(names).toContain(n);
    for (const n of names) expect(n).toMatch(/^FRAUD_INFRA_[A-Z_]+$/);
  });

  it("parses each kind once", () => {
    const env = readInfraEnv({
      FRAUD_INFRA_ENV: " dev, prod ,",
      FRAUD_INFRA_CONFIG: "x.json",
      FRAUD_INFRA_CREDENTIALS: "instance",
      FRAUD_INFRA_LAMBDA_MEMORY_MB: "1024",
      FRAUD_INFRA_NOTEBOOK: "TRUE",
      FRAUD_INFRA_ALARMS: "0",
      FRAUD_INFRA_REGION: "",
    });
    expect(env).toEqual({
      environments: ["dev", "prod"],
      configFile: "x.json",
      instanceCredentials: true,
      overrides: [
        ["notebook.enabled", true, "FRAUD_INFRA_NOTEBOOK"],
        ["lambda.memoryMb", 1024, "FRAUD_INFRA_LAMBDA_MEMORY_MB"],
        ["alarms.enabled", false, "FRAUD_INFRA_ALARMS"],
      ],
    });
  });

  it.each([
    [{ FRAUD_INFRA_LAMBDA_MEMORY_MB: "1e3" }, 'FRAUD_INFRA_LAMBDA_MEMORY_MB must be an integer (got "1e3")'],
    [{ FRAUD_INFRA_NOTEBOOK: "yes" }, 'FRAUD_INFRA_NOTEBOOK must be true, false, 1 or 0 (got "yes")'],
    [{ FRAUD_INFRA_ENV: "dev,Prod" }, 'FRAUD_INFRA_ENV names environments of 1-8 lowercase letters or digits, starting with a letter (got "Prod")'],
    [{ FRAUD_INFRA_CREDENTIALS: "env" }, 'FRAUD_INFRA_CREDENTIALS must be instance or unset (got "env")'],
    [{ FRAUD_INFRA_ANOMALY_THRESHOLD: "high" }, 'FRAUD_INFRA_ANOMALY_THRESHOLD must be a decimal number (got "high")'],
    [{ FRAUD_INFRA_ANOMALY_THRESHOLD: "1e400" }, 'FRAUD_INFRA_ANOMALY_THRESHOLD must be a decimal number (got "1e400")'],
    [{ FRAUD_INFRA_ANOMALY_THRESHOLD: "0x10" }, 'FRAUD_INFRA_ANOMALY_THRESHOLD must be a decimal number (got "0x10")'],
  ])("refuses %j", (env, message) => {
    let err: unknown;
    try {
      readInfraEnv(env);
    } catch (e) {
      err = e;
    }
    expect(isFraudError(err)).toBe(true);
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", message });
  });
});

describe("the stack's Terraform outputs", () => {
  it("maps outputs by the one table and drops outputs outside it", () => {
    const values = Object.fromEntries(Object.entries(STACK_OUTPUT_NAMES).map(([field, output]) => [output, field]));
    expect(stackDocumentFromTerraform({ ...values, phase: "all", function_url: "x" })).toEqual({ ...Object.fromEntries(Object.keys(STACK_OUTPUT_NAMES).map((f) => [f, f])) });
    expect(stackDocumentFromTerraform({ artifact_bucket: "b" })).toEqual({ version: 1, endpointName: null, artifactBucket: "b" });
  });
});

describe("the Lambda package path", () => {
  it.each([
    ["packages/infra", "../lambda-scorer/dist/lambda/lambda.zip"],
    ["", LAMBDA_ZIP_PATH],
    ["tools/demo", "../../packages/lambda-scorer/dist/lambda/lambda.zip"],
  ])("from %j is %s", (folder, path) => {
    expect(lambdaZipPathFrom(folder)).toBe(path);
  });
});
