#!/usr/bin/env node
// Packs the project's packages the notebook runs (`npm pack`, the same tarballs a release
// publishes) into dist/notebook-packages/, with manifest.json: name, version, file, npm's sha512
// integrity (checked here against the bytes) and the commands each package's `bin` declares.
// The stack uploads them beside the notebook; the instance installs them from the bucket.
// Usage: node scripts/pack-notebook-packages.mjs [out-dir]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** What the notebook calls (fraud-sim, fraud-train) and what they depend on in this project. */
const NOTEBOOK_PACKAGES = ["@fraud/contracts", "@fraud/recordio", "@fraud/simulator", "@fraud/trainer"];

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const out = resolve(process.argv[2] ?? join(here, "..", "dist", "notebook-packages"));
const tmp = `${out}.${process.pid}.tmp`;
try {
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const args = ["pack", "--json", "--pack-destination", tmp, ...NOTEBOOK_PACKAGES.flatMap((p) => ["-w", p])];
  const packed = JSON.parse(execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
  const manifest = packed.map((p) => {
    const bytes = readFileSync(join(tmp, p.filename));
    const integrity = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
    if (integrity !== p.integrity) throw new Error(`${p.filename}: npm reports ${p.integrity}, the file hashes to ${integrity}`);
    const pkg = JSON.parse(readFileSync(join(root, "node_modules", p.name, "package.json"), "utf8"));
    if (!p.files.some((f) => f.path.startsWith("dist/"))) throw new Error(`${p.name} has no dist/ in its tarball: build it first (nx run-many -t build)`);
    const bin = typeof pkg.bin === "string" ? [p.name.split("/").pop()] : Object.keys(pkg.bin ?? {});
    return { name: p.name, version: p.version, file: p.filename, integrity, bytes: bytes.length, bin };
  });
  writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(tmp, out);
  for (const m of manifest) process.stdout.write(`${join(out, m.file)}: ${m.bytes} bytes, ${m.integrity.slice(0, 24)}…${m.bin.length ? `, bin ${m.bin.join(" ")}` : ""}\n`);
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`pack-notebook-packages: ${String(err.message ?? err).split("\n")[0]}\n`);
  process.exit(1);
}
