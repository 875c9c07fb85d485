// The notebook the stack uploads: a valid nbformat 4 document whose every code cell compiles, that
// walks the original system's steps on the stack's own bucket and role, and the lifecycle script
// that fetches it.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { NOTEBOOK_FILE, NOTEBOOK_PACKAGES_DIR, onStartScript, readPackedPackages } from "@fraud/infra";
import { STACK_OUTPUT_NAMES, notebookPackageSchema } from "@fraud/contracts";
import type { NotebookPackage } from "@fraud/contracts";
import { TRAINING_DEFAULTS } from "@fraud/trainer";

// nbformat 4.5 (the parts Jupyter checks): https://github.com/jupyter/nbformat/blob/main/nbformat/v4/nbformat.v4.5.schema.json
const source = z.union([z.string(), z.array(z.string())]);
const cellId = z.string().regex(/^[a-zA-Z0-9-_]+$/).min(1).max(64);
const output = z.looseObject({ output_type: z.enum(["execute_result", "display_data", "stream", "error"]) });
const markdownCell = z.strictObject({ id: cellId, cell_type: z.literal("markdown"), metadata: z.record(z.string(), z.unknown()), source, attachments: z.record(z.string(), z.unknown()).optional() });
const codeCell = z.strictObject({ id: cellId, cell_type: z.literal("code"), metadata: z.record(z.string(), z.unknown()), source, outputs: z.array(output), execution_count: z.number().int().min(0).nullable() });
const rawCell = z.strictObject({ id: cellId, cell_type: z.literal("raw"), metadata: z.record(z.string(), z.unknown()), source, attachments: z.record(z.string(), z.unknown()).optional() });
const notebookSchema = z.strictObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().min(5),
  metadata: z.looseObject({
    kernelspec: z.looseObject({ name: z.string(), display_name: z.string() }).optional(),
    language_info: z.looseObject({ name: z.string() }).optional(),
  }),
  cells: z.array(z.discriminatedUnion("cell_type", [markdownCell, codeCell, rawCell])).min(1),
});

const raw = JSON.parse(readFileSync(NOTEBOOK_FILE, "utf8")) as unknown;
const notebook = notebookSchema.parse(raw);
const text = (s: string | string[]): string => (Array.isArray(s) ? s.join("") : s);
const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source));
const all = code.join("\n");

const python = spawnSync("python3", ["--version"]).status === 0 ? "python3" : undefined;
if (!python) console.warn("[infra] notebook compile check skipped: python3 is not on PATH");

describe("the notebook document", () => {
  it("is nbformat 4.5 with unique cell ids, no outputs and no execution counts", () => {
    expect(notebookSchema.safeParse(raw).success).toBe(true);
    const ids = notebook.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of notebook.cells) {
      if (c.cell_type === "code") expect([c.outputs, c.execution_count]).toEqual([[], null]);
    }
    expect(code.length).toBeGreaterThanOrEqual(6);
  });

  it("the schema check rejects what Jupyter would", () => {
    const bad = [
      { ...notebook, nbformat: 3 },
      { ...notebook, cells: [{ cell_type: "code", id: "x", metadata: {}, source: "1" }] },
      { ...notebook, cells: [{ cell_type: "markdown", id: "has space", metadata: {}, source: "" }] },
      { ...notebook, cells: [{ cell_type: "heading", id: "x", metadata: {}, source: "" }] },
    ];
    for (const b of bad) expect(notebookSchema.safeParse(b).success).toBe(false);
  });

  it.skipIf(!python)(`compiles every code cell with python3${python ? "" : " (skipped: python3 is not on PATH)"}`, () => {
    const script = "import json,sys\ncells=json.load(sys.stdin)\nfor i,c in enumerate(cells):\n    compile(c, f'cell {i}', 'exec')\nprint(len(cells))";
    const out = execFileSync(python as string, ["-c", script], { input: JSON.stringify(code), encoding: "utf8" });
    expect(Number(out.trim())).toBe(code.length);
  });

  it("a cell that does not compile fails the check", { skip: !python }, () => {
    const script = "import json,sys\nfor c in json.load(sys.stdin): compile(c, 'cell', 'exec')";
    expect(() => execFileSync(python as string, ["-c", script], { input: JSON.stringify(["%pip install x"]), stdio: "pipe" })).toThrow();
  });
});

describe("the original's steps on the stack's own bucket and role", () => {
  const steps: [string, RegExp][] = [
    ["reads the stack's outputs", /json\.loads\(STACK_FILE\.read_text\(\)\)/],
    ["uses the real creditcard.csv when present", /CSV = Path\(os\.environ\.get\("CREDITCARD_CSV", "creditcard\.csv"\)\)\nif CSV\.exists\(\):/],
    ["else generates data with the simulator's CLI", /fraud_sim = fraud_command\("fraud-sim"\)\n\s+subprocess\.run\(\n\s+\[fraud_sim, "generate", "--rows", "284807", "--seed", "42", "--out", str\(CSV\)\]/],
    ["writes RecordIO with the SDK's writer", /write_numpy_to_dense_tensor\(buf, features\[rows\], labels\[rows\]\)/],
    ["uploads under the stack's data prefix", /key = f"\{DATA_PREFIX\}\{JOB_NAME\}\/\{name\}\/part-00000\.recordio"\n\s+s3\.upload_fileobj\(buf, BUCKET, key\)/],
    ["trains Linear Learner on the stack's role, writing under the model prefix", /Estimator\(\n\s+image_uri=container,\n\s+role=ROLE,[\s\S]*output_path=f"s3:\/\/\{BUCKET\}\/\{MODEL_PREFIX\}"/],
    [
      "with the training defaults every other path uses",
      new RegExp(
        `set_hyperparameters\\(feature_dim=30, ${Object.entries(TRAINING_DEFAULTS["linear-learner"])
          .map(([k, v]) => `${k}=${/^\d+$/.test(v) ? v : `"${v}"`}`)
          .join(", ")}\\)`,
      ),
    ],
    ["names the job with the stack's prefix", /JOB_NAME = stack\["trainingJobPrefix"\] \+ time\.strftime\("%Y%m%d%H%M%S", time\.gmtime\(\)\)/],
    ["evaluates on the held-out test channel", /"test:precision",\n\s+"test:recall",/],
    ["points the stack at the model", /print\(f"FRAUD_INFRA_MODEL_DATA_URL=\{MODEL_DATA_URL\}"\)/],
    ["writes sagemaker.json beside the model", /Key=f"\{MODEL_PREFIX\}\{JOB_NAME\}\/sagemaker\.json"/],
  ];
  it.each(steps)("%s", (_name, pattern) => {
    expect(all).toMatch(pattern);
  });

  it("reads only fields that fraud-stack.json has", () => {
    const used = [...all.matchAll(/stack\["(\w+)"\]/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const field of used) expect(Object.keys(STACK_OUTPUT_NAMES)).toContain(field);
  });

  it("runs in order: data, RecordIO, upload, train, evaluate, point the stack", () => {
    const order = ["fraud-sim", "write_numpy_to_dense_tensor(buf", "upload_fileobj", "linear.fit(", "describe_training_job", "FRAUD_INFRA_MODEL_DATA_URL"].map((needle) => all.indexOf(needle));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe("the lifecycle script", () => {
  const script = onStartScript("my-artifacts", "fraud-detection/notebook/fraud-stack.json", "fraud-detection/notebook/fraud-detection.ipynb");

  it("fetches fraud-stack.json and the notebook, keeping a notebook the user edited", () => {
    expect(script).toContain("fetch s3://my-artifacts/fraud-detection/notebook/fraud-stack.json fraud-stack.json");
    expect(script).toContain("fetch s3://my-artifacts/fraud-detection/notebook/fraud-detection.ipynb fraud-detection.latest.ipynb");
    expect(script).toContain("[ -e fraud-detection.ipynb ] || cp fraud-detection.latest.ipynb fraud-detection.ipynb");
  });

  it("passes through Terraform's base64encode unchanged: no double quotes, no interpolation", () => {
    expect(script).not.toContain('"');
    expect(script).not.toMatch(/\$\{|%\{/);
  });

  it.skipIf(spawnSync("bash", ["--version"]).status !== 0)("is valid bash", () => {
    expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
  });
});

describe("the project's tools on the instance: uploaded tarballs, no public registry", () => {
  const packed = readPackedPackages();
  /** What each uploaded tarball really holds: its package.json and file list. */
  const contents = packed.map((p) => {
    const file = join(NOTEBOOK_PACKAGES_DIR, p.file);
    const pkg = JSON.parse(execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" })) as { name: string; version: string; bin?: Record<string, string> };
    const files = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).split("\n").filter(Boolean);
    return { packed: p, pkg, files };
  });
  const commandCells = code.filter((c) => /fraud_command\(/.test(c) && !/^def fraud_command/m.test(c));

  it("every command a cell runs is declared by an uploaded package's bin, and its file is in that tarball", () => {
    const commands = [...all.matchAll(/fraud_command\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(new Set(commands)).toEqual(new Set(["fraud-sim", "fraud-train"]));
    // every project command named anywhere in a cell (fraud-sim, fraud-train, fraud-local, fraud-infra …)
    for (const named of all.matchAll(/"(fraud-[a-z]+)"/g)) expect(commands).toContain(named[1]);
    for (const command of commands) {
      const owner = contents.find((c) => c.pkg.bin?.[command] !== undefined);
      expect(owner, `${command} is in no uploaded package's bin`).toBeDefined();
      const target = owner!.pkg.bin![command]!.replace(/^\.\//, "");
      expect(owner!.files).toContain(`package/${target}`);
      expect(owner!.packed.bin).toContain(command);
    }
  });

  it("uploads each package the commands' packages depend on in this project, as the tarballs name them", () => {
    for (const c of contents) expect([c.pkg.name, c.pkg.version]).toEqual([c.packed.name, c.packed.version]);
    const names = new Set(contents.map((c) => c.pkg.name));
    for (const c of contents) {
      const deps = Object.keys((JSON.parse(execFileSync("tar", ["-xzOf", join(NOTEBOOK_PACKAGES_DIR, c.packed.file), "package/package.json"], { encoding: "utf8" })) as { dependencies?: Record<string, string> }).dependencies ?? {});
      for (const d of deps.filter((n) => n.startsWith("@fraud/"))) expect(names, `${c.pkg.name} needs ${d}`).toContain(d);
    }
  });

  it("no cell asks a registry for a package: no npx, no --yes, npm only installs the checked tarballs", () => {
    // (cells mention `npx nx run infra:deploy` only as what to run in the repository)
    expect(all).not.toMatch(/shutil\.which\("npx"\)|\[npx\b|"npx"/);
    expect(all).not.toContain("--yes");
    expect(all).not.toMatch(/["']@fraud\//);
    const npmCalls = [...all.matchAll(/\[npm, ([^\]]*)\]/g)].map((m) => m[1]!);
    expect(npmCalls).toEqual(['"install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--omit=dev", *tarballs']);
    expect(all).toMatch(/integrity = "sha512-" \+ base64\.b64encode\(hashlib\.sha512\(tarball\.read_bytes\(\)\)\.digest\(\)\)\.decode\(\)\n\s+if integrity != p\["integrity"\]:/);
  });

  it("each cell that needs Node.js says in one line how to get it on a notebook instance", () => {
    expect(commandCells.length).toBe(2);
    for (const cell of commandCells) expect(cell).toMatch(/^\s*# .*install Node\.js 22 on the instance with conda install -y -c conda-forge nodejs=22$/m);
  });

  it("the lifecycle script fetches the tarballs from the stack's bucket and checks their SHA-512 before installing", () => {
    const packages: NotebookPackage[] = packed.map((p) => notebookPackageSchema.parse({ name: p.name, version: p.version, key: `fraud-detection/notebook/packages/${p.file}`, integrity: p.integrity, bin: p.bin }));
    const script = onStartScript("my-artifacts", "fraud-detection/notebook/fraud-stack.json", "fraud-detection/notebook/fraud-detection.ipynb", packages);
    for (const p of packed) {
      expect(script).toContain(`fetch s3://my-artifacts/fraud-detection/notebook/packages/${p.file} .fraud/packages/${p.file}`);
      expect(script).toContain(`echo '${Buffer.from(p.integrity.slice(7), "base64").toString("hex")}  ${p.file}' >> .fraud/packages/SHA512SUMS`);
    }
    const lines = script.split("\n");
    const check = lines.findIndex((l) => l.includes("sha512sum --check --strict"));
    const install = lines.findIndex((l) => l.includes("install --prefix"));
    expect(check).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(check);
    expect(script).not.toContain('"');
    expect(script).not.toMatch(/\$\{|%\{|npx|--yes|registry/);
    if (spawnSync("bash", ["--version"]).status === 0) expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
  });

  it("the checksums in the script verify the real tarballs with sha512sum", { skip: spawnSync("sha512sum", ["--version"]).status !== 0 }, () => {
    const sums = packed.map((p) => `${Buffer.from(p.integrity.slice(7), "base64").toString("hex")}  ${p.file}\n`).join("");
    expect(spawnSync("sha512sum", ["--check", "--strict", "--quiet", "-"], { input: sums, cwd: NOTEBOOK_PACKAGES_DIR }).status).toBe(0);
  });
});
