// `fraud-infra plan --offline`: the provider mirror is required and checked before anything runs;
// with real terraform and the mirror (env TF_PLUGIN_DIR), a plan without any AWS credentials or
// account, saying so, and no ANSI colour codes in anything terraform printed.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTerraform, providerMirror, runCli, runOfflinePlan } from "@fraud/infra/deploy";
import { isInfraError } from "@fraud/infra";
import { tempDir, writeZip } from "./helpers.js";

const pluginDir = process.env["TF_PLUGIN_DIR"];
let binary: string | undefined;
let skipReason = "";
try {
  binary = findTerraform();
} catch (err) {
  skipReason = (err as Error).message;
}
if (!skipReason && !pluginDir) skipReason = "TF_PLUGIN_DIR is not set (the hashicorp/aws 5.100.0 mirror; .ci/run finds it)";
if (!skipReason && pluginDir && !existsSync(join(pluginDir, "registry.terraform.io", "hashicorp", "aws", "5.100.0"))) {
  skipReason = `TF_PLUGIN_DIR=${pluginDir} holds no registry.terraform.io/hashicorp/aws/5.100.0`;
}
if (skipReason) console.warn(`[infra] offline plan with real terraform skipped: ${skipReason}`);

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir("offline");
  writeZip(join(tmp.dir, "lambda.zip"));
  writeFileSync(join(tmp.dir, "infra.config.json"), JSON.stringify({ lambda: { zipPath: "lambda.zip" }, environments: { dev: {} } }));
});
afterAll(() => tmp.cleanup());

describe("plan --offline: the provider mirror", () => {
  it.each([
    [{}, /^plan --offline needs TF_PLUGIN_DIR: set it to a provider mirror holding registry\.terraform\.io\/hashicorp\/aws \(made with "terraform providers mirror <dir>"\)$/],
    [{ TF_PLUGIN_DIR: "/nonexistent/mirror" }, /^TF_PLUGIN_DIR=\/nonexistent\/mirror is not a directory; plan --offline needs /],
  ])("refuses %j before synthesizing anything (TOOL_MISSING, one line)", async (env, message) => {
    const err = await runOfflinePlan({ environment: "dev", cwd: tmp.dir, env: { PATH: process.env["PATH"] ?? "", ...env } }).catch((e: unknown) => e);
    expect(isInfraError(err, "TOOL_MISSING")).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect(existsSync(join(tmp.dir, "cdktf.out", "offline"))).toBe(false);
  });

  it("refuses a mirror without the pinned provider version", () => {
    expect(() => providerMirror({ TF_PLUGIN_DIR: tmp.dir }, "5.100.0")).toThrow(`TF_PLUGIN_DIR=${tmp.dir} holds no registry.terraform.io/hashicorp/aws/5.100.0; plan --offline needs`);
  });

  it("exits 1 with the one line on the command line", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["plan", "--offline", "--env", "dev"], { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), env: { PATH: process.env["PATH"] ?? "" }, cwd: tmp.dir });
    expect(code).toBe(1);
    expect(err.join("")).toMatch(/^fraud-infra: plan --offline needs TF_PLUGIN_DIR: [^\n]+\n$/);
  });
});

describe.skipIf(skipReason !== "")(`plan --offline with real terraform${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  it("plans the foundation with no credentials anywhere, says so, and terraform prints no colour codes", async () => {
    // Prepare: a wrapper records everything terraform prints; HOME has no ~/.aws, no AWS_* variable is set
    const log = join(tmp.dir, "terraform.log");
    const wrapper = join(tmp.dir, "terraform-wrapper");
    writeFileSync(wrapper, `#!/usr/bin/env bash\nset -o pipefail\n${JSON.stringify(binary)} "$@" 2>&1 | tee -a ${JSON.stringify(log)}\n`);
    chmodSync(wrapper, 0o755);
    const out: string[] = [];
    const err: string[] = [];
    const env = { PATH: process.env["PATH"] ?? "", HOME: tmp.dir, TF_PLUGIN_DIR: pluginDir!, TERRAFORM_BINARY: wrapper };
    // Act
    const code = await runCli(["plan", "--offline", "--env", "dev"], { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), env, cwd: tmp.dir });
    // Assess
    expect(err.join("")).not.toMatch(/^fraud-infra: (?!terraform-wrapper )/m);
    expect(code).toBe(0);
    const said = out.join("");
    expect(said).toMatch(/^\[dev\] offline plan: no AWS account and no credentials are used/m);
    expect(said).toMatch(/^\[dev\] offline plan: 26 resource\(s\) to create \(.*1 aws_kinesis_firehose_delivery_stream.*\); nothing was sent to AWS$/m);
    const printed = readFileSync(log, "utf8");
    expect(printed).toMatch(/Plan: 26 to add, 0 to change, 0 to destroy/);
    expect(printed).not.toContain("\u001b[");
    expect(err.join("")).toMatch(/terraform-wrapper plan -input=false -no-color -refresh=false/);
  }, 600_000);
});
