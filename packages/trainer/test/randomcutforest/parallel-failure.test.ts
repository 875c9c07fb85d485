// Scoring on two threads when the worker fails after claiming a chunk (a worker that dies), or
// cannot start at all (no worker script): the calling thread scores what is left, and the scores
// are still model.scores' own.
import { describe, expect, it, vi } from "vitest";
import type { WorkerTask } from "../../src/pool.js";

const worker = vi.hoisted(() => ({ mode: "dies" as "dies" | "cannot start", started: 0 }));

vi.mock("../../src/pool.js", () => ({
  WorkerPool: {
    start: () => {
      if (worker.mode === "cannot start") throw new Error("cannot find the trainer's worker script");
      worker.started++;
      return {
        run: (task: WorkerTask) => {
          if (task.type !== "score") throw new Error(`unexpected task ${task.type}`);
          // claims the first chunk, then dies without scoring it
          Atomics.add(task.next, 0, 1);
          return Promise.reject(new Error("worker thread stopped (exit code 1) before finishing"));
        },
        close: () => Promise.resolve(),
      };
    },
  },
}));

const { trainRandomCutForest } = await import("../../src/models/randomcutforest/train.js");
const { PARALLEL_SCORE_MIN_ROWS, scoreOnTwoThreads } = await import("../../src/parallel-scores.js");

const d = 4;
const n = PARALLEL_SCORE_MIN_ROWS + 10;
const data = new Float64Array(n * d).map((_, i) => Math.sin(i * 0.7) * 3);
const { model } = trainRandomCutForest({ data: data.subarray(0, 2000 * d), rows: 2000, cols: d }, { seed: 1, hyperparameters: { num_trees: 50, num_samples_per_tree: 32 } });

describe("scoresOnTwoThreads without a working worker", () => {
  it.each(["dies", "cannot start"] as const)("scores every row on this thread when the worker %s", async (mode) => {
    worker.mode = mode;
    const started = worker.started;
    const got = await scoreOnTwoThreads(model, { data, rows: n, cols: d }, { fromWorker: true });
    expect(Array.from(got.scores)).toEqual(Array.from(model.scores({ data, rows: n, cols: d })));
    expect(got).toMatchObject({ here: Math.ceil(n / 4096), worker: 0 });
    expect(worker.started - started).toBe(mode === "dies" ? 1 : 0);
  });
});
