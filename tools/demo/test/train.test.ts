// The train stage: where each model trains on a machine of 1, 2 or more cores, the same models
// whichever thread trains them, and a model failing on its thread fails the stage in one line.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "@fraud/simulator";
import { DEFAULT_SPLIT, stratifiedSplit } from "@fraud/trainer";
import type { Dataset } from "@fraud/simulator";
import type { MetricsDocument } from "@fraud/trainer";
import { resolveOptions } from "../src/options.js";
import { trainingThreadAvailable } from "../src/training-thread.js";
import type { Reporter } from "../src/stages.js";
import { startTrainingThreads, trainModels, trainingPlaces } from "../src/stages/train.js";
import type { TrainedModels, TrainingPlaces } from "../src/stages/train.js";

const quiet: Reporter = { start() {}, progress() {}, end() {} };
let dir = "";
let splits: [Dataset, Dataset, Dataset];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "demo-train-"));
  const data = generateDataset({ rows: 20_000, seed: 3 });
  splits = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 3, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function train(out: string, places: TrainingPlaces): Promise<TrainedModels> {
  const o = resolveOptions({ rows: 20_000, seed: 3, out });
  const threads = startTrainingThreads(o, splits, places);
  return trainModels(o, { splits, files: [] }, quiet, {}, threads);
}

/** A metrics.json without the fields that measure time. */
function timeless(m: MetricsDocument): unknown {
  return JSON.parse(JSON.stringify(m, (k, v: unknown) => (/seconds$|^stages$/i.test(k) ? undefined : v)));
}

describe("the train stage", () => {
  it.each([
    [1, {}],
    [2, { randomcutforest: "thread", xgboost: "alone" }],
    [3, { randomcutforest: "thread", xgboost: "alone" }],
    [4, { randomcutforest: "thread" }],
    [16, { randomcutforest: "thread" }],
  ])("on %i cores trains the models where %j says (the others here)", (cores, places) => {
    expect(trainingPlaces(cores)).toEqual(places);
  });

  it("trains the same models on a thread of their own as on the calling thread", async () => {
    expect(trainingThreadAvailable()).toBe(true); // the built worker script (the test target builds first)
    const here = await train(join(dir, "here"), {});
    const threads = await train(join(dir, "threads"), { randomcutforest: "thread", xgboost: "thread" });
    expect(threads.served.algorithm).toBe(here.served.algorithm);
    for (const [a, b] of [...here.classifiers.map((c, i) => [c, threads.classifiers[i]!] as const), [here.detector, threads.detector] as const]) {
      expect(b.algorithm).toBe(a.algorithm);
      expect(b.testScores).toEqual(a.testScores);
      expect(timeless(b.metrics)).toEqual(timeless(a.metrics));
    }
  }, 120_000);

  it("fails the stage with the thread's reason when a model cannot be written there", async () => {
    const out = join(dir, "blocked");
    await mkdir(out);
    await writeFile(join(out, "model-rcf"), "a file where the model's folder goes");
    await expect(train(out, { randomcutforest: "thread", xgboost: "alone" })).rejects.toMatchObject({ code: "STAGE_FAILED", stage: "train", message: expect.stringContaining("model-rcf") });
  }, 120_000);
});
