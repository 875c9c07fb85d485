// The rcf-model.json artifact: round trip through the registry's loadModel, and hostile inputs
// refused quickly with typed errors (truncated, deep, huge declared counts, bad trees, other
// formats), and SageMaker-trained RCF artifacts refused with one clear line.
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { loadModel } from "../../src/models/registry.js";
import { RCF_MEMBER, RandomCutForestModel, decodeRcfMember, encodeRcfArtifact, encodeRcfMember, trainRandomCutForest } from "../../src/models/randomcutforest/index.js";
import { createRng } from "../../src/rng.js";
import { tarOf } from "../helpers/archives.js";

const rng = createRng(5, 0);
const rows = 400;
const cols = 4;
const data = Float64Array.from({ length: rows * cols }, () => rng.next() * 10 - 5);
const x = { data, rows, cols };
const { model } = trainRandomCutForest(x, { seed: 9, hyperparameters: { num_trees: 50, num_samples_per_tree: 64 } });
const member = encodeRcfMember(model.params);
const doc = (): Record<string, unknown> => JSON.parse(new TextDecoder().decode(member)) as Record<string, unknown>;
const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

async function artifactOf(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  return gzipSync(await tarOf([{ name, data: bytes }]));
}

async function loadError(bytes: Uint8Array): Promise<ModelError> {
  try {
    await loadModel(bytes, { name: "m.tar.gz" });
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error("loaded");
}

describe("round trip", () => {
  it("loadModel reads what encodeRcfArtifact writes, and scores exactly the same", async () => {
    const loaded = await loadModel(encodeRcfArtifact(model.params));
    expect(loaded).toBeInstanceOf(RandomCutForestModel);
    expect(loaded.describe()).toMatchObject({ algorithm: "randomcutforest", kind: "anomaly_detector", featureDim: cols, threshold: model.threshold, protocol: "randomcutforest" });
    expect(loaded.scores(x)).toEqual(model.scores(x));
    expect(loaded.predict(x)).toEqual(model.predict(x));
  });

  it("any trained forest survives encoding and decoding unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 64 }), fc.integer(), (n, d, k, seed) => {
        const r = createRng(seed, 1);
        const values = Float64Array.from({ length: n * d }, () => Math.round(r.next() * 8) / 2);
        const m = trainRandomCutForest({ data: values, rows: n, cols: d }, { seed, hyperparameters: { num_trees: 50, num_samples_per_tree: k } }).model;
        const back = decodeRcfMember(encodeRcfMember(m.params));
        expect(back.forest).toEqual(m.params.forest);
        expect(back.threshold).toBe(m.threshold);
        expect(new RandomCutForestModel(back).scores({ data: values, rows: n, cols: d })).toEqual(m.scores({ data: values, rows: n, cols: d }));
      }),
      { numRuns: 30 },
    );
  });
});

describe("hostile or foreign artifacts are refused with a typed one-line error", () => {
  it.each<[string, () => unknown, string, RegExp]>([
    ["not JSON", () => "{", "MODEL_CORRUPT", /^m\.tar\.gz: rcf-model\.json: invalid JSON: /],
    ["nested 100 deep", () => "[".repeat(100) + "]".repeat(100), "MODEL_CORRUPT", /^m\.tar\.gz: rcf-model\.json: JSON nested deeper than 8 levels$/],
    ["nested 1e6 deep", () => "[".repeat(1e6) + "]".repeat(1e6), "MODEL_CORRUPT", /JSON nested deeper than 8 levels$/],
    ["another format", () => ({ ...doc(), format: "other" }), "MODEL_UNSUPPORTED", /has format "other", expected "fraud-detection\/randomcutforest"$/],
    ["a later version", () => ({ ...doc(), version: 2 }), "MODEL_UNSUPPORTED", /version 2 is not supported \(this reader reads version 1\)$/],
    ["a huge declared node count", () => ({ ...doc(), nodes: 2 ** 40 }), "MODEL_TOO_LARGE", /declares nodes 1099511627776 \(more than \d+ fit in the member's bytes\)$/],
    ["a huge declared leaf count × features", () => ({ ...doc(), leaves: 100_000, featureDim: 100_000 }), "MODEL_TOO_LARGE", /declares (leaves|featureDim) 100000/],
    ["a negative count", () => ({ ...doc(), trees: -1 }), "MODEL_CORRUPT", /trees -1 is not a count$/],
    ["an array shorter than declared", () => ({ ...doc(), nodes: (doc()["nodes"] as number) + 2 }), "MODEL_CORRUPT", /arrays\.child holds \d+ base64 characters, \d+ int32 values need \d+$/],
    ["an array that is not base64", () => ({ ...doc(), arrays: { ...(doc()["arrays"] as object), cutDim: "!".repeat(((doc()["arrays"] as Record<string, string>)["cutDim"]!).length) } }), "MODEL_CORRUPT", /arrays\.cutDim is not base64$/],
    ["a missing threshold", () => ({ ...doc(), threshold: "high" }), "MODEL_CORRUPT", /threshold is not a finite number$/],
    ["a transform of the wrong length", () => ({ ...doc(), transform: { shift: [0], scale: [1] } }), "MODEL_CORRUPT", /transform\.shift is not a list of 4 finite numbers$/],
  ])("%s", async (_, make, code, message) => {
    const err = await loadError(await artifactOf(RCF_MEMBER, enc(make())));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
  });

  it("a cycle in a stored tree", async () => {
    const d = doc();
    const arrays = d["arrays"] as Record<string, string>;
    const child = new Int32Array(Buffer.from(arrays["child"]!, "base64").buffer.slice(0));
    child[1] = 0; // a node's children may not come before it
    arrays["child"] = Buffer.from(child.buffer).toString("base64");
    const err = await loadError(await artifactOf(RCF_MEMBER, enc(d)));
    expect(err.code).toBe("MODEL_CORRUPT");
    expect(err.message).toMatch(/^m\.tar\.gz: tree 0 node \d+ (has children|is not the child)/);
  });

  it("a truncated artifact", async () => {
    const bytes = encodeRcfArtifact(model.params);
    const err = await loadError(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(err.code).toBe("MODEL_CORRUPT");
  });

  it("random damage to the member is always a typed error or a valid model, quickly", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = Uint8Array.from(member);
        for (const [i, v] of edits) bytes[i % bytes.length] = v;
        const t0 = performance.now();
        try {
          new RandomCutForestModel(decodeRcfMember(bytes, "m.tar.gz"));
        } catch (err) {
          expect(err).toBeInstanceOf(ModelError);
          expect((err as ModelError).message).not.toContain("\n");
        }
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: 150 },
    );
  });
});

describe("SageMaker-trained randomcutforest artifacts", () => {
  it.each([
    ["a model_algo-1 naming the algorithm", enc('{"algorithm": "RandomCutForest", "num_samples_per_tree": 256}'), /^m\.tar\.gz: a randomcutforest model trained by SageMaker; randomcutforest models trained by SageMaker are served only by SageMaker/],
    ["an opaque model_algo-1 that is not a Linear Learner model", Uint8Array.of(0x80, 0x02, 0x7d, 0x71, 0x00), /^m\.tar\.gz: model_algo-1 is not a Linear Learner model \(.*randomcutforest models trained by SageMaker are served only by SageMaker\)/],
  ])("%s", async (_, bytes, message) => {
    const err = await loadError(await artifactOf("model_algo-1", bytes));
    expect(err.code).toBe("MODEL_UNSUPPORTED");
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
  });
});
