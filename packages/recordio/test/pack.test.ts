// The package as users get it: `npm pack`, install the tarball into an unrelated project, import it
// (ESM) and type-check a consumer against the shipped declarations.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = resolve(pkgDir, "../../node_modules/typescript/bin/tsc");

describe("the packed tarball", () => {
  let work: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "recordio-pack-"));
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path);
    const consumer = join(work, "consumer");
    execFileSync("mkdir", ["-p", consumer]);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", join(work, info!.filename)], { cwd: consumer, encoding: "utf8" });
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ships only the build output and the docs", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("README.md");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/node.js");
    const unexpected = files.filter((f) => !/^(dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|package\.json|README\.md|CHANGELOG\.md)$/.test(f));
    expect(unexpected).toEqual([]);
  });

  it("imports and round-trips from an unrelated ESM project", () => {
    const consumer = join(work, "consumer");
    writeFileSync(
      join(consumer, "main.mjs"),
      `import { encodeDense, decodeDense, RecordIOError } from "@fraud/recordio";
import { createEncodeStream } from "@fraud/recordio/node";
const bytes = encodeDense({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }, { labels: new Float32Array([0, 1]) });
const m = decodeDense(bytes);
let code;
try { decodeDense(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])); } catch (e) { code = e instanceof RecordIOError ? e.code : "other"; }
console.log(JSON.stringify({ bytes: bytes.length, data: Array.from(m.data), labels: Array.from(m.labels), code, stream: typeof createEncodeStream }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: consumer, encoding: "utf8" }));
    expect(out).toEqual({ bytes: 104, data: [1, 2, 3, 4], labels: [0, 1], code: "BAD_MAGIC", stream: "function" });
  });

  it("type-checks a TypeScript consumer against the shipped declarations", () => {
    const consumer = join(work, "consumer");
    writeFileSync(
      join(consumer, "main.ts"),
      `import { encodeDense, decodeRecords, type RecordIORecord, type Matrix } from "@fraud/recordio";
const m: Matrix<Float32Array> = { data: new Float32Array(4), shape: [2, 2] };
const records: RecordIORecord[] = decodeRecords(encodeDense(m));
const n: number = records.length;
// @ts-expect-error labels must be numeric
encodeDense(m, { labels: "nope" });
export { n };
`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2023", "dom"], strict: true, noEmit: true, types: [] }, files: ["main.ts"] }),
    );
    const run = () => execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" });
    expect(run).not.toThrow();
    expect(readFileSync(join(consumer, "node_modules/@fraud/recordio/package.json"), "utf8")).toContain('"types"');
  });
});
