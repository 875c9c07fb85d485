import { execFile } from "node:child_process";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry } from "./registry.js";
import type { LocalRegistry } from "./registry.js";

const execFileAsync = promisify(execFile);
const workspaceRoot = resolve(import.meta.dirname, "../../..");
/** The published packages, by Nx project name, with their folder under `packages/`. */
const PACKAGES = ["recordio", "simulator", "trainer", "lambda-scorer", "infra"] as const;
type Project = (typeof PACKAGES)[number];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

let tmp: string;
let repo: string;
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

/** Runs a command without blocking the registry in this process; the error carries its output. */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`, { cause: error });
  }
}

async function manifest(project: Project): Promise<Manifest> {
  return JSON.parse(await readFile(join(repo, "packages", project, "package.json"), "utf8")) as Manifest;
}

async function versions(): Promise<Record<Project, string>> {
  const entries = await Promise.all(PACKAGES.map(async (p) => [p, (await manifest(p)).version] as const));
  return Object.fromEntries(entries) as Record<Project, string>;
}

async function tags(): Promise<string[]> {
  return (await run("git", ["tag", "--list"], repo)).split("\n").filter(Boolean);
}

/** The versions the registry holds for one package, and its `latest` tag. */
async function published(name: string): Promise<{ versions: string[]; latest: string | undefined }> {
  const response = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
  if (response.status === 404) return { versions: [], latest: undefined };
  const body = (await response.json()) as { versions: Record<string, unknown>; "dist-tags": { latest?: string } };
  return { versions: Object.keys(body.versions), latest: body["dist-tags"].latest };
}

function bumpedPatch(before: string, after: string): boolean {
  const [a, b] = [before.split("."), after.split(".")];
  return a[0] === b[0] && a[1] === b[1] && Number(b[2]) === Number(a[2]) + 1;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "fraud-release-"));
  registry = await startRegistry(join(tmp, "registry"));
  env = {
    ...process.env,
    NPM_CONFIG_USERCONFIG: registry.npmrc,
    NX_DAEMON: "false",
    NX_SKIP_NX_CACHE: "true",
    NX_NO_CLOUD: "true",
    NX_TUI: "false",
    GIT_AUTHOR_NAME: "Release Check",
    GIT_AUTHOR_EMAIL: "release-check@example.com",
    GIT_COMMITTER_NAME: "Release Check",
    GIT_COMMITTER_EMAIL: "release-check@example.com",
  };
  // a clone of the committed history: the release reads it for conventional commits
  repo = join(tmp, "repo");
  await run("git", ["clone", "--quiet", workspaceRoot, repo], tmp);
  await run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], repo);
});

afterAll(async () => {
  await registry?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("nx release against a real npm registry", () => {
  it("versions, commits, tags and publishes all five packages, leaving a clean tree", async () => {
    // Act
    await run("npx", ["nx", "release", "--first-release", "--yes"], repo);

    // Assess
    const released = await versions();
    const allTags = await tags();
    for (const project of PACKAGES) {
      expect(allTags).toContain(`${project}@${released[project]}`);
      const { name } = await manifest(project);
      expect(await published(name)).toEqual({ versions: [released[project]], latest: released[project] });
    }
    expect(await run("git", ["status", "--porcelain"], repo)).toBe("");
    expect((await run("git", ["log", "-1", "--format=%s"], repo)).trim()).toMatch(/^chore\(release\): publish/);
    // dependents' ranges point at the released versions, in the manifests and in the lock file
    const trainer = await manifest("trainer");
    expect(trainer.dependencies?.["@fraud/recordio"]).toBe(`^${released.recordio}`);
    expect(trainer.dependencies?.["@fraud/simulator"]).toBe(`^${released.simulator}`);
    const lock = JSON.parse(await readFile(join(repo, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    for (const project of PACKAGES) expect(lock.packages[`packages/${project}`]?.version).toBe(released[project]);
    for (const project of PACKAGES) {
      const changelog = await readFile(join(repo, "packages", project, "CHANGELOG.md"), "utf8");
      expect(changelog).toContain(`## ${released[project]}`);
    }
  });

  it("releases a fixed package and its dependents independently, and leaves the rest alone", async () => {
    // Prepare
    const before = await versions();
    const tagsBefore = await tags();
    await appendFile(join(repo, "packages", "simulator", "src", "index.ts"), "\n// fix\n");
    await run("git", ["commit", "--quiet", "-am", "fix(simulator): a fix to the simulator alone"], repo);

    // Act
    await run("npx", ["nx", "release", "--yes"], repo);

    // Assess
    const after = await versions();
    const newTags = (await tags()).filter((tag) => !tagsBefore.includes(tag));
    expect(bumpedPatch(before.simulator, after.simulator)).toBe(true);
    expect(after.recordio).toBe(before.recordio);
    expect(newTags.some((tag) => tag.startsWith("recordio@"))).toBe(false);
    expect(newTags).toContain(`simulator@${after.simulator}`);
    // the trainer depends on the simulator: its range follows, and it is released with it
    expect((await manifest("trainer")).dependencies?.["@fraud/simulator"]).toBe(`^${after.simulator}`);
    expect(bumpedPatch(before.trainer, after.trainer)).toBe(true);
    expect((await published("@fraud/simulator")).latest).toBe(after.simulator);
    expect((await published("@fraud/recordio")).versions).toEqual([before.recordio]);
    expect(await run("git", ["status", "--porcelain"], repo)).toBe("");
  });

  it("installs the published codec and trainer into an unrelated project, where they run", async () => {
    // Prepare
    const consumer = join(tmp, "consumer");
    await mkdir(consumer);
    await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const expected = await versions();

    // Act
    await run("npm", ["install", "--no-audit", "--no-fund", "@fraud/recordio", "@fraud/trainer"], consumer);
    await writeFile(
      join(consumer, "check.mjs"),
      [
        'import { decodeDense, encodeDense } from "@fraud/recordio";',
        "const bytes = encodeDense({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, { labels: new Float32Array([0, 1]) });",
        "const back = decodeDense(bytes);",
        "console.log(JSON.stringify({ bytes: bytes.length, shape: back.shape, data: [...back.data], labels: [...back.labels] }));",
      ].join("\n"),
    );
    const decoded = JSON.parse(await run("node", ["check.mjs"], consumer)) as Record<string, unknown>;
    const help = await run("npx", ["--no-install", "fraud-train", "--help"], consumer);

    // Assess
    expect(decoded).toMatchObject({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6], labels: [0, 1] });
    expect(help).toMatch(/Usage: fraud-train/);
    for (const project of ["recordio", "trainer"] as const) {
      const installed = JSON.parse(await readFile(join(consumer, "node_modules", "@fraud", project, "package.json"), "utf8")) as Manifest;
      expect(installed.version).toBe(expected[project]);
    }
  });
});
