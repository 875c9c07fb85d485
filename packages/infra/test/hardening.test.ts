// Secure defaults of the synthesized stack: the notebook's network, network-isolated models, the
// environment's KMS key on the alarm topic, the log groups and the endpoint configuration, and
// partition-correct names in China.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { algorithmImage, serviceHost } from "@fraud/contracts";
import { isInfraError, resolveConfig } from "@fraud/infra";
import type { InfraConfigFile } from "@fraud/infra";
import { synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import "./matchers.js";
import { allStatements, values } from "./stack-helpers.js";

const MODEL = "s3://trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
const VPC = { subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0", "sg-0fedcba9876543210"] };
let tmp: ReturnType<typeof tempDir>;
let zip: string;
const make = (file: InfraConfigFile, environment = "dev"): Synth => synth(tmp.dir, zip, file, environment);

beforeAll(() => {
  tmp = tempDir("hardening");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
});
afterAll(() => tmp.cleanup());

describe("the notebook's network", () => {
  it("has no direct internet access by default and lives in the configured subnet", () => {
    const s = make({ notebook: { enabled: true, ...VPC } });
    expect(s.one("aws_sagemaker_notebook_instance")).toMatchObject({ direct_internet_access: "Disabled", subnet_id: VPC.subnetId, security_groups: VPC.securityGroupIds, root_access: "Disabled" });
  });

  it("gets direct internet access only when asked, then without a subnet", () => {
    const s = make({ notebook: { enabled: true, directInternetAccess: true } });
    const nb = s.one("aws_sagemaker_notebook_instance");
    expect(nb["direct_internet_access"]).toBe("Enabled");
    expect(nb).not.toHaveProperty("subnet_id");
  });

  it.each([
    [{ enabled: true }, "notebook.subnetId", /required when notebook\.directInternetAccess is false/],
    [{ enabled: true, subnetId: VPC.subnetId }, "notebook.securityGroupIds", /go together/],
    [{ enabled: true, directInternetAccess: true, securityGroupIds: ["sg-0123456789abcdef0"] }, "notebook.subnetId", /go together/],
    [{ enabled: true, subnetId: "vpc-123" }, "notebook.subnetId", /must be a subnet id/],
  ])("refuses %j naming %s", (notebook, field, message) => {
    let err: unknown;
    try {
      resolveConfig({ notebook }, "dev", { env: {} });
    } catch (e) {
      err = e;
    }
    expect(isInfraError(err, "INVALID_ARGUMENT")).toBe(true);
    expect(err).toMatchObject({ field });
    expect((err as Error).message).toMatch(message);
  });

  it("reads FRAUD_INFRA_NOTEBOOK_DIRECT_INTERNET", () => {
    const config = resolveConfig({}, "dev", { env: { FRAUD_INFRA_NOTEBOOK: "1", FRAUD_INFRA_NOTEBOOK_DIRECT_INTERNET: "true" } });
    expect(config.notebook).toMatchObject({ enabled: true, directInternetAccess: true });
  });
});

describe("SageMaker models", () => {
  it("run network-isolated", () => {
    expect(make({ model: { dataUrl: MODEL } }).one("aws_sagemaker_model")["enable_network_isolation"]).toBe(true);
  });
});

describe("an environment that uses KMS", () => {
  let s: Synth;
  let keyArn: string;
  beforeAll(() => {
    s = make({ model: { dataUrl: MODEL }, buckets: { encryption: "kms" }, lambda: { functionUrl: { enabled: true } } });
    keyArn = `\${aws_kms_key.${Object.keys(s.all("aws_kms_key"))[0]}.arn}`;
  });

  it("encrypts the alarm topic, every log group and the endpoint configuration with its key", () => {
    expect(s.one("aws_sns_topic")["kms_master_key_id"]).toBe(keyArn);
    const groups = values(s, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const g of groups) expect(g["kms_key_id"], String(g["name"])).toBe(keyArn);
    expect(s.one("aws_sagemaker_endpoint_configuration")["kms_key_arn"]).toBe(keyArn);
  });

  it("lets CloudWatch Logs (this account's log groups only) and CloudWatch alarms use the key, and makes them wait for that policy", () => {
    const policy = JSON.parse(String(s.one("aws_kms_key_policy")["policy"])) as { Statement: { Sid: string; Principal: Record<string, string>; Condition?: unknown }[] };
    const bySid = Object.fromEntries(policy.Statement.map((st) => [st.Sid, st]));
    expect(bySid["LogGroupsEncrypt"]?.Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    expect(JSON.stringify(bySid["LogGroupsEncrypt"]?.Condition)).toContain(":logs:us-east-1:");
    expect(bySid["AlarmsPublishToTopic"]?.Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
    expect(bySid["AccountAdministers"]?.Principal["AWS"]).toMatch(/^arn:aws:iam::\$\{.*\}:root$/);
    const policyRef = `aws_kms_key_policy.${Object.keys(s.all("aws_kms_key_policy"))[0]}`;
    for (const g of values(s, "aws_cloudwatch_log_group")) expect(g["depends_on"]).toContain(policyRef);
    expect(s.one("aws_sns_topic")["depends_on"]).toContain(policyRef);
  });

  it("leaves topic and log groups unencrypted by a customer key with SSE-S3 buckets", () => {
    const plain = make({ model: { dataUrl: MODEL } });
    expect(plain.one("aws_sns_topic")).not.toHaveProperty("kms_master_key_id");
    for (const g of values(plain, "aws_cloudwatch_log_group")) expect(g).not.toHaveProperty("kms_key_id");
    expect(plain.all("aws_kms_key_policy")).toEqual({});
  });
});

describe("a China region", () => {
  let s: Synth;
  beforeAll(() => {
    s = make({ region: "cn-north-1", model: { dataUrl: MODEL }, buckets: { encryption: "kms" } });
  });

  it("uses the aws-cn partition in every ARN the stack writes and the region's image", () => {
    const arns = allStatements(s).flatMap((st) => st.Resource).filter((r) => r.startsWith("arn:"));
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(/^arn:aws-cn:/);
    const container = s.one("aws_sagemaker_model")["primary_container"] as { image: string };
    expect(container.image).toBe(algorithmImage("linear-learner", "cn-north-1"));
    expect(container.image).toMatch(/\.amazonaws\.com\.cn\//);
  });

  it("names the China S3 endpoint in the Firehose role's KMS condition", () => {
    const st = allStatements(s).find((x) => x.Sid === "EncryptObjects");
    expect(st?.Condition).toEqual({ StringEquals: { "kms:ViaService": serviceHost("s3", "cn-north-1") } });
    expect(serviceHost("s3", "cn-north-1")).toBe("s3.cn-north-1.amazonaws.com.cn");
  });
});
