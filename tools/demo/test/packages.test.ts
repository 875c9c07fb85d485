// The publishable packages as users get them: each one's manifest, the files `npm pack` puts in its
// tarball, and recordio + simulator + trainer installed from their tarballs into an unrelated
// project, where their libraries and command-line tools run.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const PACKAGES = ["recordio", "simulator", "trainer", "lambda-scorer", "infra"];

interface Manifest {
  name: string;
  version: string;
  type?: string;
  license?: string;
  engines?: { node?: string };
  repository?: { url?: string; directory?: string };
  exports?: Record<string, unknown>;
  types?: string;
  files?: string[];
  bin?: Record<string, string>;
  private?: boolean;
}

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")) as Manifest;
}

describe.each(PACKAGES)("@fraud/%s manifest and tarball", (name) => {
  const m = manifest(name);

  it("declares what a published package needs", () => {
    expect(m.name).toBe(`@fraud/${name}`);
    expect(m.private).toBeUndefined();
    expect(m.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.type).toBe("module");
    expect(m.license).toBe("Apache-2.0");
    // the Node lines the suite runs on, the same for every package and the workspace
    expect(m.engines?.node).toBe(root.engines.node);
    expect(m.repository?.directory).toBe(`packages/${name}`);
    expect(m.types).toBe("./dist/index.d.ts");
    expect(m.files).toContain("dist");
    for (const [path, entry] of Object.entries(m.exports ?? {})) {
      if (path === "./package.json") continue;
      const keys = Object.keys(entry as object).filter((k) => k !== "@fraud/source");
      expect(keys[0], `${path}: "types" must come first`).toBe("types");
      expect(keys).toContain("default");
    }
    for (const bin of Object.values(m.bin ?? {})) expect(existsSync(join(ROOT, "packages", name, bin)), bin).toBe(true);
    expect(existsSync(join(ROOT, "packages", name, "README.md"))).toBe(true);
    expect(existsSync(join(ROOT, "packages", name, "CHANGELOG.md"))).toBe(true);
  });

  it("packs only its build output, launchers, docs and the assets it declares", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json"], { cwd: join(ROOT, "packages", name) });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    // assets a package lists in "files" beyond dist and bin (infra ships the SageMaker notebook)
    const assets = (m.files ?? []).filter((f) => !f.startsWith("!") && !["dist", "bin", "README.md", "CHANGELOG.md"].includes(f));
    for (const a of assets) expect(a, "declared assets are not sources or tests").not.toMatch(/^(src|test)\b/);
    const declared = (f: string): boolean => assets.some((a) => f === a || f.startsWith(`${a}/`));
    const stray = files.filter((f) => !declared(f) && !/^(dist\/.+|bin\/[^/]+\.js|package\.json|README(-[a-z]+)?\.md|CHANGELOG\.md|LICENSE)$/.test(f));
    expect(stray).toEqual([]);
    expect(files.some((f) => /\.test\.|^src\/|^test\/|tsbuildinfo/.test(f))).toBe(false);
  });
});

const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };

describe("contracts, recordio, simulator and trainer installed from their tarballs", () => {
  let work: string;
  let app: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "fraud-packages-"));
    app = join(work, "app");
    await mkdir(app);
    const tarballs: string[] = [];
    for (const name of ["contracts", "recordio", "simulator", "trainer"]) {
      const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: join(ROOT, "packages", name) });
      tarballs.push(join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename));
    }
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs], { cwd: app, timeout: 240_000 });
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("their command-line tools generate data and train a model", async () => {
    const csv = join(app, "data.csv");
    const sim = await run(join(app, "node_modules/.bin/fraud-sim"), ["generate", "--rows", "5000", "--seed", "3", "--fraud-rate", "0.02", "--out", csv], { cwd: app });
    expect(sim.stdout + sim.stderr).toMatch(/5000|5,000/);
    const out = join(app, "model");
    await run(join(app, "node_modules/.bin/fraud-train"), ["local", "--data", csv, "--out", out, "--hp", "epochs=3"], { cwd: app, timeout: 120_000 });
    for (const f of ["model.tar.gz", "metrics.json", "report.html"]) expect(existsSync(join(out, f)), f).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { test: { prAuc: number } };
    expect(metrics.test.prAuc).toBeGreaterThan(0);
  }, 180_000);

  it("their libraries work together from plain ESM", async () => {
    await writeFile(
      join(app, "main.mjs"),
      `import { encodeDense, decodeDense } from "@fraud/recordio";
import { generateDataset } from "@fraud/simulator";
import { loadModel } from "@fraud/trainer";
const d = generateDataset({ rows: 2000, seed: 1 });
const bytes = encodeDense({ data: Float32Array.from(d.features), shape: [d.rows, 30] }, { labels: Float32Array.from(d.labels) });
const back = decodeDense(bytes);
const model = await loadModel(process.argv[2]);
const [p] = model.predict({ data: back.data.subarray(0, 30), rows: 1, cols: 30 });
console.log(JSON.stringify({ rows: back.shape[0], cols: back.shape[1], featureDim: model.featureDim, score: typeof p.score }));
`,
    );
    const { stdout } = await run(process.execPath, ["main.mjs", join(app, "model", "model.tar.gz")], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ rows: 2000, cols: 30, featureDim: 30, score: "number" });
  });
});
