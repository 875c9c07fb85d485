// Every stage of `fraud-train local` is timed: metrics.json carries the stages before the outputs
// are written, the result and --verbose all of them.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "@fraud/simulator";
import { runLocalTraining } from "../src/pipeline.js";
import { StageClock, formatStages } from "../src/stages.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-train-stages-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("stage timing", () => {
  it("times read, split, scale, train, the plug-in's finish, fingerprints, evaluate, operating points, report and archive", async () => {
    const data = generateDataset({ rows: 6000, seed: 5, fraudRate: 0.03 });
    const out = join(dir, "run");
    const { stages, metrics } = await runLocalTraining({ data, out, seed: 1, workers: 1, hyperparameters: { epochs: 2, num_models: 2 } });
    const before = ["read", "split", "scale", "train", "finish", "fingerprint", "evaluate", "operatingPoints", "report"];
    expect(Object.keys(stages)).toEqual([...before, "archive"]);
    for (const v of Object.values(stages)) expect(v).toBeGreaterThanOrEqual(0);
    expect(stages["scale"]! + stages["train"]!).toBeCloseTo(metrics.trainSeconds, 2);
    const written = JSON.parse(await readFile(join(out, "metrics.json"), "utf8")) as { stages: Record<string, number> };
    expect(Object.keys(written.stages)).toEqual(before);
  });

  it("scores the validation rows once: the anomaly detector's own validation scores are the ones evaluated", async () => {
    const data = generateDataset({ rows: 6000, seed: 2, fraudRate: 0.02 });
    const { trained, scores, metrics, stages } = await runLocalTraining({ data, out: join(dir, "rcf"), seed: 3, algorithm: "randomcutforest", hyperparameters: { num_trees: 50, num_samples_per_tree: 128 } });
    expect(trained.validationScores).toBeInstanceOf(Float64Array);
    // scoring them (and encoding the forest) is the plug-in's work after training, timed as `finish`
    expect(stages["finish"]).toBeGreaterThan(0);
    expect(scores.validation).toBe(trained.validationScores);
    expect(metrics.validation!.prAuc).toBeGreaterThan(0);
  });

  it("times SMOTE when it oversamples the training split", async () => {
    const data = generateDataset({ rows: 6000, seed: 5, fraudRate: 0.03 });
    const { stages } = await runLocalTraining({ data, out: join(dir, "smote"), seed: 1, workers: 1, smote: true, hyperparameters: { epochs: 2, num_models: 2 } });
    expect(Object.keys(stages).slice(0, 4)).toEqual(["read", "split", "smote", "scale"]);
  });

  it("adds up a stage timed twice and prints one line per stage and the total", () => {
    const clock = new StageClock();
    clock.add("read", 0.25);
    clock.add("read", 0.5);
    expect(clock.time("train", () => 7)).toBe(7);
    expect(clock.stages["read"]).toBe(0.75);
    expect(formatStages({ read: 0.75, train: 1.5 })).toBe("read  0.750 s\ntrain 1.500 s\ntotal 2.250 s");
  });
});
