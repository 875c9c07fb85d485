// The AWS domain names have one home: no source file outside this package writes one.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

describe("one home for AWS domain names", () => {
  it("no package or tool source outside @fraud/contracts writes amazonaws.com", () => {
    const roots = ["packages", "tools"].flatMap((top) => readdirSync(join(workspace, top)).map((p) => join(workspace, top, p)));
    const files = roots.filter((r) => !r.endsWith(join("packages", "contracts"))).flatMap((r) => ["src", "bin"].map((d) => join(r, d))).filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    }).flatMap(sources);
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => /amazonaws\.com/.test(readFileSync(f, "utf8"))).map((f) => relative(workspace, f));
    expect(offenders).toEqual([]);
  });
});
