// Hostile artifacts, measured: for each, the time `loadModel` takes to refuse it (in this process,
// best of 5) and the peak RSS of a child process that loads it, against a child that loads nothing.
// Run: node --conditions=@fraud/source --import tsx bench/hostile.ts
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadModel } from "@fraud/trainer/model";
import { deepJson, hugeJson, inflationBomb } from "../test/helpers/hostile.js";

const CASES: [string, () => Promise<Uint8Array>][] = [
  ["zip entry declaring 100 B, inflating to 1 GiB", () => inflationBomb(1024)],
  ["zip entry declaring 100 B, inflating to 4 GiB", () => inflationBomb(4096)],
  ["mx-mod-symbol.json nested 2,250 deep (4.5 KB)", () => deepJson(2_250)],
  ["mx-mod-symbol.json nested 30,000 deep (59 KB)", () => deepJson(30_000)],
  ["mx-mod-symbol.json of 2 MiB (over the JSON entry cap)", () => hugeJson(2)],
];

const script = fileURLToPath(new URL("../test/helpers/load-model.ts", import.meta.url));
const child = (path: string): { code: string; maxRssMiB: number } =>
  JSON.parse(execFileSync(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", script, path], { encoding: "utf8" })) as { code: string; maxRssMiB: number };

const dir = await mkdtemp(join(tmpdir(), "hostile-bench-"));
try {
  const baseline = child(join(dir, "absent.tar.gz"));
  for (const [name, make] of CASES) {
    const bytes = await make();
    const path = join(dir, "model.tar.gz");
    await writeFile(path, bytes);
    let best = Infinity;
    let code = "OK";
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      code = await loadModel(bytes).then(
        () => "OK",
        (e: { code?: string }) => e.code ?? "?",
      );
      best = Math.min(best, performance.now() - t);
    }
    const c = child(path);
    process.stdout.write(`${JSON.stringify({ case: name, bytes: bytes.length, code, ms: Number(best.toFixed(1)), childCode: c.code, rssAboveBaselineMiB: c.maxRssMiB - baseline.maxRssMiB, load1: Number(loadavg()[0]!.toFixed(2)) })}\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
