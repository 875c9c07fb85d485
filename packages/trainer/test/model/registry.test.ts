// The model registry and Linear Learner's inference protocol: artifacts recognised by their
// members, unknown ones refused in one line, and the protocol's client and server halves agreeing.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError, encodeModelArtifact, inferenceProtocol, loadModel, modelPlugin, registerModelPlugin } from "@fraud/trainer/model";
import type { Prediction } from "@fraud/trainer/model";
import { tarOf } from "../helpers/archives.js";

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ code?: string; message: string }> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected an error");
}

describe("loadModel", () => {
  it("recognises a Linear Learner artifact and describes it with the artifact's hash", async () => {
    const bytes = await encodeModelArtifact({ predictorType: "binary_classifier", weights: [0.5, -1, 2], bias: 0.1, threshold: 0.4 });
    const model = await loadModel(bytes, { name: "m" });
    expect(model.describe()).toMatchObject({
      algorithm: "linear-learner",
      kind: "binary_classifier",
      featureDim: 3,
      threshold: Math.fround(0.4) === 0.4 ? 0.4 : expect.any(Number),
      protocol: "linear-learner",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      source: "m",
    });
    const [p] = model.predict({ data: Float64Array.of(1, 1, 1), rows: 1, cols: 3 });
    expect(p!.score).toBeCloseTo(1 / (1 + Math.exp(-(0.5 - 1 + 2 + 0.1))), 6);
    expect(p!.predictedLabel).toBe(1);
  });

  it.each([
    { name: "a tar of unknown members", make: async () => gzipSync(await tarOf([{ name: "weights.bin", data: new Uint8Array(8) }])), code: "MODEL_UNSUPPORTED", message: /^m: not a model artifact of linear-learner, .*\(members: "weights\.bin"\)$/ },
    { name: "bytes that are no archive", make: async () => new TextEncoder().encode("hello, world"), code: "MODEL_CORRUPT", message: /^m: not a model\.tar\.gz \(neither gzip-compressed tar, tar nor a bare model any of linear-learner.* reads\)$/ },
    { name: "a truncated gzip", make: async () => gzipSync(new Uint8Array(1000)).subarray(0, 20), code: "MODEL_CORRUPT", message: /^m: corrupt gzip data/ },
  ])("refuses $name in one line ($code)", async ({ make, code, message }) => {
    const err = await errorOf(loadModel(await make(), { name: "m" }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
  });

  it("refuses a source that is neither a path nor bytes", async () => {
    expect(await errorOf(loadModel(42 as unknown as string))).toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("the registry", () => {
  it.each([
    { call: () => modelPlugin("svm"), code: "INVALID_ARGUMENT", message: 'unknown algorithm "svm"; use one of linear-learner, xgboost, randomcutforest' },
    { call: () => inferenceProtocol(""), code: "INVALID_ARGUMENT", message: 'unknown algorithm ""; use one of linear-learner, xgboost, randomcutforest' },
    { call: () => registerModelPlugin({ algorithm: "svm" } as never), code: "INVALID_ARGUMENT", message: "a model plug-in needs an algorithm of linear-learner, xgboost, randomcutforest, got svm" },
  ])("refuses $message", async ({ call, code, message }) => {
    expect(await errorOf(call)).toMatchObject({ code, message });
  });

  it("finds Linear Learner's plug-in and protocol by name", () => {
    expect(modelPlugin("linear-learner").algorithm).toBe("linear-learner");
    expect(inferenceProtocol("linear-learner").requestContentTypes).toEqual(["text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"]);
  });
});

describe("Linear Learner's inference protocol: client and server agree", () => {
  const protocol = inferenceProtocol("linear-learner");
  const matrix = fc.integer({ min: 1, max: 6 }).chain((cols) =>
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 8 }).map((rows) => ({ cols, rows })),
  );

  it.each(["text/csv", "application/json", "application/jsonlines"])("parseRequest(encodeRequest(rows, %s)) gives the rows back exactly", (type) => {
    fc.assert(
      fc.property(matrix, ({ cols, rows }) => {
        const m = { data: Float64Array.from(rows.flat()), rows: rows.length, cols };
        const body = protocol.encodeRequest(m, type);
        const back = protocol.parseRequest(typeof body === "string" ? Buffer.from(body) : body, type, cols);
        expect(back.rows).toBe(rows.length);
        // JSON and CSV have no -0: it is sent as 0
        expect(Array.from(back.data)).toEqual(Array.from(m.data, (x) => (x === 0 ? 0 : x)));
      }),
    );
  });

  it("round-trips float32 rows through RecordIO-protobuf", () => {
    fc.assert(
      fc.property(matrix, ({ cols, rows }) => {
        const m = { data: Float64Array.from(rows.flat(), (x) => Math.fround(x)), rows: rows.length, cols };
        if (!m.data.every(Number.isFinite)) return;
        const back = protocol.parseRequest(protocol.encodeRequest(m, "application/x-recordio-protobuf") as Uint8Array, "application/x-recordio-protobuf", cols);
        expect(Array.from(back.data)).toEqual(Array.from(m.data));
      }),
    );
  });

  it.each(["application/json", "application/jsonlines", "application/x-recordio-protobuf"])("parseResponse(encodeResponse(predictions, %s)) gives the predictions back", (accept) => {
    const prediction = fc.record({ score: fc.float({ noNaN: true, noDefaultInfinity: true }), predictedLabel: fc.constantFrom(0, 1) });
    fc.assert(
      fc.property(fc.array(prediction, { maxLength: 20 }), (predictions: Prediction[]) => {
        const out = protocol.encodeResponse(predictions, accept);
        expect(out.contentType).toBe(accept);
        const body = typeof out.body === "string" ? Buffer.from(out.body) : out.body;
        const sent = accept === "application/x-recordio-protobuf" ? predictions : predictions.map((p) => ({ ...p, score: p.score === 0 ? 0 : p.score }));
        expect(protocol.parseResponse(body, accept)).toEqual(sent);
      }),
    );
  });

  it.each([
    { body: "1,2\n3", type: "text/csv", code: "BAD_PAYLOAD", status: 400, message: "unable to evaluate payload provided: line 2 has 1 features, the model expects 2" },
    { body: "1,2", type: "text/plain", code: "UNSUPPORTED_CONTENT_TYPE", status: 415, message: /^Content type "text\/plain" is not supported/ },
    { body: `{"instances":${"[".repeat(100)}${"]".repeat(100)}}`, type: "application/json", code: "BAD_PAYLOAD", status: 400, message: "unable to evaluate payload provided: the body is nested deeper than 64 levels" },
  ])("refuses $type $code with the container's status", ({ body, type, code, status, message }) => {
    let err: unknown;
    try {
      protocol.parseRequest(Buffer.from(body), type, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code, status });
    if (typeof message === "string") expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
  });

  it("answers 406 to an Accept it does not write", () => {
    expect(() => protocol.negotiate("text/html")).toThrow(ProtocolError);
    expect(protocol.negotiate("*/*")).toBe("application/json");
    expect(protocol.negotiate("application/x-jsonlines")).toBe("application/jsonlines");
  });
});
