// Model artifacts: real SageMaker Linear Learner model.tar.gz files (read in place when present),
// our own writer, and malformed or foreign inputs.
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { ModelError, createModel, decodeModelArtifact, decodeNDArrayList, encodeModelArtifact, encodeNDArrayList, loadLinearLearnerModel as loadModel, writeModelArtifact } from "@fraud/trainer/model";
import type { ModelErrorCode } from "@fraud/trainer/model";
import { modelFromArtifact } from "../../src/models/linear-learner/artifact.js";
import { modelFiles, tarOf, targzOf, text, untar } from "../helpers/archives.js";
import { HAVE_REAL, REAL_MODELS, REAL_SKIP_NOTE, realBytes, realExpected, realFile, ruleRows } from "../helpers/linear-learner.js";

interface ExpectedRow {
  row: number;
  score: number;
  predicted_label?: number;
}
interface Expected {
  "additional-params.json": { threshold: number; predictor_type: string; loss_type: string };
  params: { arrays: { name: string; shape: number[]; values?: number[][] | number[] }[] };
  predictions: { width: number; predictor_type: string; rows: ExpectedRow[]; rows_scaled_0_01: ExpectedRow[] };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: ModelErrorCode; message: string }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    const e = err as ModelError;
    return { code: e.code, message: e.message };
  }
  throw new Error("expected a ModelError");
}

describe.skipIf(!HAVE_REAL)(`real SageMaker Linear Learner artifacts${REAL_SKIP_NOTE}`, () => {
  it.each(REAL_MODELS)("%s loads and scores like expected.json", async (name) => {
    // Prepare
    const expected = realExpected<Expected>(name);
    const file = realFile(name);
    // Act
    const model = await loadModel(file);
    // Assess
    const ap = expected["additional-params.json"];
    expect(model.predictorType).toBe(ap.predictor_type);
    expect(model.threshold).toBe(ap.threshold);
    expect(model.lossType).toBe(ap.loss_type);
    expect(model.featureDim).toBe(expected.predictions.width);
    const w = expected.params.arrays.find((a) => a.name === "arg:fc0_weight")!;
    if (w.values) expect(Array.from(model.weights)).toEqual((w.values as number[][]).map((r) => r[0]));
    for (const [rows, exp] of [
      [ruleRows(model.featureDim, 1), expected.predictions.rows],
      [ruleRows(model.featureDim, 0.01), expected.predictions.rows_scaled_0_01],
    ] as const) {
      const got = model.predict(rows);
      expect(got).toHaveLength(5);
      got.forEach((p, i) => {
        const e = exp[i]!;
        expect(Math.abs(p.score - e.score)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e.score)));
        if (model.predictorType === "binary_classifier") expect(p.predictedLabel).toBe(e.predicted_label);
        else expect(p).not.toHaveProperty("predictedLabel");
      });
    }
  });

  it.each(REAL_MODELS)("%s loads from bytes, and its bare model_algo-1 zip loads too", async (name) => {
    const bytes = realBytes(name);
    const fromPath = await loadModel(realFile(name));
    const fromBytes = await loadModel(bytes);
    expect(fromBytes.weights).toEqual(fromPath.weights);
    const [member] = (await untar(gunzipSync(bytes))).filter((m) => m.name.endsWith("model_algo-1"));
    const fromZip = await loadModel(member!.data);
    expect(fromZip.bias).toBe(fromPath.bias);
  });

  it("the attrition artifact's arrays are V2, dense float32 on cpu(0), weight then bias", async () => {
    const art = await decodeModelArtifact(realBytes("attrition-binary"));
    expect(art.arrays.map((a) => [a.name, a.version, a.storage, a.dtype, a.shape, a.context])).toEqual([
      ["arg:fc0_weight", "V2", "default", "float32", [20, 1], { devType: 1, devId: 0 }],
      ["arg:fc0_bias", "V2", "default", "float32", [1, 1], { devType: 1, devId: 0 }],
    ]);
    expect(art.ops).toEqual(["null", "null", "dot", "null", "broadcast_add", "null", "LogisticRegressionOutput"]);
  });

  it("rejects the Factorization Machines model, and still decodes its row_sparse params", async () => {
    const file = realFile("OTHER-fm-movielens-regressor");
    const { code, message } = await codeOf(loadModel(file));
    expect(code).toBe("MODEL_UNSUPPORTED");
    expect(message).toBe(`${file}: a SageMaker Factorization Machines model (meta.json, symbol.json, params), not Linear Learner`);
    // The FM params are the only real row_sparse NDArrays: decode them and compare to expected.json.
    const [member] = await untar(gunzipSync(readFileSync(file)));
    const params = unzipSync(member!.data)["params"]!;
    const arrays = decodeNDArrayList(params);
    const exp = realExpected<{ params: { arrays: { name: string; shape: number[]; storage_type: string; stats: { sum: number } }[] } }>("OTHER-fm-movielens-regressor");
    expect(arrays.map((a) => [a.name, a.storage, a.shape])).toEqual(exp.params.arrays.map((a) => [a.name, a.storage_type, a.shape]));
    arrays.forEach((a, i) => {
      const sum = a.values.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - exp.params.arrays[i]!.stats.sum)).toBeLessThan(1e-6 * Math.max(1, Math.abs(sum)));
    });
  });
});

describe("writeModelArtifact", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes Linear Learner's layout: one tar member, a stored zip, V2 params named arg:*, bias (1, 1)", async () => {
    const bytes = await encodeModelArtifact({ predictorType: "binary_classifier", weights: [0.5, -0.25, 2], bias: 0.125, threshold: 0.3 });
    const members = await untar(gunzipSync(bytes));
    expect(members.map((m) => [m.name, m.uid])).toEqual([["model_algo-1", 0]]);
    const files = unzipSync(members[0]!.data);
    expect(Object.keys(files)).toEqual(["additional-params.json", "mx-mod-0000.params", "manifest.json", "mx-mod-symbol.json"]);
    expect(text(files["additional-params.json"])).toBe(
      '{"threshold": 0.3, "loss_type": "logistic", "predictor_type": "binary_classifier", "metrics_params": {"quantile": null, "huber_delta": null, "margin": null, ' +
        '"loss_insensitivity": null, "eps_insensitive_loss_type": null, "accuracy_top_k": 3, "f_beta": 1.0, "positive_example_weight_mult": 1.0, "class_weights": null, "threshold": 0.3}}',
    );
    expect(text(files["manifest.json"])).toBe('{"mx-mod": "mxnet_module", "additional-params.json": "json", "version": 1}');
    const arrays = decodeNDArrayList(files["mx-mod-0000.params"]!);
    expect(arrays.map((a) => [a.name, a.version, a.dtype, a.shape, Array.from(a.values)])).toEqual([
      ["arg:fc0_weight", "V2", "float32", [3, 1], [0.5, -0.25, 2]],
      ["arg:fc0_bias", "V2", "float32", [1, 1], [0.125]],
    ]);
    const symbol = JSON.parse(text(files["mx-mod-symbol.json"])) as { nodes: { op: string; attrs?: Record<string, string> }[] };
    expect(symbol.nodes.map((n) => n.op)).toEqual(["null", "null", "dot", "null", "broadcast_add", "null", "LogisticRegressionOutput"]);
    expect(symbol.nodes[1]!.attrs).toEqual({ __shape__: "(3, 1)" });
    expect(symbol.nodes[3]!.attrs).toEqual({ __lr_mult__: "10.0", __shape__: "(1, 1)" });
  });

  it("is deterministic, whatever the time zone, and can still write the (1,) bias of earlier versions", async () => {
    const input = { predictorType: "regressor" as const, weights: [1, 2], bias: 3 };
    const a = await encodeModelArtifact(input);
    expect(Buffer.from(await encodeModelArtifact(input)).equals(Buffer.from(a))).toBe(true);
    const art = await decodeModelArtifact(a);
    expect(art.arrays[1]!.shape).toEqual([1, 1]);
    expect(art.ops.at(-1)).toBe("LinearRegressionOutput");
    const legacy = await decodeModelArtifact(await encodeModelArtifact({ ...input, biasShape: [1] }));
    expect(legacy.arrays[1]!.shape).toEqual([1]);
    expect(modelFromArtifact(legacy).bias).toBe(3);
  });

  it("round-trips any model through a file (property)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "trainer-artifact-"));
    dirs.push(dir);
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(f32, { minLength: 1, maxLength: 40 }),
        f32,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom("binary_classifier" as const, "regressor" as const),
        async (weights, bias, threshold, predictorType) => {
          const path = join(dir, "model.tar.gz");
          await writeModelArtifact(path, { weights, bias, threshold, predictorType });
          const m = await loadModel(path);
          expect(Array.from(m.weights)).toEqual(weights.map((x) => (Object.is(x, -0) ? -0 : x)));
          expect(m.bias).toBe(bias);
          expect(m.threshold).toBe(threshold);
          expect(m.predictorType).toBe(predictorType);
          const row = weights.map((_, j) => (j % 3) - 1);
          const direct = createModel({ predictorType, weights, bias, threshold }).predict([row]);
          expect(m.predict([row])).toEqual(direct);
        },
      ),
      { numRuns: 40 },
    );
    expect(await readdir(dir)).toEqual(["model.tar.gz"]);
  });

  it.each([
    [{ weights: [], bias: 0 }, "a model needs at least one weight"],
    [{ weights: [1, NaN], bias: 0 }, "weight 1 is not finite: NaN"],
    [{ weights: [1], bias: Infinity }, "bias is not finite: Infinity"],
    [{ weights: [1], bias: 0, threshold: 1.5 }, "threshold 1.5 is outside [0, 1]"],
    [{ weights: [1], bias: 0, mtime: new Date(Date.UTC(1979, 11, 31)) }, "mtime 1979-12-31T00:00:00.000Z is outside 1980-2099"],
    [{ weights: [1], bias: 0, nodeSuffix: -1 }, "nodeSuffix must be a non-negative integer, got -1"],
  ])("rejects %j", async (input, message) => {
    const err = await codeOf(encodeModelArtifact({ predictorType: "binary_classifier", ...input }));
    expect(err).toEqual({ code: "INVALID_ARGUMENT", message });
  });
});

describe("predict", () => {
  const model = createModel({ predictorType: "binary_classifier", weights: [1, -2], bias: 0.5, threshold: 0.6 });
  it("accepts rows and a row-major matrix alike, labels with score >= threshold", () => {
    const rows = [
      [0, 0],
      [1, 0],
      [0, 1],
    ];
    const p = model.predict(rows);
    expect(model.predict({ data: new Float32Array(rows.flat()), rows: 3 })).toEqual(p);
    expect(p.map((x) => x.predictedLabel)).toEqual([1, 1, 0]);
    expect(p[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
    const edge = createModel({ predictorType: "binary_classifier", weights: [1], bias: 0, threshold: 0.5 });
    expect(edge.predict([[0]])).toEqual([{ score: 0.5, predictedLabel: 1 }]);
  });
  it.each([
    [[[1, 2, 3]], "row 0 has 3 features, the model expects 2"],
    [[[1, 2], [1]], "row 1 has 1 features, the model expects 2"],
    [{ data: [1, 2, 3], rows: 2 }, "matrix of 3 values is not 2 rows of 2 features"],
  ])("rejects %j with BAD_FEATURE_COUNT", (input, message) => {
    expect(() => model.predict(input)).toThrow(expect.objectContaining({ code: "BAD_FEATURE_COUNT", message }));
  });
});

describe("corrupt and foreign artifacts", () => {
  const enc = new TextEncoder();
  const ll = targzOf;
  const good = async (): Promise<Record<string, Uint8Array>> => modelFiles(await encodeModelArtifact({ predictorType: "binary_classifier", weights: [1, 2], bias: 0 }));
  const symbolWith = (files: Record<string, Uint8Array>, from: string, to: string): string => text(files["mx-mod-symbol.json"]).replace(from, to);

  const cases: [string, () => Promise<Uint8Array>, ModelErrorCode, string][] = [
    ["random bytes", async () => enc.encode("hello, this is not a model"), "MODEL_CORRUPT", "m: not a model.tar.gz (neither gzip-compressed tar, tar nor zip)"],
    ["truncated gzip", async () => (await encodeModelArtifact({ predictorType: "regressor", weights: [1], bias: 0 })).subarray(0, 40), "MODEL_CORRUPT", "m: corrupt gzip data"],
    ["gzip of text", async () => gzipSync(enc.encode("x".repeat(600))), "MODEL_CORRUPT", "m: not a model.tar.gz"],
    ["tar without model_algo-1", async () => gzipSync(await tarOf([{ name: "other.txt", data: enc.encode("x") }])), "MODEL_UNSUPPORTED", 'm: no model_algo-1 member at the archive root (members: "other.txt")'],
    [
      "bare NDArray list (PCA / k-means)",
      async () => gzipSync(await tarOf([{ name: "model_algo-1", data: Uint8Array.from([0x12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }])),
      "MODEL_UNSUPPORTED",
      "m: not a Linear Learner artifact: model_algo-1 is a bare MXNet NDArray list (as written by PCA or k-means)",
    ],
    ["zip without the symbol", async () => ll({ "mx-mod-0000.params": (await good())["mx-mod-0000.params"]! }), "MODEL_UNSUPPORTED", 'm: not a Linear Learner artifact: model_algo-1 holds ["mx-mod-0000.params"], expected mx-mod-symbol.json and mx-mod-0000.params'],
    ["symbol not JSON", async () => ll({ ...(await good()), "mx-mod-symbol.json": "{nope" }), "MODEL_CORRUPT", "m: mx-mod-symbol.json is not valid JSON"],
    ["multiclass symbol", async () => { const g = await good(); return ll({ ...g, "mx-mod-symbol.json": symbolWith(g, "LogisticRegressionOutput", "SoftmaxOutput") }); }, "MODEL_UNSUPPORTED", "m: a multiclass Linear Learner model (SoftmaxOutput) is not supported"],
    ["unknown head op", async () => { const g = await good(); return ll({ ...g, "mx-mod-symbol.json": symbolWith(g, "LogisticRegressionOutput", "MakeLoss") }); }, "MODEL_UNSUPPORTED", "m: unsupported symbol output op MakeLoss"],
    ["predictor type disagrees", async () => ll({ ...(await good()), "additional-params.json": '{"threshold": 0.5, "predictor_type": "regressor"}' }), "MODEL_CORRUPT", 'm: additional-params.json says predictor_type "regressor" but the symbol\'s output is LogisticRegressionOutput'],
    ["threshold out of range", async () => ll({ ...(await good()), "additional-params.json": '{"threshold": 7}' }), "MODEL_CORRUPT", "m: additional-params.json threshold 7 is not a number in [0, 1]"],
    ["params truncated", async () => { const g = await good(); return ll({ ...g, "mx-mod-0000.params": g["mx-mod-0000.params"]!.subarray(0, 50) }); }, "MODEL_CORRUPT", "m: mx-mod-0000.params: truncated NDArray data"],
    ["params without bias", async () => ll({ ...(await good()), "mx-mod-0000.params": encodeNDArrayList([{ name: "arg:fc0_weight", shape: [2, 1], values: [1, 2] }]) }), "MODEL_CORRUPT", "m: mx-mod-0000.params has no arg:fc0_bias array (arrays: arg:fc0_weight)"],
    ["multiclass weights", async () => ll({ ...(await good()), "mx-mod-0000.params": encodeNDArrayList([{ name: "arg:fc0_weight", shape: [1, 2], values: [1, 2] }, { name: "arg:fc0_bias", shape: [1], values: [0] }]) }), "MODEL_UNSUPPORTED", "m: fc0_weight has shape (1, 2): multiclass models are not supported"],
    ["weights disagree with the symbol", async () => ll({ ...(await good()), "mx-mod-0000.params": encodeNDArrayList([{ name: "arg:fc0_weight", shape: [3, 1], values: [1, 2, 3] }, { name: "arg:fc0_bias", shape: [1, 1], values: [0] }]) }), "MODEL_CORRUPT", "m: mx-mod-symbol.json declares fc0_weight (2, 1) but mx-mod-0000.params holds (3, 1)"],
  ];
  it.each(cases)("%s", async (_name, make, code, message) => {
    const err = await codeOf(decodeModelArtifact(await make(), { name: "m" }).then((a) => modelFromArtifact(a, "m")));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(message)).toBe(true);
  });

  it("names a file it cannot write, with IO_ERROR", async () => {
    expect(await codeOf(writeModelArtifact("/nonexistent-dir/model.tar.gz", { predictorType: "regressor", weights: [1], bias: 0 }))).toEqual({
      code: "IO_ERROR",
      message: "/nonexistent-dir/model.tar.gz: cannot write model (ENOENT)",
    });
  });

  it("names a missing file", async () => {
    expect(await codeOf(loadModel("/nonexistent/model.tar.gz"))).toEqual({ code: "MODEL_NOT_FOUND", message: "/nonexistent/model.tar.gz: cannot read model (ENOENT)" });
  });

  it("never throws anything but ModelError on mangled artifacts (property)", async () => {
    const base = await encodeModelArtifact({ predictorType: "binary_classifier", weights: [1, 2, 3], bias: 0.5 });
    const raw = gunzipSync(base);
    await fc.assert(
      fc.asyncProperty(fc.nat(raw.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (pos, xor, truncate) => {
        const bytes = Uint8Array.from(raw);
        bytes[pos]! ^= xor;
        const input = truncate ? raw.subarray(0, pos) : bytes;
        try {
          const m = await loadModel(input);
          expect(m.featureDim).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
