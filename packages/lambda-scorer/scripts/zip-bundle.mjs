#!/usr/bin/env node
// Zips the Lambda bundle deterministically: sorted entries, fixed timestamps and permissions, so the
// same sources always give the same bytes (and the same Terraform source hash).
// Only index.mjs is deployed: the source map stays beside it in the bundle folder, for debugging
// stack traces locally, and is not shipped (it would more than double the zip).
// Usage: node scripts/zip-bundle.mjs <bundle-dir> <out.zip>
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { zipSync } from "fflate";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  process.stderr.write("zip-bundle: usage: zip-bundle.mjs <bundle-dir> <out.zip>\n");
  process.exit(2);
}
// fflate writes DOS time from local date parts: build the date from local parts so every time zone agrees.
const mtime = new Date(1980, 0, 1, 0, 0, 0);
const files = ["index.mjs"];
const entries = {};
try {
  for (const name of files) {
    entries[name] = [readFileSync(`${dir}/${name}`), { mtime, level: 9, os: 3, attrs: 0o100644 << 16 }];
  }
} catch (err) {
  process.stderr.write(`zip-bundle: ${err.message}\n`);
  process.exit(1);
}
const zip = zipSync(entries);
const tmp = `${out}.${process.pid}.tmp`;
writeFileSync(tmp, zip);
renameSync(tmp, out);
process.stdout.write(`${out}: ${zip.length} bytes (${files.map((f) => `${f} ${entries[f][0].length}`).join(", ")})\n`);
