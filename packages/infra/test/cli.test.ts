// The deploy wiring: the Nx targets, and plan/deploy/destroy running `terraform` in the
// synthesized stack folder — checked with a stand-in `terraform` first on PATH that records
// its arguments and working directory.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, terraformCommands } from "@fraud/infra";
import { tempDir, writeZip } from "./helpers.js";

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..");
const workspaceRoot = resolve(projectRoot, "../..");

let tmp: ReturnType<typeof tempDir>;
let work: string;
let standins: string;
let record: string;

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

beforeAll(async () => {
  tmp = tempDir("cli");
  work = join(tmp.dir, "work");
  mkdirSync(work);
  standins = join(tmp.dir, "bin");
  standIn(standins, "terraform");
  record = join(tmp.dir, "record.txt");
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
    expect(project.targets["synth"]?.dependsOn).toEqual(["build", "lambda-scorer:bundle"]);
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
  const cases: { action: "plan" | "deploy" | "destroy"; expected: string[] }[] = [
    { action: "plan", expected: ["init -input=false -no-color", "plan -input=false"] },
    { action: "deploy", expected: ["init -input=false -no-color", "plan -input=false -out=deploy.tfplan", "apply -input=false deploy.tfplan"] },
    { action: "destroy", expected: ["init -input=false -no-color", "plan -destroy -input=false -out=destroy.tfplan", "apply -input=false destroy.tfplan"] },
  ];

  it.each(cases)("$action runs $expected.length commands in the stack folder", async ({ action, expected }) => {
    writeFileSync(record, "");
    const env = { PATH: `${standins}:/usr/bin:/bin`, RECORD: record, ...creds };
    const run = io(env);
    expect(await runCli([action, "--env", "prod"], run.io)).toBe(0);
    const calls = recorded();
    expect(calls.map((c) => c.args)).toEqual(expected);
    expect(new Set(calls.map((c) => c.cwd))).toEqual(new Set([join(work, "cdktf.out/stacks/prod")]));
    expect(terraformCommands(action).map((a) => a.join(" "))).toEqual(expected);
  });

  it("passes --var settings and the provider mirror to terraform", async () => {
    writeFileSync(record, "");
    const env = { PATH: `${standins}:/usr/bin:/bin`, RECORD: record, TF_PLUGIN_DIR: "/mirror", ...creds };
    expect(await runCli(["deploy", "--var", "model_data_url=s3://bkt/m/model.tar.gz"], io(env).io)).toBe(0);
    expect(recorded().map((c) => c.args)).toEqual([
      "init -input=false -no-color -plugin-dir=/mirror",
      "plan -input=false -out=deploy.tfplan -var model_data_url=s3://bkt/m/model.tar.gz",
      "apply -input=false deploy.tfplan",
    ]);
  });

  it("stops at the first failing command with a one-line error", async () => {
    writeFileSync(record, "");
    const run = io({ PATH: `${standins}:/usr/bin:/bin`, RECORD: record, STANDIN_EXIT_plan: "3", ...creds });
    expect(await runCli(["deploy"], run.io)).toBe(1);
    expect(recorded().map((c) => c.args.split(" ")[0])).toEqual(["init", "plan"]);
    expect(run.err.at(-1)).toBe("fraud-infra: terraform plan failed with exit code 3\n");
  });

  it("falls back to OpenTofu's tofu", async () => {
    writeFileSync(record, "");
    const tofuOnly = join(tmp.dir, "tofu-bin");
    standIn(tofuOnly, "tofu");
    const run = io({ PATH: `${tofuOnly}:/usr/bin:/bin`, RECORD: record, ...creds });
    expect(await runCli(["plan"], run.io)).toBe(0);
    expect(run.err[0]).toBe("fraud-infra: tofu init -input=false -no-color\n");
  });

  const failures: { name: string; argv: string[]; env: NodeJS.ProcessEnv; code: number; message: RegExp }[] = [
    { name: "no terraform on PATH", argv: ["deploy"], env: { PATH: "/nonexistent", ...creds }, code: 1, message: /^fraud-infra: neither terraform nor tofu \(OpenTofu\) is on PATH/ },
    { name: "no credentials", argv: ["deploy"], env: { PATH: "STANDINS", HOME: "/nonexistent" }, code: 1, message: /^fraud-infra: no AWS credentials found/ },
    { name: "not synthesized", argv: ["plan", "--env", "qa"], env: { PATH: "STANDINS", ...creds }, code: 1, message: /^fraud-infra: no synthesized stack in .*stacks\/qa \(run "nx run infra:synth"\)/ },
    { name: "bad --var", argv: ["plan", "--var", "oops"], env: { PATH: "STANDINS", ...creds }, code: 2, message: /^fraud-infra: --var must be NAME=VALUE/ },
    { name: "unknown command", argv: ["apply"], env: {}, code: 2, message: /^fraud-infra: unknown command 'apply'/ },
    { name: "unknown option", argv: ["plan", "--force"], env: {}, code: 2, message: /^fraud-infra: unknown option '--force'/ },
    { name: "bad config at synth", argv: ["synth", "--config", "bad.json"], env: {}, code: 1, message: /^fraud-infra: invalid configuration: endpoint\.instanceType: / },
  ];

  it.each(failures)("$name → exit $code", async ({ argv, env, code, message }) => {
    writeFileSync(join(work, "bad.json"), JSON.stringify({ lambda: { zipPath: "lambda.zip" }, endpoint: { instanceType: "huge" } }));
    writeFileSync(record, "");
    const run = io({ ...env, PATH: (env["PATH"] ?? "").replace("STANDINS", `${standins}:/usr/bin:/bin`), RECORD: record });
    expect(await runCli(argv, run.io)).toBe(code);
    const text = run.err.join("");
    expect(text).toMatch(message);
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
    writeFileSync(record, "");
    const env = { PATH: `${standins}:${dirname(process.execPath)}:/usr/bin:/bin`, RECORD: record, ...creds, STANDIN_EXIT_apply: "5" };
    const result = await exec(process.execPath, ["--conditions=@fraud/source", "--import", pathToFileURL(join(workspaceRoot, "node_modules/tsx/dist/loader.mjs")).href, join(projectRoot, "src/cli.ts"), "deploy", "--env", "dev"], { cwd: work, env }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toBe("fraud-infra: terraform apply failed with exit code 5");
    expect(recorded().map((c) => c.args.split(" ")[0])).toEqual(["init", "plan", "apply"]);
  }, 30_000);
});
