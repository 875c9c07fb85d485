// Scoring on two threads when the worker fails after claiming a chunk (a worker that dies): the
// calling thread scores that chunk too, and the scores are still model.scores' own.
import { describe, expect, it, vi } from "vitest";
import type { WorkerTask } from "../../src/pool.js";

vi.mock("../../src/pool.js", () => ({
  WorkerPool: {
    start: () => ({
      run: (task: WorkerTask) => {
        if (task.type !== "score") throw new Error(`unexpected task ${task.type}`);
        // claims the first chunk, then dies without scoring it
        Atomics.add(task.next, 0, 1);
        return Promise.reject(new Error("worker thread stopped (exit code 1) before finishing"));
      },
      close: () => Promise.resolve(),
    }),
  },
}));

const { trainRandomCutForest } = await import("../../src/models/randomcutforest/train.js");
const { PARALLEL_SCORE_MIN_ROWS, scoresOnTwoThreads } = await import("../../src/parallel-scores.js");

describe("scoresOnTwoThreads with a worker that dies", () => {
  it("scores the worker's chunk on this thread", async () => {
    const d = 4;
    const n = PARALLEL_SCORE_MIN_ROWS + 10;
    const data = new Float64Array(n * d).map((_, i) => Math.sin(i * 0.7) * 3);
    const { model } = trainRandomCutForest({ data: data.subarray(0, 2000 * d), rows: 2000, cols: d }, { seed: 1, hyperparameters: { num_trees: 50, num_samples_per_tree: 32 } });
    const got = await scoresOnTwoThreads(model, { data, rows: n, cols: d });
    expect(Array.from(got)).toEqual(Array.from(model.scores({ data, rows: n, cols: d })));
  });
});
