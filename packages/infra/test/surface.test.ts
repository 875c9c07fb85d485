// The package's two entries: `@fraud/infra` (constructs, stack, configuration) stays small and
// never reaches the AWS SDK; `@fraud/infra/deploy` holds the deploy application.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = resolve(root, "../..");

/** The file an `@fraud/*` specifier resolves to under the `@fraud/source` condition. */
function workspaceFile(specifier: string): string | undefined {
  const m = /^(@fraud\/[^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return undefined;
  const dir = [join(workspace, "packages", m[1]!.slice(7)), join(workspace, "tools", m[1]!.slice(7))].find((d) => existsSync(join(d, "package.json")));
  if (!dir) return undefined;
  const exports = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports: Record<string, { "@fraud/source"?: string }> }).exports;
  const source = exports[`.${m[2] ?? ""}`]?.["@fraud/source"];
  return source ? join(dir, source) : undefined;
}

/** Every source file reachable by static imports (type-only imports excluded) and the npm packages they import. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (spec.startsWith("node:")) continue;
      else {
        const local = workspaceFile(spec);
        if (local) visit(local);
        else packages.add(/^(@[^/]+\/[^/]+|[^/]+)/.exec(spec)![1]!);
      }
    }
  };
  visit(entry);
  return { files, packages };
}

/** A package and its dependencies, transitively. */
function closure(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    const pkg = join(workspace, "node_modules", name, "package.json");
    if (!existsSync(pkg)) return;
    for (const d of Object.keys((JSON.parse(readFileSync(pkg, "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {})) visit(d);
  };
  for (const n of names) visit(n);
  return out;
}

describe("@fraud/infra (the library entry)", () => {
  it("exports at most 40 runtime values", async () => {
    const names = Object.keys(await import("@fraud/infra"));
    expect(names.length, names.join(", ")).toBeLessThanOrEqual(40);
    expect(names).toEqual(expect.arrayContaining(["FraudDetectionStack", "loadConfig", "resolveConfig", "Storage", "Scorer"]));
    expect(names).not.toEqual(expect.arrayContaining(["runDeploy"]));
  });

  it("reaches no AWS SDK module, no deploy code and no CLI through its imports", () => {
    const { files, packages } = importGraph(join(root, "src/index.ts"));
    const reached = [...closure(packages)];
    expect(reached.filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@smithy/") || p === "commander")).toEqual([]);
    const own = [...files].filter((f) => f.startsWith(join(root, "src"))).map((f) => f.slice(root.length + 1));
    expect(own.filter((f) => f.startsWith("src/deploy") || ["src/command.ts", "src/cli.ts", "src/terraform.ts", "src/synth.ts"].includes(f))).toEqual([]);
    expect(own).toContain("src/stack.ts");
  });

  it("the check sees the SDK where it is: the deploy entry reaches it", () => {
    const { packages } = importGraph(join(root, "src/deploy.ts"));
    expect([...closure(packages)].some((p) => p.startsWith("@aws-sdk/"))).toBe(true);
  });
});

describe("@fraud/infra/deploy (the application entry)", () => {
  it("holds the deploy, the Terraform runner, synthesis and the CLI", async () => {
    const names = Object.keys(await import("@fraud/infra/deploy"));
    expect(names).toEqual(expect.arrayContaining(["runDeploy", "runPlan", "runDestroy", "Terraform", "synthesize", "runCli"]));
  });

  it("is in the package's exports map, with types, and the bin runs the built CLI", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, Record<string, string>>; bin: Record<string, string> };
    expect(Object.keys(pkg.exports["./deploy"]!)).toEqual(["@fraud/source", "types", "default"]);
    expect(pkg.exports["./deploy"]!["default"]).toBe("./dist/deploy.js");
    expect(readFileSync(join(root, pkg.bin["fraud-infra"]!), "utf8")).toContain("../dist/cli.js");
    const typedoc = JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8")) as { entryPoints: string[] };
    expect(typedoc.entryPoints).toEqual(["src/index.ts", "src/deploy.ts"]);
  });
});
