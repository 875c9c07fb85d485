// Scoring on two threads (src/parallel-scores.ts): the same scores as model.scores on one thread,
// bit for bit, whatever the input's element type and buffer; bad matrices refused as model.scores
// refuses them (parallel-failure.test.ts: a worker that fails).
import { describe, expect, it } from "vitest";
import { trainRandomCutForest } from "../../src/models/randomcutforest/train.js";
import { RandomCutForestModel } from "../../src/models/randomcutforest/model.js";
import { PARALLEL_SCORE_MIN_ROWS, scoreClaimedChunks, scoreOnTwoThreads, scoresOnTwoThreads } from "../../src/parallel-scores.js";
import type { SharedScoring } from "../../src/parallel-scores.js";
import { createRng } from "../../src/rng.js";

const D = 6;

function rows(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n * D);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.1 ? rng.int(3) : (rng.next() - 0.5) * 8;
  return out;
}

const train = rows(4000, 1);
const { model } = trainRandomCutForest({ data: train, rows: 4000, cols: D }, { seed: 3, hyperparameters: { num_trees: 50, num_samples_per_tree: 64 } });
// past the threshold, and not a whole number of chunks
const n = PARALLEL_SCORE_MIN_ROWS + 4097;
const data = rows(n, 2);
const expected = model.scores({ data, rows: n, cols: D });

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("scoresOnTwoThreads", () => {
  it.each([
    ["Float64Array", () => data],
    ["Float32Array", () => new Float32Array(data)],
    ["Float64Array in shared memory", () => {
      const s = new Float64Array(new SharedArrayBuffer(data.byteLength));
      s.set(data);
      return s;
    }],
  ])("gives model.scores' scores for a %s", async (_, input) => {
    const x = input();
    const got = await scoresOnTwoThreads(model, { data: x, rows: n, cols: D }, { fromWorker: true });
    expect(sameBits(got, model.scores({ data: x, rows: n, cols: D }))).toBe(true);
    expect(got.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it("shares the chunks with a real worker: the scores it writes are the one-thread scores", async () => {
    // This thread's first chunk takes 3 s, time for the worker to start and score the others.
    class SlowFirstChunk extends RandomCutForestModel {
      first = true;
      override scores(m: { data: Float64Array | Float32Array; rows: number; cols: number }): Float64Array {
        if (this.first) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
        this.first = false;
        return super.scores(m);
      }
    }
    const slow = new SlowFirstChunk(model.params, {}, "model.tar.gz", model.forest);
    const got = await scoreOnTwoThreads(slow, { data, rows: n, cols: D }, { fromWorker: true });
    expect(got.worker).toBeGreaterThan(0);
    expect(got.here + got.worker).toBe(Math.ceil(n / 4096));
    expect(sameBits(got.scores, expected)).toBe(true);
  });

  it("scores a small set on this thread, the same scores", async () => {
    const got = await scoresOnTwoThreads(model, { data: data.subarray(0, 100 * D), rows: 100, cols: D }, { fromWorker: true });
    expect(sameBits(got, expected.subarray(0, 100))).toBe(true);
  });

  it.each([
    ["a wrong feature count", { data, rows: n, cols: D + 1 }],
    ["too few values", { data: data.subarray(1), rows: n, cols: D }],
  ])("refuses %s as model.scores does", async (_, m) => {
    await expect(scoresOnTwoThreads(model, m, { fromWorker: true })).rejects.toMatchObject({ code: "BAD_FEATURE_COUNT" });
  });

  it("a worker's part: the forest rebuilt from its parameters scores the chunks left, into the shared scores", () => {
    const chunkRows = 1000;
    const chunks = Math.ceil(n / chunkRows);
    const job: SharedScoring = {
      model: { algorithm: "randomcutforest", params: model.params },
      data,
      rows: n,
      cols: D,
      chunkRows,
      out: new Float64Array(new SharedArrayBuffer(8 * n)),
      next: new Int32Array(new SharedArrayBuffer(4)),
      done: new Uint8Array(new SharedArrayBuffer(chunks)),
    };
    Atomics.store(job.next, 0, 3); // chunks 0–2 claimed by the other thread
    expect(scoreClaimedChunks(job)).toBe(chunks - 3);
    expect(Array.from(job.done)).toEqual(Array.from({ length: chunks }, (_, c) => (c < 3 ? 0 : 1)));
    expect(sameBits(job.out.subarray(3 * chunkRows), expected.subarray(3 * chunkRows))).toBe(true);
    expect(job.out.subarray(0, 3 * chunkRows).every((v) => v === 0)).toBe(true);
  });
});
