// End to end: the built demo CLI on a small data set, with and without Firehose failures; its
// summary is checked against the GZIP objects it left behind.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, "../dist/bundle/cli.js");
const work: string[] = [];

async function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function gzLines(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith(".gz")) {
        for (const line of gunzipSync(await readFile(p)).toString("utf8").split("\n")) if (line) out.push(JSON.parse(line) as Record<string, unknown>);
      }
    }
  };
  await walk(dir);
  return out;
}

afterAll(async () => {
  for (const d of work) await rm(d, { recursive: true, force: true });
});

describe("npm start (the demo CLI)", () => {
  it.each([
    { failRate: 0, transactions: 400 },
    { failRate: 0.3, transactions: 300 },
  ])("runs the pipeline and delivers every transaction once (fail rate $failRate)", async ({ failRate, transactions }) => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), "demo-"));
    work.push(out);
    // Act
    const r = await demo(["--rows", "20000", "--transactions", String(transactions), "--fail-rate", String(failRate), "--seed", "7", "--out", out, "--json"]);
    // Assess
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const s = JSON.parse(lines.at(-1)!);
    expect(s.data).toMatchObject({ rows: 20000, source: "generated", seed: 7 });
    expect(s.data.frauds).toBe(Math.round(20000 * (492 / 284807)));
    expect(s.model.prAuc).toBeGreaterThan(0.3);
    expect(s.model.prAuc).toBeLessThanOrEqual(1);
    for (const k of ["precision", "recall", "threshold"]) expect(typeof s.model[k]).toBe("number");
    expect(s.model.criterion).toMatch(/^[a-z_]+: .+/);
    expect(s.stream).toMatchObject({ sent: transactions, delivered: transactions, lost: 0, duplicates: 0, failRate });
    expect(s.stream.throughputPerSecond).toBeGreaterThan(0);
    if (failRate > 0) expect(s.stream.retried).toBeGreaterThan(0);
    expect(existsSync(s.outputs.report)).toBe(true);
    expect(existsSync(s.outputs.model)).toBe(true);
    expect(s.outputs.recordio).toHaveLength(3);
    expect(s.outputs.firehoseDir).toBe(join(out, "s3", "fraud-detection/firehose/"));
    // the objects themselves: every transaction once, with a score and a label
    const records = await gzLines(s.outputs.firehoseDir);
    expect(records).toHaveLength(transactions);
    expect(new Set(records.map((x) => x["transactionId"])).size).toBe(transactions);
    for (const x of records) {
      expect(typeof x["score"]).toBe("number");
      expect([0, 1]).toContain(x["predictedLabel"]);
      expect(["Mobile", "Web", "Store"]).toContain(x["channel"]);
    }
    expect(records.filter((x) => x["predictedLabel"] === 1)).toHaveLength(s.stream.flagged);
    // both classifiers trained on the same split; the one of higher validation AP is served
    expect(Object.keys(s.models)).toEqual(["linear-learner", "xgboost"]);
    const served = Object.values(s.models as Record<string, { served: boolean; validationPrAuc: number; algorithm: string; prAuc: number }>).filter((m) => m.served);
    expect(served).toHaveLength(1);
    expect(served[0]!.validationPrAuc).toBe(Math.max(s.models["linear-learner"].validationPrAuc, s.models["xgboost"].validationPrAuc));
    expect(s.model).toMatchObject({ algorithm: served[0]!.algorithm, prAuc: served[0]!.prAuc });
    for (const m of Object.values(s.models as Record<string, Record<string, number>>)) for (const k of ["prAuc", "rocAuc", "precision", "recall", "threshold"]) expect(typeof m[k]).toBe("number");
    // the anomaly detector: its figures, the combined rule, and both scores on every record
    expect(s.anomaly).toMatchObject({ algorithm: "randomcutforest" });
    expect(s.anomaly.rocAuc).toBeGreaterThan(0.5);
    const c = s.anomaly.combined;
    expect(c.either.recall).toBeGreaterThanOrEqual(c.classifier.recall);
    expect(c.either.tp).toBe(c.classifier.tp + c.caughtByDetector);
    expect(c.missedByClassifier).toBe(c.classifier.fn);
    for (const x of records) {
      expect(typeof x["anomalyScore"]).toBe("number");
      // the summary rounds the threshold to 6 digits: scores that close to it are not judged
      if (Math.abs((x["anomalyScore"] as number) - s.anomaly.threshold) > 1e-5) expect(x["anomalous"]).toBe((x["anomalyScore"] as number) >= s.anomaly.threshold);
      expect(x["anomalyModelVersion"]).toBe("local-rcf-1");
    }
    expect(records.filter((x) => x["anomalous"] === true)).toHaveLength(s.stream.anomalous);
  }, 120_000);

  it("names the failing stage in one line and exits 1", async () => {
    const out = await mkdtemp(join(tmpdir(), "demo-"));
    work.push(out);
    const r = await demo(["--data", join(out, "missing.csv"), "--out", out, "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^fraud-demo: stage data failed: .*missing\.csv/);
  });

  it("fails the data stage when creditcard.csv cannot be written, after the stages that ran alongside", async () => {
    const out = await mkdtemp(join(tmpdir(), "demo-"));
    work.push(out);
    await mkdir(join(out, "creditcard.csv"));
    const r = await demo(["--rows", "20000", "--transactions", "10", "--out", out, "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^fraud-demo: stage data failed: cannot write .*creditcard\.csv/);
  });

  it.each([
    [["--transactions", "0"], 'transactions must be an integer from 1 to 1000000, got "0"'],
    [["--fail-rate", "1.5"], 'fail rate must be a number from 0 to below 1, got "1.5"'],
    [["--fail-rate", "1"], 'fail rate must be a number from 0 to below 1, got "1"'],
    [["--rows", "ten"], 'rows must be an integer from 1000 to 10000000, got "ten"'],
    [["--seed", ""], 'seed must be an integer from 0 to 2147483647, got ""'],
  ])("rejects bad options %j with exit 2", async (args, message) => {
    const r = await demo([...args, "--out", join(tmpdir(), "never-written")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
