// Hostile artifacts: zip entries inflating far past their declared size, artifact JSON nested
// beyond any real model's, JSON entries over their cap. Each is refused with a typed error, and a
// child process that loads one stays near the memory of loading nothing.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "@fraud/trainer/model";
import { deepJson, hugeJson, inflationBomb } from "../helpers/hostile.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hostile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

function runLoad(path: string): Promise<{ code: string; maxRssMiB: number }> {
  const script = fileURLToPath(new URL("../helpers/load-model.ts", import.meta.url));
  const args = ["--conditions=@fraud/source", "--import", "tsx", script, path];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { code: string; maxRssMiB: number })));
  });
}

const CASES = [
  { name: "a symbol declaring 100 bytes that inflates to 1 GiB", make: () => inflationBomb(1024), code: "MODEL_CORRUPT", message: /^m: corrupt model_algo-1 zip \(entry "mx-mod-symbol\.json" inflates past its declared 100 bytes\)$/ },
  { name: "a symbol declaring 0 bytes that inflates to 64 MiB", make: () => inflationBomb(64, 0), code: "MODEL_CORRUPT", message: /inflates past its declared 0 bytes/ },
  { name: "a symbol nested 30,000 deep (59 KB)", make: () => deepJson(30_000), code: "MODEL_CORRUPT", message: /^m: mx-mod-symbol\.json is nested deeper than 64 levels$/ },
  { name: "additional-params.json nested 5,000 deep", make: () => deepJson(5_000, "additional-params.json"), code: "MODEL_CORRUPT", message: /^m: additional-params\.json is nested deeper than 64 levels$/ },
  { name: "manifest.json nested 65 deep", make: () => deepJson(65, "manifest.json"), code: "MODEL_CORRUPT", message: /^m: manifest\.json is nested deeper than 64 levels$/ },
  { name: "a 2 MiB symbol (over the 1 MiB JSON entry cap)", make: () => hugeJson(2), code: "MODEL_TOO_LARGE", message: /^m: mx-mod-symbol\.json declares 2097152 bytes \(limit 1048576\)$/ },
];

describe("hostile artifacts are refused with a typed error", () => {
  it.each(CASES)("$name → $code", async ({ make, code, message }) => {
    // Prepare
    const bytes = await make();
    expect(bytes.length).toBeLessThan(64 * 1024);
    // Act
    const err = await errorOf(loadModel(bytes, { name: "m" }));
    // Assess
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it("loads a symbol nested 64 deep as far as the JSON reader goes (then refuses the graph)", async () => {
    const err = await errorOf(loadModel(await deepJson(63), { name: "m" }));
    expect(err).toMatchObject({ code: "MODEL_CORRUPT", message: 'm: mx-mod-symbol.json has no valid "nodes" list' });
  });

  it("any entry inflating past its declared size is corrupt, whatever the sizes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4096 }), async (mib, declared) => {
        const err = await errorOf(loadModel(await inflationBomb(mib, declared), { name: "m" }));
        expect(err.code).toBe("MODEL_CORRUPT");
        expect(err.message).toContain(`inflates past its declared ${declared} bytes`);
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    { name: "1 GiB inflation bomb", make: () => inflationBomb(1024) },
    { name: "symbol nested 30,000 deep", make: () => deepJson(30_000) },
  ])("a process loading the $name stays within 200 MiB of loading nothing", async ({ name, make }) => {
    const path = join(dir, `${name.replace(/\W+/g, "-")}.tar.gz`);
    await writeFile(path, await make());
    const child = await runLoad(path);
    const baseline = await runLoad(join(dir, "absent.tar.gz"));
    expect(child.code).not.toBe("OK");
    expect(baseline.code).toBe("MODEL_NOT_FOUND");
    expect(child.maxRssMiB - baseline.maxRssMiB).toBeLessThan(200);
  });
});
