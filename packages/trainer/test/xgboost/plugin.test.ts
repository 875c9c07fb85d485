import { readFileSync } from "node:fs";
import { encodeRecord, frameRecords, serializeInferenceRequest } from "@fraud/recordio";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { ProtocolError } from "../../src/models/protocol.js";
import { inferenceProtocol, loadModel } from "../../src/models/registry.js";
import { trainingPlugin } from "../../src/models/training.js";
import { XGBoostModel, encodeXGBoostArtifact } from "../../src/models/xgboost/model.js";
import { XGBOOST_PROTOCOL as P } from "../../src/models/xgboost/protocol.js";
import { readXGBoostModel } from "../../src/models/xgboost/read.js";
import { CASES, FIXTURES, fixtureCase } from "./helpers.js";

const file = (c: string, f: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${c}/${f}`));

describe("the XGBoost model plug-in through loadModel", () => {
  it.each(CASES.flatMap((c) => ["model.tar.gz", "xgboost-model", "model.json", "model.ubj"].map((f) => [c, f] as const)))("%s/%s loads as xgboost and scores as XGBoost 1.7.4", async (c, f) => {
    const model = await loadModel(file(c, f), { name: f });
    expect(model.algorithm).toBe("xgboost");
    expect(model.protocol.name).toBe("xgboost");
    expect(model.threshold).toBe(0.5);
    const d = model.describe();
    expect(d.format).toContain(f === "model.json" ? "JSON" : f === "model.ubj" ? "UBJSON" : "binf");
    const { data, rows, cols, probability } = fixtureCase(c);
    const scores = model.scores({ data, rows: rows.length, cols });
    rows.forEach((_, i) => expect(Math.abs(scores[i]! - probability[i]!)).toBeLessThanOrEqual(1e-5));
    // the request rows as the container reads them give the same scores
    const parsed = model.protocol.parseRequest(file(c, "input.csv"), "text/csv", cols);
    expect(Array.from(model.scores(parsed))).toEqual(Array.from(scores));
  });

  it("records the threshold in the model and keeps a single xgboost-model member", async () => {
    const booster = readXGBoostModel(file("small-missing", "xgboost-model")).booster;
    const artifact = encodeXGBoostArtifact(booster, 0.37);
    const model = await loadModel(artifact);
    expect(model.threshold).toBe(0.37);
    expect(model.predict({ data: new Float64Array(6).fill(NaN), rows: 1, cols: 6 })[0]!.predictedLabel).toBe(model.scores({ data: new Float64Array(6).fill(NaN), rows: 1, cols: 6 })[0]! >= 0.37 ? 1 : 0);
    expect(() => encodeXGBoostArtifact(booster, 1.5)).toThrow("threshold 1.5 is outside [0, 1]");
  });

  it("refuses a pickled Booster by name", async () => {
    const pickle = new Uint8Array([0x80, 0x04, 0x95, ...new TextEncoder().encode("xgboost.core\nBooster\n")]);
    const err = await loadModel(pickle, { name: "xgboost-model" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe("MODEL_UNSUPPORTED");
    expect((err as ModelError).message).toContain("unsupported: pickled Booster (XGBoost 0.90 container)");
  });

  it("refuses a broken xgboost-model member with the member named", async () => {
    const tar = encodeXGBoostArtifact(readXGBoostModel(file("small-missing", "xgboost-model")).booster);
    const model = await loadModel(tar);
    expect(model).toBeInstanceOf(XGBoostModel);
    const err = await loadModel(new TextEncoder().encode('{"learner":{}}'), { name: "m" }).catch((e: unknown) => e);
    expect((err as ModelError).code).toBe("MODEL_CORRUPT");
    expect((err as ModelError).message).toContain("m: XGBoost model field learner.gradient_booster");
  });

  it("is the registered protocol of xgboost", () => {
    expect(inferenceProtocol("xgboost")).toBe(P);
  });
});

describe("the XGBoost container's inference protocol", () => {
  it.each([
    ["text/csv", "1,,3\n4,5,nan\r\n\n", [1, NaN, 3, 4, 5, NaN]],
    [undefined, "1,2,3", [1, 2, 3]],
    ["text/csv; charset=utf-8", "1e3,-0.5,+2", [1000, -0.5, 2]],
    ["text/libsvm", "0 0:1 2:3\n1:5\n", [1, NaN, 3, NaN, 5, NaN]],
    ["text/x-libsvm", "1 1:-2.5", [NaN, -2.5, NaN]],
  ])("reads %s", (type, body, values) => {
    const m = P.parseRequest(new TextEncoder().encode(body), type, 3);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual(values);
  });

  it("reads dense and sparse RecordIO-protobuf (absent keys are missing)", () => {
    const dense = serializeInferenceRequest({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(Array.from(P.parseRequest(dense, "application/x-recordio-protobuf", 3).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const sparse = frameRecords([encodeRecord({ features: { values: { type: "float32", values: [7], keys: [1], shape: [3] } } })]);
    expect(Array.from(P.parseRequest(sparse, "application/x-recordio-protobuf", 3).data)).toEqual([NaN, 7, NaN]);
  });

  it.each([
    ["application/json", "{}", ProtocolError, 415, 'Content-type "application/json" not supported. Supported content-type is text/csv, text/libsvm, application/x-recordio-protobuf'],
    ["text/csv", "1,2", ProtocolError, 400, "unable to evaluate payload provided: line 1 has 2 features, the model expects 3"],
    ["text/csv", "1,2,3,4", ProtocolError, 400, "unable to evaluate payload provided: line 1 has more than 3 features, the model expects 3"],
    ["text/csv", "1,x,3", ProtocolError, 400, 'unable to evaluate payload provided: line 1, column 2: "x" is not a number'],
    ["text/csv", "", ProtocolError, 400, "unable to evaluate payload provided: no rows in the request"],
    ["text/libsvm", "0 3:1", ProtocolError, 400, 'unable to evaluate payload provided: line 1: feature index "3" is not in 0..2'],
    ["text/libsvm", "0 1:x", ProtocolError, 400, 'unable to evaluate payload provided: line 1: "1:x" has no finite value'],
    ["application/x-recordio-protobuf", "garbage", ProtocolError, 400, "unable to evaluate payload provided: invalid RecordIO-protobuf"],
  ])("refuses %s %j", (type, body, cls, status, message) => {
    let err: unknown;
    try {
      P.parseRequest(new TextEncoder().encode(body), type, 3);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls);
    expect((err as ProtocolError).status).toBe(status);
    expect((err as ProtocolError).message.startsWith(message)).toBe(true);
  });

  it.each([
    [undefined, "text/csv", "0.25\n0.5\n"],
    ["*/*", "text/csv", "0.25\n0.5\n"],
    ["application/json", "application/json", '{"predictions":[{"score":0.25},{"score":0.5}]}'],
    ["application/jsonlines", "application/jsonlines", '{"score":0.25}\n{"score":0.5}\n'],
  ])("answers Accept %s as %s", (accept, type, body) => {
    const out = P.encodeResponse([{ score: 0.25, predictedLabel: 0 }, { score: 0.5, predictedLabel: 1 }], accept);
    expect(out.contentType).toBe(type);
    expect(out.body).toBe(body);
    expect(P.parseResponse(new TextEncoder().encode(body), type)).toEqual([{ score: 0.25 }, { score: 0.5 }]);
  });

  it("answers RecordIO-protobuf, and refuses an Accept it cannot write with 406", () => {
    const out = P.encodeResponse([{ score: 0.25 }], "application/x-recordio-protobuf");
    expect(P.parseResponse(out.body as Uint8Array, "application/x-recordio-protobuf")).toEqual([{ score: 0.25 }]);
    expect(() => P.encodeResponse([], "image/png")).toThrow(expect.objectContaining({ status: 406 }) as Error);
  });

  it.each(["text/csv", "text/libsvm"])("encodes requests as %s that it reads back, missing values included", (type) => {
    const m = { data: new Float64Array([1.5, NaN, -3, 0, 2, NaN]), rows: 2, cols: 3 };
    const body = P.encodeRequest(m, type);
    expect(Array.from(P.parseRequest(typeof body === "string" ? new TextEncoder().encode(body) : body, type, 3).data)).toEqual(Array.from(m.data));
  });
});

describe("the XGBoost training plug-in", () => {
  it("trains, chooses a threshold on validation and writes an artifact loadModel reads back", async () => {
    const plugin = trainingPlugin("xgboost");
    const { data, rows } = fixtureCase("aws-solution-30");
    const labels = Uint8Array.from({ length: rows.length }, (_, i) => (rows[i]![1]! > 0.5 ? 1 : 0));
    const split = { features: data, labels, rows: rows.length };
    const hp = plugin.parseHyperparameters({ num_round: "5", max_depth: "2" });
    const trained = await plugin.train({ train: split, validation: split, seed: 1, hyperparameters: hp, rawHyperparameters: {}, pool: null, variant: false });
    const back = await loadModel(trained.artifact);
    expect(back.algorithm).toBe("xgboost");
    expect(back.threshold).toBe(trained.model.threshold);
    expect(Array.from(back.scores({ data, rows: rows.length, cols: 30 }))).toEqual(Array.from(trained.model.scores({ data, rows: rows.length, cols: 30 })));
    expect(() => plugin.parseHyperparameters({ eta: "2" })).toThrow("hyperparameter eta=2 is not valid");
  });
});
