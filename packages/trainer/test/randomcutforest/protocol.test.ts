// RCF's inference protocol: request types read, response shapes written and read back.
import { RECORDIO_CONTENT_TYPE, parseInferenceResponse } from "@fraud/recordio";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/models/protocol.js";
import { RCF_PROTOCOL } from "../../src/models/randomcutforest/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: string | Uint8Array): string => (typeof b === "string" ? b : new TextDecoder().decode(b));

describe("requests", () => {
  it.each([
    ["text/csv", "1,2\n3,4", [1, 2, 3, 4]],
    ["text/csv; charset=utf-8", "1,2", [1, 2]],
    ["application/json", '{"instances":[{"features":[1,2]},{"features":[3,4]}]}', [1, 2, 3, 4]],
  ])("%s %s", (type, body, values) => {
    const m = RCF_PROTOCOL.parseRequest(enc(body), type, 2);
    expect(Array.from(m.data)).toEqual(values);
    expect(m.cols).toBe(2);
  });

  it("RecordIO-protobuf, as the client encodes it", () => {
    const body = RCF_PROTOCOL.encodeRequest({ data: Float64Array.of(1.5, -2, 3, 4), rows: 2, cols: 2 }, RECORDIO_CONTENT_TYPE);
    const m = RCF_PROTOCOL.parseRequest(body as Uint8Array, RECORDIO_CONTENT_TYPE, 2);
    expect(Array.from(m.data)).toEqual([1.5, -2, 3, 4]);
  });

  it.each([
    ["application/jsonlines", "UNSUPPORTED_CONTENT_TYPE", 415],
    ["application/x-npy", "UNSUPPORTED_CONTENT_TYPE", 415],
  ])("refuses %s", (type, code, status) => {
    let err: unknown;
    try {
      RCF_PROTOCOL.parseRequest(enc("1,2"), type, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(code);
    expect((err as ProtocolError).status).toBe(status);
  });
});

describe("responses", () => {
  const preds = [{ score: 1.25, predictedLabel: 1 }, { score: 0.5, predictedLabel: 0 }];
  it.each([
    [undefined, "application/json", '{"scores":[{"score":1.25},{"score":0.5}]}'],
    ["*/*", "application/json", '{"scores":[{"score":1.25},{"score":0.5}]}'],
    ["application/jsonlines", "application/jsonlines", '{"score":1.25}\n{"score":0.5}\n'],
  ])("Accept %s", (accept, type, body) => {
    const out = RCF_PROTOCOL.encodeResponse(preds, accept);
    expect(out.contentType).toBe(type);
    expect(text(out.body)).toBe(body);
    expect(RCF_PROTOCOL.parseResponse(enc(text(out.body)), type)).toEqual([{ score: 1.25 }, { score: 0.5 }]);
  });

  it("RecordIO-protobuf: one float32 score label per record", () => {
    const out = RCF_PROTOCOL.encodeResponse(preds, RECORDIO_CONTENT_TYPE);
    expect(parseInferenceResponse(out.body as Uint8Array)).toEqual([{ score: 1.25 }, { score: 0.5 }]);
    expect(RCF_PROTOCOL.parseResponse(out.body as Uint8Array, RECORDIO_CONTENT_TYPE)).toEqual([{ score: 1.25 }, { score: 0.5 }]);
  });

  it.each([
    ["text/csv", "UNSUPPORTED_ACCEPT"],
    ["application/x-npy", "UNSUPPORTED_ACCEPT"],
  ])("refuses Accept %s", (accept, code) => {
    expect(() => RCF_PROTOCOL.encodeResponse(preds, accept)).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['{"predictions":[{"score":1}]}', "application/json", 'endpoint response has no "scores" array'],
    ['{"scores":[{"s":1}]}', "application/json", "endpoint response entry 0 has no numeric score"],
    ["[".repeat(10_000) + "]".repeat(10_000), "application/json", "cannot parse endpoint response (application/json): JSON nested deeper than 64 levels"],
  ])("parseResponse refuses %s", (body, type, message) => {
    expect(() => RCF_PROTOCOL.parseResponse(enc(body), type)).toThrow(new ProtocolError("BAD_RESPONSE", message));
  });
});
