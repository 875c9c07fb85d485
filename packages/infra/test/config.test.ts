// Configuration: defaults, file + environment + env variable layering, and bad input rejected
// with the field named.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionImage } from "@fraud/contracts";
import { linearLearnerImage } from "@fraud/trainer/aws";
import { DEFAULTS, INSTANCE_TYPE_PATTERN, isInfraError, loadConfig, resolveConfig } from "@fraud/infra";
import { synthesize } from "@fraud/infra/deploy";
import type { InfraConfigFile, InfraError } from "@fraud/infra";
import { tempDir, writeZip } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir("config");
});
afterAll(() => tmp.cleanup());

function rejects(file: InfraConfigFile, env: NodeJS.ProcessEnv = {}, environment = "dev"): InfraError {
  try {
    resolveConfig(file, environment, { env, baseDir: tmp.dir });
  } catch (err) {
    if (isInfraError(err)) return err;
    throw err;
  }
  throw new Error("configuration was accepted");
}

describe("defaults", () => {
  it("resolves an empty file to the documented defaults", () => {
    const c = resolveConfig({}, "dev", { env: {}, baseDir: "/cfg" });
    expect(c).toMatchObject({ environment: "dev", prefix: DEFAULTS.prefix, region: "us-east-1", backend: { type: "local" } });
    expect(c.endpoint.mode).toBe("provisioned");
    expect(c.schedule).toEqual({ enabled: false, expression: "rate(1 minute)" });
    expect(c.lambda.zipPath).toBe("/lambda-scorer/dist/lambda/lambda.zip");
    expect(c.model.imageUri).toBe(linearLearnerImage("us-east-1"));
    expect(c.model.dataUrl).toBeUndefined();
    expect(c.phase).toBe("all");
    expect(c.lambda.functionUrl).toEqual({ enabled: false, authType: "AWS_IAM", allowOrigins: [], reservedConcurrency: 10 });
    expect(c.alarms.email).toBeUndefined();
  });

  it("exposes the same defaults as DEFAULTS, from the one schema", () => {
    const c = resolveConfig({}, "dev", { env: {}, baseDir: "/cfg" });
    const { environment: _e, baseDir: _b, model: _m, lambda, anomalyDetector, ...rest } = c;
    const { model: _dm, lambda: dl, anomalyDetector: da, ...defaults } = DEFAULTS;
    expect(rest).toEqual(defaults);
    expect({ ...lambda, zipPath: dl.zipPath }).toEqual(dl);
    // resolution picks the detector's mode and image
    expect(anomalyDetector).toEqual({ ...da, scoringMode: "embedded", imageUri: regionImage("randomcutforest", "us-east-1") });
    expect(da).toEqual({});
  });
});

describe("bad configuration is rejected with the field named", () => {
  const cases: { name: string; file: InfraConfigFile | Record<string, unknown>; env?: NodeJS.ProcessEnv; field: string; message: RegExp }[] = [
    { name: "unknown region", file: { region: "mars-east-1" }, field: "region", message: /unknown region "mars-east-1"/ },
    { name: "bad instance type", file: { endpoint: { instanceType: "m5.large" } }, field: "endpoint.instanceType", message: /SageMaker instance type.*"m5\.large"/ },
    { name: "bad notebook instance type", file: { notebook: { instanceType: "ml.t3" } }, field: "notebook.instanceType", message: /"ml\.t3"/ },
    { name: "empty prefix", file: { prefix: "" }, field: "prefix", message: /must not be empty/ },
    { name: "upper-case prefix", file: { prefix: "Fraud" }, field: "prefix", message: /lowercase/ },
    { name: "prefix too long for bucket names", file: { prefix: "a-very-long-project-prefix-x" }, field: "prefix", message: /longer than 26/ },
    { name: "model URL not s3://", file: { model: { dataUrl: "https://bucket/model.tar.gz" } }, field: "model.dataUrl", message: /^invalid configuration: model\.dataUrl: "https:\/\/bucket\/model\.tar\.gz" is not an s3:\/\/bucket\/key URI$/ },
    { name: "model URL from env not s3://", file: {}, env: { FRAUD_INFRA_MODEL_DATA_URL: "/tmp/model.tar.gz" }, field: "model.dataUrl", message: /"\/tmp\/model\.tar\.gz" is not an s3:\/\/bucket\/key URI/ },
    { name: "unknown field", file: { lambda: { memorySize: 512 } }, field: "lambda.memorySize", message: /unknown field/ },
    { name: "memory out of range", file: { lambda: { memoryMb: 64 } }, field: "lambda.memoryMb", message: /from 128 to 10240 \(got 64\)/ },
    { name: "serverless memory step", file: { endpoint: { mode: "serverless", serverlessMemoryMb: 1500 } }, field: "endpoint.serverlessMemoryMb", message: /multiple of 1024/ },
    { name: "autoscaling with serverless", file: { endpoint: { mode: "serverless", autoscaling: { enabled: true } } }, field: "endpoint.autoscaling.enabled", message: /provisioned/ },
    { name: "max below min", file: { endpoint: { autoscaling: { minCapacity: 3, maxCapacity: 2 } } }, field: "endpoint.autoscaling.maxCapacity", message: /at least minCapacity/ },
    { name: "bad mode", file: { endpoint: { mode: "spot" } }, field: "endpoint.mode", message: /one of provisioned, serverless/ },
    { name: "empty Firehose prefix", file: { firehose: { prefix: "" } }, field: "firehose.prefix", message: /must not be empty/ },
    { name: "Firehose prefix without slash", file: { firehose: { prefix: "out" } }, field: "firehose.prefix", message: /ending with '\/'/ },
    { name: "buffer too big", file: { firehose: { bufferMb: 200 } }, field: "firehose.bufferMb", message: /1 to 128/ },
    { name: "early IA transition", file: { buckets: { outputTransitionDays: 10 } }, field: "buckets.outputTransitionDays", message: /at least 30 days/ },
    { name: "expiry before transition", file: { buckets: { outputExpirationDays: 20 } }, field: "buckets.outputExpirationDays", message: /later than outputTransitionDays/ },
    { name: "wildcard CORS origin", file: { lambda: { functionUrl: { allowOrigins: ["*"] } } }, field: "lambda.functionUrl.allowOrigins[0]", message: /no wildcards/ },
    { name: "bad schedule", file: { schedule: { expression: "every minute" } }, field: "schedule.expression", message: /rate\(N unit\)/ },
    { name: "bad topic", file: { alarms: { topicArn: "ops" } }, field: "alarms.topicArn", message: /SNS topic ARN/ },
    { name: "s3 backend without bucket", file: { backend: { type: "s3" } as never }, field: "backend.bucket", message: /must be a string/ },
    { name: "unknown backend", file: { backend: { type: "consul" } as never }, field: "backend.type", message: /one of local, s3/ },
    { name: "bad env boolean", file: {}, env: { FRAUD_INFRA_SCHEDULE_ENABLED: "yes" }, field: "schedule.enabled", message: /FRAUD_INFRA_SCHEDULE_ENABLED must be true, false, 1 or 0/ },
    { name: "bad env region", file: {}, env: { FRAUD_INFRA_REGION: "us-east-9" }, field: "region", message: /unknown region "us-east-9"/ },
    { name: "unknown environment", file: { environments: { prod: {} } }, field: "environments", message: /no environment "dev" \(known: prod\)/ },
    { name: "bad tag key", file: { tags: { "aws:owner": "me" } }, field: "tags.aws:owner", message: /invalid key/ },
    { name: "fraud rate 0 (the Lambda rejects it)", file: { lambda: { fraudRate: 0 } }, field: "lambda.fraudRate", message: /strictly between 0 and 1 \(got 0\)/ },
    { name: "fraud rate 1 (the Lambda rejects it)", file: { lambda: { fraudRate: 1 } }, field: "lambda.fraudRate", message: /strictly between 0 and 1 \(got 1\)/ },
    { name: "fraud rate as a string", file: { lambda: { fraudRate: "0.01" } }, field: "lambda.fraudRate", message: /got "0\.01"/ },
    { name: "unknown phase", file: {}, env: { FRAUD_INFRA_PHASE: "model" }, field: "phase", message: /one of foundation, serving, all \(got "model"\)/ },
    { name: "bad alarm e-mail", file: { alarms: { email: "ops" } }, field: "alarms.email", message: /e-mail address \(got "ops"\)/ },
    { name: "HTTP concurrency cap of 0", file: { lambda: { functionUrl: { reservedConcurrency: 0 } } }, field: "lambda.functionUrl.reservedConcurrency", message: /from 1 to 10000 \(got 0\)/ },
    { name: "bad env integer", file: {}, env: { FRAUD_INFRA_LAMBDA_MEMORY_MB: "lots" }, field: "lambda.memoryMb", message: /FRAUD_INFRA_LAMBDA_MEMORY_MB must be an integer \(got "lots"\)/ },
    { name: "environments not an object", file: { environments: ["dev"] } as never, field: "environments", message: /must be an object/ },
    { name: "long bad value quoted short", file: { region: "x".repeat(5000) }, field: "region", message: /unknown region "x{77}\.\.\.": / },
  ];

  it.each(cases)("$name → $field", ({ file, env, field, message }) => {
    const err = rejects(file as InfraConfigFile, env);
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.field).toBe(field);
    expect(err.message).toMatch(new RegExp(`^invalid configuration: ${field.replace(/[.[\]]/g, "\\$&")}: `));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
    expect(err.message.length).toBeLessThan(400);
  });

  it("rejects bad configuration at synth time, before anything is written", () => {
    const zip = join(tmp.dir, "z.zip");
    writeZip(zip);
    expect(() => synthesize([resolveConfig({ region: "nowhere", lambda: { zipPath: zip } }, "dev", { env: {} })], { outdir: join(tmp.dir, "never") })).toThrow(/region/);
  });

  it("rejects a missing Lambda zip with a hint to build it", () => {
    const c = resolveConfig({ model: { dataUrl: "s3://bkt/m/model.tar.gz" }, lambda: { zipPath: join(tmp.dir, "missing.zip") } }, "dev", { env: {} });
    expect(() => synthesize([{ ...c, phase: "serving" }], { outdir: join(tmp.dir, "out-serving") })).not.toThrow();
    expect(() => synthesize([c], { outdir: join(tmp.dir, "out-missing") })).toThrow(expect.objectContaining({ code: "ASSET_MISSING", message: expect.stringMatching(/nx run lambda-scorer:bundle/) }));
  });

  it("accepts every well-formed instance type and rejects anything without the ml. family form", () => {
    const family = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const size = fc.constantFrom("medium", "large", "xlarge", "2xlarge", "24xlarge");
    fc.assert(
      fc.property(family, size, (f, s) => {
        const c = resolveConfig({ endpoint: { instanceType: `ml.${f}.${s}` } }, "dev", { env: {} });
        expect(c.endpoint.instanceType).toBe(`ml.${f}.${s}`);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((t) => !INSTANCE_TYPE_PATTERN.test(t)), (t) => {
        expect(rejects({ endpoint: { instanceType: t } }).field).toBe("endpoint.instanceType");
      }),
      { numRuns: 100 },
    );
  });
});

describe("layering: file < environment < env variables", () => {
  it("applies environment overrides and then env variables", () => {
    const file: InfraConfigFile = {
      region: "eu-west-1",
      lambda: { memoryMb: 256 },
      environments: { dev: { endpoint: { mode: "serverless" } }, prod: { lambda: { memoryMb: 1024 }, schedule: { enabled: true } } },
    };
    const dev = resolveConfig(file, "dev", { env: {} });
    const prod = resolveConfig(file, "prod", { env: { FRAUD_INFRA_SCHEDULE_ENABLED: "false", FRAUD_INFRA_LAMBDA_MEMORY_MB: "2048" } });
    expect([dev.region, dev.endpoint.mode, dev.lambda.memoryMb, dev.schedule.enabled]).toEqual(["eu-west-1", "serverless", 256, false]);
    expect([prod.region, prod.endpoint.mode, prod.lambda.memoryMb, prod.schedule.enabled]).toEqual(["eu-west-1", "provisioned", 2048, false]);
  });

  it("reads the model URL and version from the trainer's sagemaker.json", () => {
    const dir = join(tmp.dir, "sm");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "sagemaker.json"), JSON.stringify({ jobName: "fraud-ll-2026", image: linearLearnerImage("us-west-2"), modelDataUrl: "s3://bkt/models/fraud-ll-2026/output/model.tar.gz", region: "us-west-2" }));
    const c = resolveConfig({ region: "us-west-2", model: { sagemakerJson: "sagemaker.json" } }, "dev", { env: {}, baseDir: dir });
    expect(c.model).toMatchObject({ dataUrl: "s3://bkt/models/fraud-ll-2026/output/model.tar.gz", version: "fraud-ll-2026", imageUri: linearLearnerImage("us-west-2") });
    const err = rejects({ region: "us-east-1", model: { sagemakerJson: join(dir, "sagemaker.json") } });
    expect(err.field).toBe("model.sagemakerJson");
    expect(err.message).toMatch(/ran in us-west-2 but the stack's region is us-east-1/);
  });

  it("loads a file, lists every environment, and reports a missing or broken file", () => {
    const dir = join(tmp.dir, "load");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "infra.config.json"), JSON.stringify({ environments: { dev: {}, prod: { prefix: "fraud" } } }));
    const all = loadConfig({ cwd: dir, env: {} });
    expect(all.map((c) => [c.environment, c.prefix, c.baseDir])).toEqual([["dev", "fraud-detection", dir], ["prod", "fraud", dir]]);
    expect(loadConfig({ cwd: dir, env: { FRAUD_INFRA_ENV: "prod" } }).map((c) => c.environment)).toEqual(["prod"]);
    expect(() => loadConfig({ cwd: dir, file: "nope.json", env: {} })).toThrow(expect.objectContaining({ code: "CONFIG_NOT_FOUND" }));
    writeFileSync(join(dir, "broken.json"), "{ region: ");
    expect(() => loadConfig({ cwd: dir, file: "broken.json", env: {} })).toThrow(expect.objectContaining({ code: "CONFIG_PARSE" }));
  });
});

describe("the committed infra.config.json", () => {
  it("resolves for every environment it lists, with no model: the foundation", () => {
    const cwd = join(import.meta.dirname, "..");
    const configs = loadConfig({ cwd, env: {} });
    expect(configs.map((c) => c.environment)).toEqual(["dev", "prod"]);
    for (const c of configs) expect(c.model.dataUrl).toBeUndefined();
    expect(configs[1]).toMatchObject({ schedule: { enabled: true }, buckets: { encryption: "kms" }, endpoint: { autoscaling: { enabled: true, maxCapacity: 4 } } });
  });
});
