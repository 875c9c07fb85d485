// Times `synth` the way `nx run infra:synth` runs it: a fresh Node process that imports the
// built package (cdktf + the provider modules used) and synthesizes every environment.
// Prints one JSON line per case: {"case", "seconds"}.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "fraud-infra-bench-"));
const zip = join(dir, "lambda.zip");
// An empty zip is enough: synth hashes and copies the file, it does not read it.
writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
const cases = {
  "synth-1-env-foundation": { lambda: { zipPath: zip } },
  "synth-1-env": { lambda: { zipPath: zip }, model: { dataUrl: "s3://bkt/m/model.tar.gz" } },
  "synth-2-envs-all-options": {
    lambda: { zipPath: zip, functionUrl: { enabled: true } },
    model: { dataUrl: "s3://bkt/m/model.tar.gz" },
    notebook: { enabled: true },
    environments: { dev: { endpoint: { mode: "serverless" } }, prod: { endpoint: { autoscaling: { enabled: true } }, buckets: { encryption: "kms" } } },
  },
};
try {
  for (const [name, config] of Object.entries(cases)) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(config));
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, ["bin/fraud-infra.js", "synth", "--config", file, "--out", join(dir, "out")], { stdio: "ignore" });
      runs.push((performance.now() - t0) / 1000);
    }
    runs.sort((a, b) => a - b);
    console.log(JSON.stringify({ case: name, seconds: Number(runs[1].toFixed(3)), runs: runs.map((r) => Number(r.toFixed(3))) }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
