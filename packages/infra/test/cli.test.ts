// The command line: the Nx targets, and plan/deploy/destroy running `terraform` in the
// synthesized stack folder — checked with stand-in `terraform` binaries first on PATH: a shell
// one that records its arguments, and test/fake-terraform.mjs, which also keeps a state.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInfraError } from "@fraud/infra";
import { runCli, runTerraform, terraformCommands } from "@fraud/infra/deploy";
import { fakeTerraformCalls, installFakeTerraform, tempDir, writeZip } from "./helpers.js";

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..");
const workspaceRoot = resolve(projectRoot, "../..");

let tmp: ReturnType<typeof tempDir>;
let work: string;
let standins: string;
let record: string;
let fakeBin: string;
let fakeRecord: string;

/** Writes an executable stand-in named `name` that appends "<cwd>\t<args…>" to $RECORD and exits $STANDIN_EXIT_<subcommand> or 0. */
function standIn(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  const script = `#!/bin/sh
printf '%s\\t%s\\n' "$PWD" "$*" >> "$RECORD"
eval "code=\\\${STANDIN_EXIT_$1:-0}"
exit $code
`;
  writeFileSync(join(dir, name), script);
  chmodSync(join(dir, name), 0o755);
}

function recorded(): { cwd: string; args: string }[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [cwd = "", args = ""] = line.split("\t");
      return { cwd, args };
    });
}

function io(env: NodeJS.ProcessEnv): { out: string[]; err: string[]; io: Parameters<typeof runCli>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: work } };
}

const creds = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "fake" };

/** Environment with the stateful stand-in terraform (test/fake-terraform.mjs) first on PATH. */
function fakeEnv(more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: `${fakeBin}:/usr/bin:/bin`, FAKE_TF_RECORD: fakeRecord, ...creds, ...more };
}

beforeAll(async () => {
  tmp = tempDir("cli");
  work = join(tmp.dir, "work");
  mkdirSync(work);
  standins = join(tmp.dir, "bin");
  standIn(standins, "terraform");
  record = join(tmp.dir, "record.txt");
  fakeBin = join(tmp.dir, "fake-bin");
  installFakeTerraform(fakeBin);
  fakeRecord = join(tmp.dir, "fake-record.jsonl");
  writeZip(join(work, "lambda.zip"));
  writeFileSync(join(work, "infra.config.json"), JSON.stringify({ lambda: { zipPath: "lambda.zip" }, environments: { dev: {}, prod: { endpoint: { mode: "serverless" } } } }));
  const synth = io({});
  expect(await runCli(["synth"], synth.io)).toBe(0);
  expect(synth.out.join("")).toMatch(/synthesized dev: .*cdktf\.out\/stacks\/dev\/cdk\.tf\.json\nsynthesized prod: .*\nsynth took \d+\.\d\d s\n$/);
});
afterAll(() => tmp.cleanup());

describe("Nx targets", () => {
  const project = JSON.parse(readFileSync(join(projectRoot, "project.json"), "utf8")) as { targets: Record<string, { dependsOn?: string[]; options?: { command?: string } }> };

  it.each(["plan", "deploy", "destroy"])("%s builds the scorer bundle and synthesizes first, then runs the CLI", (target) => {
    expect(project.targets[target]?.dependsOn).toEqual(["lambda-scorer:bundle", "synth"]);
    expect(project.targets[target]?.options?.command).toBe(`node bin/fraud-infra.js ${target}`);
  });

  it("synth runs the built CLI after build and the scorer bundle", () => {
    expect(project.targets["synth"]?.dependsOn).toEqual(["build", "lambda-scorer:bundle", "notebook-packages"]);
    expect(project.targets["synth"]?.options?.command).toBe("node bin/fraud-infra.js synth");
  });

  it("nx orders infra:deploy after infra:synth, infra:build and (when it exists) lambda-scorer:bundle", async () => {
    const graphFile = join(tmp.dir, "graph.json");
    await exec(process.execPath, [realpathSync(join(workspaceRoot, "node_modules/.bin/nx")), "run", "infra:deploy", `--graph=${graphFile}`], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true" },
    });
    const graph = JSON.parse(readFileSync(graphFile, "utf8")) as {
      graph: { nodes: Record<string, { data: { targets: Record<string, unknown> } }> };
      tasks: { dependencies: Record<string, string[]> };
    };
    const deps = graph.tasks.dependencies;
    expect(deps["infra:deploy"]).toContain("infra:synth");
    expect(deps["infra:synth"]).toContain("infra:build");
    const hasBundle = Boolean(graph.graph.nodes["lambda-scorer"]?.data.targets["bundle"]);
    if (hasBundle) expect(deps["infra:synth"]).toContain("lambda-scorer:bundle");
    else console.warn("[infra] lambda-scorer has no bundle target yet; Nx drops that edge until it exists");
  }, 60_000);
});

describe("plan / deploy / destroy with a stand-in terraform", () => {
  it("plan synthesizes the stack, then runs init, validate and plan in its folder", async () => {
    writeFileSync(fakeRecord, "");
    const run = io(fakeEnv());
    expect(await runCli(["plan", "--env", "prod"], run.io)).toBe(0);
    const calls = fakeTerraformCalls(fakeRecord);
    expect(calls.map((c) => c.args.join(" "))).toEqual([
      "init -input=false -no-color",
      // no state file: what does Terraform say is deployed?
      "output -json -no-color",
      "validate -no-color",
      `plan -input=false -no-color -detailed-exitcode -out=${join(work, "cdktf.out/stacks/prod/plan.tfplan")}`,
    ]);
    expect(new Set(calls.map((c) => c.cwd))).toEqual(new Set([join(work, "cdktf.out/stacks/prod")]));
    expect(run.out.join("")).toBe("[prod] plan: changes pending (deploy applies them)\n");
    expect(run.err.map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(["fraud-infra: terraform init", "fraud-infra: terraform output", "fraud-infra: terraform validate", "fraud-infra: terraform plan"]);
  });

  it("deploy --until foundation applies the foundation only, validating before the plan", async () => {
    writeFileSync(fakeRecord, "");
    const run = io(fakeEnv());
    expect(await runCli(["deploy", "--env", "prod", "--until", "foundation"], run.io)).toBe(0);
    // `output` first: is something deployed already that this machine has no state file for?
    expect(fakeTerraformCalls(fakeRecord).map((c) => c.args[0])).toEqual(["init", "output", "validate", "plan", "apply"]);
    expect(run.out.join("")).toBe("[prod] foundation: applied\n[prod] deploy finished: foundation applied (no model yet)\n");
    expect(existsSync(join(work, ".fraud/deploy-prod.json"))).toBe(true);
  });

  it("--environment is --env for Nx, which keeps --env for itself", async () => {
    writeFileSync(fakeRecord, "");
    expect(await runCli(["plan", "--environment", "prod"], io(fakeEnv()).io)).toBe(0);
    expect(new Set(fakeTerraformCalls(fakeRecord).map((c) => c.cwd))).toEqual(new Set([join(work, "cdktf.out/stacks/prod")]));
  });

  it("passes --var settings and the provider mirror to terraform", async () => {
    writeFileSync(fakeRecord, "");
    expect(await runCli(["plan", "--var", "model_data_url=s3://bkt/m/model.tar.gz"], io(fakeEnv({ TF_PLUGIN_DIR: "/mirror" })).io)).toBe(0);
    const calls = fakeTerraformCalls(fakeRecord).map((c) => c.args.join(" "));
    expect(calls[0]).toBe("init -input=false -no-color -plugin-dir=/mirror");
    expect(calls[3]).toMatch(/^plan -input=false -no-color -detailed-exitcode -out=\S+ -var model_data_url=s3:\/\/bkt\/m\/model\.tar\.gz$/);
  });

  it("resolves paths typed by the user from INIT_CWD (where npm, npx or Nx was run)", async () => {
    const elsewhere = join(tmp.dir, "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    expect(await runCli(["deploy", "--until", "foundation", "--state", "state.json"], io(fakeEnv({ INIT_CWD: elsewhere })).io)).toBe(0);
    expect(JSON.parse(readFileSync(join(elsewhere, "state.json"), "utf8"))).toMatchObject({ environment: "dev", phase: "foundation" });
  });

  it.each(["init", "validate", "plan"])("stops when %s fails, with a one-line error", async (failing) => {
    writeFileSync(fakeRecord, "");
    const run = io(fakeEnv({ FAKE_TF_FAIL: failing }));
    expect(await runCli(["deploy", "--until", "foundation"], run.io)).toBe(1);
    const order = ["init", "output", "validate", "plan"];
    expect(fakeTerraformCalls(fakeRecord).map((c) => c.args[0])).toEqual(order.slice(0, order.indexOf(failing) + 1));
    expect(run.err.at(-1)).toBe(`fraud-infra: terraform ${failing} failed with exit code 1\n`);
  });

  it("destroy says what it removes; a second destroy finds nothing", async () => {
    expect(await runCli(["deploy", "--env", "prod", "--until", "foundation", "--out", "cdktf-destroy"], io(fakeEnv()).io)).toBe(0);
    const first = io(fakeEnv());
    expect(await runCli(["destroy", "--env", "prod", "--out", "cdktf-destroy"], first.io)).toBe(0);
    const lines = first.out.join("").trim().split("\n");
    expect(lines[0]).toMatch(/^\[prod\] destroying \d+ resources: .*S3 bucket/);
    // prod keeps buckets that hold objects (no forceDestroy): destroy says so
    expect(lines[1]).toBe("[prod] buckets that still hold objects are kept (run destroy with --delete-data to delete them too)");
    expect(lines[2]).toMatch(/^\[prod\] destroyed \d+ resources: .*; nothing of prod is left billing$/);
    writeFileSync(fakeRecord, "");
    const second = io(fakeEnv());
    expect(await runCli(["destroy", "--env", "prod", "--out", "cdktf-destroy"], second.io)).toBe(0);
    expect(fakeTerraformCalls(fakeRecord).map((c) => c.args.slice(0, 2).join(" "))).toEqual(["init -input=false", "validate -no-color", "plan -destroy"]);
    expect(second.out.join("")).toBe("[prod] nothing to destroy in prod\n");
  });

  it("falls back to OpenTofu's tofu", async () => {
    const tofuOnly = join(tmp.dir, "tofu-bin");
    installFakeTerraform(tofuOnly, "tofu");
    const run = io(fakeEnv({ PATH: `${tofuOnly}:/usr/bin:/bin` }));
    expect(await runCli(["plan"], run.io)).toBe(0);
    expect(run.err[0]).toBe("fraud-infra: tofu init -input=false -no-color\n");
  });

  const failures: { name: string; argv: string[]; env: NodeJS.ProcessEnv; code: number; message: RegExp }[] = [
    { name: "no terraform on PATH", argv: ["deploy"], env: { PATH: "/nonexistent", ...creds }, code: 1, message: /^fraud-infra: neither terraform nor tofu \(OpenTofu\) is on PATH; install Terraform >= 1\.10 or OpenTofu >= 1\.10$/ },
    { name: "TERRAFORM_BINARY not found", argv: ["plan"], env: { PATH: "STANDINS", TERRAFORM_BINARY: "/nope/terraform", ...creds }, code: 1, message: /^fraud-infra: TERRAFORM_BINARY=\/nope\/terraform is not an executable on PATH$/ },
    { name: "no credentials", argv: ["deploy"], env: { PATH: "STANDINS", HOME: "/nonexistent" }, code: 1, message: /^fraud-infra: no AWS credentials found/ },
    { name: "unknown environment", argv: ["plan", "--env", "qa"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: invalid configuration: environments: no environment "qa"/ },
    { name: "bad --var", argv: ["plan", "--var", "oops"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --var must be NAME=VALUE \(got "oops"\)$/ },
    { name: "bad --hp", argv: ["deploy", "--train", "--data", "d.csv", "--hp", "l1"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --hp must be NAME=VALUE/ },
    { name: "two model sources", argv: ["deploy", "--model", "m.tar.gz", "--train", "--data", "d.csv"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: give only one of --model FILE, --model-url S3URL and --train$/ },
    { name: "--train without --data", argv: ["deploy", "--train"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --train needs --data FILE/ },
    { name: "--retrain with --model", argv: ["deploy", "--retrain", "--model", "m.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --retrain trains on SageMaker/ },
    { name: "--algorithm without --train", argv: ["deploy", "--algorithm", "xgboost"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --algorithm is for --train or --retrain$/ },
    { name: "--algorithm randomcutforest", argv: ["deploy", "--train", "--data", "d.csv", "--algorithm", "randomcutforest"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /randomcutforest.*Allowed choices are linear-learner, xgboost/ },
    { name: "two anomaly model sources", argv: ["deploy", "--anomaly-model", "r.tar.gz", "--anomaly-model-url", "s3://b/r.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: give only one of --anomaly-model FILE and --anomaly-model-url S3URL$/ },
    { name: "an anomaly model that is not a model", argv: ["deploy", "--model-url", "s3://models-bucket/m.tar.gz", "--anomaly-model", "lambda.zip"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: .*lambda\.zip is not a randomcutforest model\.tar\.gz: / },
    { name: "bad --until", argv: ["deploy", "--until", "soon"], env: {}, code: 2, message: /^fraud-infra: option '--until <step>' argument 'soon' is invalid/ },
    { name: "unknown command", argv: ["apply"], env: {}, code: 2, message: /^fraud-infra: unknown command 'apply'/ },
    { name: "unknown option", argv: ["plan", "--force"], env: {}, code: 2, message: /^fraud-infra: unknown option '--force'/ },
    { name: "bad config at synth", argv: ["synth", "--config", "bad.json"], env: {}, code: 1, message: /^fraud-infra: invalid configuration: endpoint\.instanceType: / },
    // A deploy checks every input before its first terraform command.
    { name: "deploy --model of a missing file", argv: ["deploy", "--model", "/nonexistent/model.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: cannot read model \/nonexistent\/model\.tar\.gz \(ENOENT\)$/ },
    { name: "deploy --model of a garbage file", argv: ["deploy", "--model", "garbage.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: .*garbage\.tar\.gz is not a .*model/ },
    { name: "deploy --model of a folder", argv: ["deploy", "--model", "."], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: model .* is not a regular file$/ },
    { name: "deploy --model-url over http", argv: ["deploy", "--model-url", "http://example.com/model.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: "http:\/\/example\.com\/model\.tar\.gz" is not an s3:\/\/bucket\/key URI$/ },
    { name: "deploy --train with missing data", argv: ["deploy", "--train", "--data", "missing.csv"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: --data .*missing\.csv: cannot read it \(ENOENT\)$/ },
    { name: "deploy --retrain with nothing to train on", argv: ["deploy", "--retrain"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: --retrain needs training data: add --data FILE/ },
    { name: "deploy with a bad configuration", argv: ["deploy", "--config", "bad.json", "--model", "garbage.tar.gz"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: invalid configuration: endpoint\.instanceType: / },
  ];

  it.each(failures)("$name → exit $code", async ({ argv, env, code, message }) => {
    writeFileSync(join(work, "bad.json"), JSON.stringify({ lambda: { zipPath: "lambda.zip" }, endpoint: { instanceType: "huge" } }));
    writeFileSync(join(work, "garbage.tar.gz"), "not a model at all\n".repeat(50));
    writeFileSync(record, "");
    const run = io({ ...env, PATH: (env["PATH"] ?? "").replace("STANDINS", `${standins}:/usr/bin:/bin`), RECORD: record });
    expect(await runCli(argv, run.io)).toBe(code);
    const text = run.err.join("");
    expect(text.trim()).toMatch(message);
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text).not.toMatch(/\n\s+at /);
    expect(recorded()).toEqual([]);
  });

  it("prints help for every command", async () => {
    for (const argv of [["--help"], ["synth", "--help"], ["plan", "--help"], ["deploy", "--help"], ["destroy", "--help"]]) {
      const run = io({});
      expect(await runCli(argv, run.io)).toBe(0);
      expect(run.out.join("")).toMatch(/^Usage: fraud-infra/);
    }
  });

  it("works as a process: exit code and stderr line from the real entry point", async () => {
    writeFileSync(fakeRecord, "");
    const env = { ...fakeEnv({ FAKE_TF_FAIL: "apply:aws_s3_bucket" }), PATH: `${fakeBin}:${dirname(process.execPath)}:/usr/bin:/bin` };
    const result = await exec(process.execPath, ["--conditions=@fraud/source", "--import", pathToFileURL(join(workspaceRoot, "node_modules/tsx/dist/loader.mjs")).href, join(projectRoot, "src/cli.ts"), "deploy", "--env", "dev", "--until", "foundation", "--out", "cdktf-process"], { cwd: work, env }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toBe("fraud-infra: terraform apply failed with exit code 1");
    expect(fakeTerraformCalls(fakeRecord).map((c) => c.args[0])).toEqual(["init", "output", "validate", "plan", "apply"]);
  }, 30_000);
});

describe("terraformCommands and runTerraform", () => {
  it.each([
    { action: "plan" as const, expected: ["init -input=false -no-color", "validate -no-color", "plan -input=false -no-color"] },
    { action: "deploy" as const, expected: ["init -input=false -no-color", "validate -no-color", "plan -input=false -no-color -out=deploy.tfplan", "apply -input=false -no-color deploy.tfplan"] },
    { action: "destroy" as const, expected: ["init -input=false -no-color", "validate -no-color", "plan -destroy -input=false -no-color -out=destroy.tfplan", "apply -input=false -no-color destroy.tfplan"] },
  ])("$action runs validate before plan, in the stack folder", async ({ action, expected }) => {
    expect(terraformCommands(action).map((a) => a.join(" "))).toEqual(expected);
    writeFileSync(record, "");
    await runTerraform({ dir: join(work, "cdktf.out/stacks/prod"), action, env: { PATH: `${standins}:/usr/bin:/bin`, RECORD: record, ...creds } });
    expect(recorded().map((c) => c.args)).toEqual(expected);
  });

  it("refuses a folder with no synthesized stack", async () => {
    const err = await runTerraform({ dir: join(work, "cdktf.out/stacks/qa"), action: "plan", env: { PATH: `${standins}:/usr/bin:/bin`, ...creds } }).catch((e: unknown) => e);
    expect(isInfraError(err, "STACK_MISSING")).toBe(true);
    expect((err as Error).message).toMatch(/^no synthesized stack in .*stacks\/qa \(run "nx run infra:synth"\)$/);
  });
});
