// The repository's own Linear Learner artifacts (test/fixtures/linear-learner/*/model.tar.gz,
// written by this package): checked byte by byte against the format of SageMaker's artifacts (the
// expected bytes are built here from the format description, not by the package), rewritten
// identically by the writer, and read back by the reader. They keep the reader tested on every
// clone, where the real SageMaker models may not be. `UPDATE_LL_FIXTURES=1` rewrites them.
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeModelArtifact, encodeModelArtifact, loadLinearLearnerModel as loadModel } from "@fraud/trainer/model";
import type { ModelArtifactInput } from "@fraud/trainer/model";
import { text } from "../helpers/archives.js";
import { layers } from "../helpers/layout.js";

const FIXTURES: Record<string, ModelArtifactInput> = {
  // creditcard.csv's 30 features; values exact in float32
  "binary-30": { predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => (j - 15) / 64), bias: -2.5, threshold: 0.3125 },
  "regressor-3": { predictorType: "regressor", weights: [0.5, -1.25, 2], bias: 0.75 },
  // the (1,) bias of this package's earlier artifacts, which readers keep accepting
  "binary-bias-1d": { predictorType: "binary_classifier", weights: [1, -1], bias: 0.5, biasShape: [1] },
};

const path = (name: string): URL => new URL(`../fixtures/linear-learner/${name}/model.tar.gz`, import.meta.url);
const committed = (name: string): Uint8Array => new Uint8Array(readFileSync(path(name)));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

if (process.env["UPDATE_LL_FIXTURES"] === "1") {
  for (const [name, input] of Object.entries(FIXTURES)) writeFileSync(path(name), await encodeModelArtifact(input));
}

/** Little-endian fields, as the format description lists them. */
function le(...fields: [("u32" | "i32" | "u64" | "f32"), number][]): Buffer {
  return Buffer.concat(
    fields.map(([t, x]) => {
      const b = Buffer.alloc(t === "u64" ? 8 : 4);
      if (t === "u64") b.writeBigUInt64LE(BigInt(x));
      else if (t === "f32") b.writeFloatLE(x);
      else if (t === "u32") b.writeUInt32LE(x);
      else b.writeInt32LE(x);
      return b;
    }),
  );
}

/** `mx-mod-0000.params` per the format: list header, two V2 dense float32 records on cpu(0), the names. */
function expectedParams(weights: readonly number[], bias: number, biasShape: readonly number[]): Buffer {
  const record = (shape: readonly number[], values: readonly number[]) =>
    Buffer.concat([le(["u32", 0xf993fac9], ["i32", 0], ["i32", shape.length]), ...shape.map((d) => le(["u64", d])), le(["i32", 1], ["i32", 0], ["i32", 0]), ...values.map((v) => le(["f32", v]))]);
  const name = (s: string) => Buffer.concat([le(["u64", s.length]), Buffer.from(s)]);
  return Buffer.concat([le(["u64", 0x112], ["u64", 0], ["u64", 2]), record([weights.length, 1], weights), record(biasShape, [bias]), le(["u64", 2]), name("arg:fc0_weight"), name("arg:fc0_bias")]);
}

/** The 512-byte ustar header of SageMaker's archives for one member of `size` bytes. */
function expectedTarHeader(size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  h.write("model_algo-1", 0);
  h.write("0100644 0000000 0000000 ", 100);
  h.write(`${size.toString(8).padStart(11, "0")} ${mtime.toString(8).padStart(11, "0")} `, 124);
  h.write("        0", 148);
  h.write("ustar\u000000", 257);
  h.write("0000000 0000000 ", 329);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148);
  return h;
}

describe.each(Object.entries(FIXTURES))("committed artifact %s", (name, input) => {
  const weights = Array.from(input.weights);
  const biasShape = input.biasShape ?? [1, 1];

  it("is what the writer writes today, byte for byte", async () => {
    expect(hex(await encodeModelArtifact(input))).toBe(hex(committed(name)));
  });

  it("has SageMaker's gzip and tar layout", () => {
    const bytes = committed(name);
    expect(hex(bytes.subarray(0, 10))).toBe("1f8b08000000000000ff"); // no name, mtime 0, OS unknown
    const tar = gunzipSync(bytes);
    expect(tar.length % 10240).toBe(0);
    const size = parseInt(tar.subarray(124, 135).toString(), 8);
    expect(hex(tar.subarray(0, 512))).toBe(hex(expectedTarHeader(size, Date.UTC(1980, 0, 1) / 1000)));
    expect(tar.subarray(512 + size).every((b) => b === 0)).toBe(true);
  });

  it("holds a zip of four stored entries with the attributes of SageMaker's", () => {
    const { zip } = layers(committed(name));
    expect(zip.entries.map((e) => e.name)).toEqual(["additional-params.json", "mx-mod-0000.params", "manifest.json", "mx-mod-symbol.json"]);
    for (const e of zip.entries) {
      expect(e.local).toEqual({ versionNeeded: 20, flags: 0, method: 0, extraLength: 0 });
      expect(e.central).toEqual({ versionMadeBy: 0x0314, versionNeeded: 20, flags: 0, method: 0, extraLength: 0, commentLength: 0, disk: 0, internalAttrs: 0, externalAttrs: 0o100644 * 65536 });
      expect([e.date, e.time]).toEqual([(0 << 9) | (1 << 5) | 1, 0]); // 1980-01-01 00:00:00
    }
    expect(zip.eocd).toEqual({ disk: 0, cdDisk: 0, entriesHere: 4, entries: 4, commentLength: 0 });
  });

  it("stores the arrays, the symbol and the JSON files as the format describes", () => {
    const files = Object.fromEntries(layers(committed(name)).zip.entries.map((e) => [e.name, e.data]));
    expect(hex(files["mx-mod-0000.params"]!)).toBe(hex(expectedParams(weights, input.bias, biasShape)));
    expect(text(files["manifest.json"])).toBe('{"mx-mod": "mxnet_module", "additional-params.json": "json", "version": 1}');
    const t = input.threshold ?? 0.5;
    const classifier = input.predictorType === "binary_classifier";
    const tt = Number.isInteger(t) ? `${t}.0` : String(t);
    expect(text(files["additional-params.json"])).toBe(
      `{"threshold": ${tt}, "loss_type": "${classifier ? "logistic" : "squared_loss"}", "predictor_type": "${input.predictorType}", "metrics_params": {"quantile": null, "huber_delta": null, "margin": null, ` +
        `"loss_insensitivity": null, "eps_insensitive_loss_type": null, "accuracy_top_k": 3, "f_beta": ${classifier ? "1.0" : "null"}, "positive_example_weight_mult": 1.0, "class_weights": null, "threshold": ${tt}}}`,
    );
    const symbol = text(files["mx-mod-symbol.json"]);
    expect(symbol).toContain(`"attrs": {"__shape__": "(${weights.length}, 1)"}, \n`);
    expect(symbol).toContain(`"__lr_mult__": "10.0", \n        "__shape__": "${biasShape.length === 2 ? "(1, 1)" : "(1,)"}"\n`);
    expect(symbol).toContain(`"op": "${classifier ? "LogisticRegressionOutput" : "LinearRegressionOutput"}", \n      "name": "${classifier ? "logisticregressionoutput" : "linearregressionoutput"}0", `);
    expect(symbol.endsWith('"heads": [[6, 0, 0]], \n  "attrs": {"mxnet_version": ["int", 10301]}\n}')).toBe(true);
  });

  it("reads back: the same model, scoring like the formula", async () => {
    const model = await loadModel(committed(name));
    expect(Array.from(model.weights)).toEqual(weights);
    expect(model.bias).toBe(input.bias);
    expect(model.threshold).toBe(input.threshold ?? 0.5);
    const row = weights.map((_, j) => (j % 5) - 2);
    const z = input.bias + row.reduce((s, x, j) => s + x * weights[j]!, 0);
    const [p] = model.predict([row]);
    expect(p!.score).toBeCloseTo(input.predictorType === "regressor" ? z : 1 / (1 + Math.exp(-z)), 12);
    const art = await decodeModelArtifact(committed(name));
    expect(art.arrays.map((a) => a.shape)).toEqual([[weights.length, 1], biasShape]);
  });
});
