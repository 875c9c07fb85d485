// `fraud-train local` with the randomcutforest training plug-in: the generic pipeline trains on the
// features, writes model.tar.gz, metrics.json (ROC AUC and AP of the anomaly score) and a report,
// and the written model loads back through the registry and scores the same.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "@fraud/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/models/registry.js";
import { trainingPlugin } from "../../src/models/training.js";
import { runLocalTraining } from "../../src/pipeline.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "trainer-rcf-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("randomcutforest through the training pipeline", () => {
  it("is registered as an unsupervised training plug-in", () => {
    const p = trainingPlugin("randomcutforest");
    expect(p.supervised).toBe(false);
    expect(p.parseHyperparameters({})).toMatchObject({ num_trees: 100, num_samples_per_tree: 256 });
    expect(() => p.parseHyperparameters({ num_trees: 10 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: "hyperparameter num_trees=10 is not valid: must be an integer in [50, 1000]" }));
  });

  it("writes a model, metrics and a report; the model loads back and scores the same", async () => {
    const data = generateDataset({ rows: 6000, seed: 2, fraudRate: 0.02 });
    const out = join(dir, "run");
    const { trained, metrics } = await runLocalTraining({ data, out, seed: 3, algorithm: "randomcutforest", hyperparameters: { num_trees: 50, num_samples_per_tree: 128 } });
    const doc = JSON.parse(await readFile(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    expect(doc["algorithm"]).toBe("randomcutforest");
    expect(doc["threshold"]).toBe(trained.model.threshold);
    const test = doc["test"] as Record<string, number>;
    expect(test["rocAuc"]).toBeGreaterThan(0.8);
    expect(test["prAuc"]).toBeGreaterThan(0);
    expect(doc["evalMetrics"]).toMatchObject({ set: "validation" });
    expect(metrics).toBeDefined();
    expect((await readFile(join(out, "report.html"), "utf8")).length).toBeGreaterThan(1000);
    const loaded = await loadModel(join(out, "model.tar.gz"));
    expect(loaded.describe()).toMatchObject({ algorithm: "randomcutforest", kind: "anomaly_detector", featureDim: 30 });
    const rows = { data: data.features.subarray(0, 300 * 30), rows: 300, cols: 30 };
    expect(loaded.scores(rows)).toEqual(trained.model.scores(rows));
  });
});
