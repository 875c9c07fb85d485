import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeDense, encodeRecord, frameRecords, parseInferenceResponse, serializeInferenceRequest } from "@fraud/recordio";
import { INVOKE_ENDPOINT_MAX_BYTES } from "@fraud/contracts";
import { LocalAwsError, startEndpoint } from "@fraud/local-aws";
import type { EndpointServer } from "@fraud/local-aws";
import { inferenceProtocol } from "@fraud/trainer/model";
import type { Model } from "@fraud/trainer/model";
import { FIXTURES, FIXTURES_SKIP, HAS_FIXTURES, absurdModel, smallModel, tempDir } from "./helpers.js";

interface ExpectedRow {
  row: number;
  score: number;
  predicted_label?: number;
}
interface Expected {
  predictions: { width: number; predictor_type: string; rows: ExpectedRow[] };
}

/** The fixtures' documented input rule. */
function fixtureRows(n: number, width: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, j) => (((i * 31 + j * 17) % 13) - 6) / 3.0));
}

/** A model echoing each row's first feature as its score: shows exactly what the parser read. */
function testModel(kind: Model["kind"], dim: number, score: (data: ArrayLike<number>, row: number) => { score: number; predictedLabel?: number }): Model {
  const predict = ({ data, rows }: { data: ArrayLike<number>; rows: number }) => Array.from({ length: rows }, (_, i) => score(data, i));
  return {
    algorithm: "linear-learner",
    kind,
    featureDim: dim,
    threshold: 0,
    protocol: inferenceProtocol("linear-learner"),
    describe: () => ({ algorithm: "linear-learner", kind, featureDim: dim, threshold: 0, format: "test", protocol: "linear-learner", details: {} }),
    predict,
    scores: (m) => Float64Array.from(predict(m), (p) => p.score),
  };
}

const echo = (dim: number): Model => testModel("regressor", dim, (data, i) => ({ score: data[i * dim]! }));

/** A classifier whose score is the row sum, label 1 when positive. */
const summing = (dim: number): Model =>
  testModel("binary_classifier", dim, (data, i) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j]!;
    return { score: s, predictedLabel: s > 0 ? 1 : 0 };
  });

let server: EndpointServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function invoke(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(server!.url + path, { method: "POST", headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: Buffer.from(bytes).toString("utf8") };
}

describe.skipIf(!HAS_FIXTURES)(`startEndpoint with real SageMaker artifacts${HAS_FIXTURES ? "" : ` (skipped: ${FIXTURES_SKIP})`}`, () => {
  it.each(["attrition-binary", "covid-regressor", "salary-regressor"])("serves %s with the scores SageMaker's parameters give", async (fixture) => {
    // Prepare
    const expected = JSON.parse(await readFile(join(FIXTURES, fixture, "expected.json"), "utf8")) as Expected;
    const { width, rows: exp } = expected.predictions;
    server = await startEndpoint({ model: join(FIXTURES, fixture, "model.tar.gz") });
    const csv = fixtureRows(exp.length, width).map((r) => r.join(",")).join("\n");
    // Act
    const res = await invoke(`/endpoints/fraud-detection-endpoint/invocations`, csv, { "content-type": "text/csv" });
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const { predictions } = JSON.parse(res.text) as { predictions: { score: number; predicted_label?: number }[] };
    expect(predictions).toHaveLength(exp.length);
    predictions.forEach((p, i) => {
      expect(p.score).toBeCloseTo(exp[i]!.score, 5);
      if (expected.predictions.predictor_type === "binary_classifier") expect(p.predicted_label).toBe(exp[i]!.predicted_label);
      else expect(p.predicted_label).toBeUndefined();
    });
  });
});

describe("startEndpoint with artifacts written by the trainer", () => {
  it("serves the trainer's model.tar.gz with its scores", async () => {
    // Prepare
    const { dir, cleanup } = await tempDir();
    try {
      const file = await smallModel(dir, 4);
      server = await startEndpoint({ model: file });
      // Act
      const res = await invoke("/invocations", "0,0,0,0\n1,1,1,1", { "content-type": "text/csv" });
      // Assess
      expect(res.status).toBe(200);
      const { predictions } = JSON.parse(res.text) as { predictions: { score: number; predicted_label: number }[] };
      const w = [1, 2, 3, 4].map((j) => Math.sin(j) / 4);
      const expected = [-1, w.reduce((a, b) => a + b, -1)].map((z) => 1 / (1 + Math.exp(-z)));
      predictions.forEach((p, i) => expect(p.score).toBeCloseTo(expected[i]!, 6));
      expect(server.model.featureDim).toBe(4);
    } finally {
      await cleanup();
    }
  });

  it.each([
    { name: "an 861-byte-class artifact declaring 100,000,000 features", make: (d: string) => absurdModel(d, 100_000_000), limits: {}, msg: /declares 100000000 elements, above the limit of 1000000/ },
    { name: "a 30-feature model over maxFeatures 10", make: (d: string) => smallModel(d, 30), limits: { maxFeatures: 10 }, msg: /above the limit of 10\b/ },
    { name: "an artifact over maxArtifactBytes", make: (d: string) => smallModel(d, 30), limits: { maxArtifactBytes: 100 }, msg: /maxArtifactBytes/ },
  ])("refuses $name by the model limits (MODEL_LOAD_FAILED, cause MODEL_TOO_LARGE)", async ({ make, limits, msg }) => {
    // Prepare
    const { dir, cleanup } = await tempDir();
    const file = await make(dir);
    // Act
    const err = await startEndpoint({ model: file, limits }).catch((e: unknown) => e);
    await cleanup();
    // Assess
    expect(err).toBeInstanceOf(LocalAwsError);
    expect((err as LocalAwsError).code).toBe("MODEL_LOAD_FAILED");
    expect((err as LocalAwsError).message).toMatch(msg);
    expect(((err as Error).cause as { code?: string }).code).toBe("MODEL_TOO_LARGE");
  });

  it("refuses an artifact it cannot load with MODEL_LOAD_FAILED", async () => {
    const { dir, cleanup } = await tempDir();
    const err = await startEndpoint({ model: join(dir, "missing", "model.tar.gz") }).catch((e: unknown) => e);
    await cleanup();
    expect(err).toBeInstanceOf(LocalAwsError);
    expect((err as LocalAwsError).code).toBe("MODEL_LOAD_FAILED");
    expect((err as LocalAwsError).message).toMatch(/cannot load model .*missing/);
  });
});

describe("request and response formats", () => {
  const rows = [
    [1, -2.5, 3],
    [-4, 0.25, 1e-3],
  ];
  const sums = rows.map((r) => r.reduce((a, b) => a + b, 0));
  it.each([
    { type: "text/csv", body: rows.map((r) => r.join(",")).join("\n") + "\n" },
    { type: "text/csv; label_size=0", body: rows.map((r) => r.join(",")).join("\r\n") },
    { type: "application/json", body: JSON.stringify({ instances: rows.map((features) => ({ features })) }) },
    { type: "application/json", body: JSON.stringify({ instances: rows.map((values) => ({ data: { features: { values } } })) }) },
    {
      type: "application/json",
      body: JSON.stringify({ instances: rows.map((r) => ({ data: { features: { keys: [0, 1, 2], shape: [3], values: r } } })) }),
    },
    { type: "application/jsonlines", body: rows.map((features) => JSON.stringify({ features })).join("\n") },
    { type: "application/x-recordio-protobuf", body: serializeInferenceRequest(rows, { dtype: "float64" }) },
    { type: "application/x-recordio-protobuf", body: encodeDense({ data: new Float64Array(rows.flat()), shape: [2, 3] }) },
    {
      type: "application/x-recordio-protobuf",
      body: frameRecords(rows.map((r) => encodeRecord({ features: { values: { type: "float64", values: r, keys: [0, 1, 2], shape: [3] } } }))),
    },
  ])("reads $type ($#)", async ({ type, body }) => {
    // Prepare
    server = await startEndpoint({ model: summing(3) });
    // Act
    const res = await invoke("/invocations", body, { "content-type": type });
    // Assess
    expect(res.status, res.text).toBe(200);
    const { predictions } = JSON.parse(res.text) as { predictions: { score: number; predicted_label: number }[] };
    expect(predictions.map((p) => p.score)).toEqual(sums);
    expect(predictions.map((p) => p.predicted_label)).toEqual(sums.map((s) => (s > 0 ? 1 : 0)));
  });

  it.each([
    { accept: undefined, type: "application/json" },
    { accept: "*/*", type: "application/json" },
    { accept: "application/jsonlines", type: "application/jsonlines" },
    { accept: "text/html, application/x-recordio-protobuf;q=0.9", type: "application/x-recordio-protobuf" },
  ])("answers Accept $accept with $type", async ({ accept, type }) => {
    // Prepare
    server = await startEndpoint({ model: summing(3) });
    const headers: Record<string, string> = { "content-type": "text/csv" };
    if (accept) headers["accept"] = accept;
    // Act
    const res = await invoke("/endpoints/fraud-detection-endpoint/invocations", rows.map((r) => r.join(",")).join("\n"), headers);
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    let got: { score: number; predicted_label?: number }[];
    if (type === "application/json") got = (JSON.parse(res.text) as { predictions: typeof got }).predictions;
    else if (type === "application/jsonlines") got = res.text.trim().split("\n").map((l) => JSON.parse(l) as (typeof got)[number]);
    else got = parseInferenceResponse(res.bytes);
    expect(got.map((p) => p.predicted_label)).toEqual(sums.map((s) => (s > 0 ? 1 : 0)));
    got.forEach((p, i) => expect(p.score).toBeCloseTo(sums[i]!, 5));
  });

  it("reads every double the way Number() does (property)", async () => {
    server = await startEndpoint({ model: echo(1) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => Number(d.toFixed(6)))), {
          minLength: 1,
          maxLength: 50,
        }),
        async (values) => {
          const res = await invoke("/invocations", values.map((v) => String(v)).join("\n"), { "content-type": "text/csv" });
          const { predictions } = JSON.parse(res.text) as { predictions: { score: number }[] };
          expect(predictions.map((p) => p.score)).toEqual(values.map((v) => (v === 0 ? 0 : v)) /* JSON has no -0 */);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("errors SageMaker's way", () => {
  const runtimePath = "/endpoints/fraud-detection-endpoint/invocations";
  it.each([
    { name: "a row with too few features", type: "text/csv", body: "1,2,3\n4,5", status: 400, msg: /line 2 has 2 features, the model expects 3/ },
    { name: "a row with too many features", type: "text/csv", body: "1,2,3,4", status: 400, msg: /line 1 has more than 3 features/ },
    { name: "a non-numeric value", type: "text/csv", body: "1,abc,3", status: 400, msg: /line 1, column 2: "abc" is not a finite number/ },
    { name: "an empty field", type: "text/csv", body: "1,,3", status: 400, msg: /line 1, column 2: "" is not a finite number/ },
    { name: "NaN", type: "text/csv", body: "1,NaN,3", status: 400, msg: /"NaN" is not a finite number/ },
    { name: "an empty body", type: "text/csv", body: "", status: 400, msg: /no rows/ },
    { name: "JSON without instances", type: "application/json", body: '{"rows":[]}', status: 400, msg: /expected \{"instances"/ },
    { name: "JSON with a string feature", type: "application/json", body: '{"instances":[{"features":[1,"2",3]}]}', status: 400, msg: /instance 0, feature 1: "2" is not a finite number/ },
    { name: "broken JSON", type: "application/json", body: '{"instances":', status: 400, msg: /not valid JSON/ },
    { name: "a JSON Lines row of the wrong width", type: "application/jsonlines", body: '{"features":[1,2,3]}\n{"features":[1]}', status: 400, msg: /line 2 has 1 features/ },
    { name: "truncated RecordIO", type: "application/x-recordio-protobuf", body: serializeInferenceRequest([[1, 2, 3]]).subarray(0, 10), status: 400, msg: /invalid RecordIO-protobuf/ },
    { name: "an unsupported content type", type: "application/xml", body: "<x/>", status: 415, msg: /Content type "application\/xml" is not supported/ },
    {
      name: "a sparse RecordIO record holding NaN",
      type: "application/x-recordio-protobuf",
      body: frameRecords([encodeRecord({ features: { values: { type: "float32", values: [1, Number.NaN], keys: [0, 2], shape: [3] } } })]),
      status: 400,
      msg: /record 0, feature 2: NaN is not a finite number/,
    },
    {
      name: "a sparse RecordIO record holding Infinity",
      type: "application/x-recordio-protobuf",
      body: frameRecords([encodeRecord({ features: { values: { type: "float64", values: [Number.POSITIVE_INFINITY], keys: [1], shape: [3] } } })]),
      status: 400,
      msg: /record 0, feature 1: Infinity is not a finite number/,
    },
    { name: "values whose score overflows", type: "text/csv", body: "1e308,1e308,1", status: 400, msg: /the score of row 1 is not finite/ },
    { name: "a huge bad field (quoted to 80 characters)", type: "text/csv", body: `1,${"x".repeat(100_000)},3`, status: 400, msg: /column 2: "x{78}… is not a finite number$/ },
  ])("answers $name with 424 ModelError wrapping the container's $status", async ({ type, body, status, msg }) => {
    // Prepare
    server = await startEndpoint({ model: summing(3), region: "eu-west-1" });
    // Act
    const res = await invoke(runtimePath, body, { "content-type": type });
    const container = await invoke("/invocations", body, { "content-type": type });
    // Assess
    expect(res.status).toBe(424);
    expect(res.headers.get("x-amzn-errortype")).toBe("ModelError");
    const err = JSON.parse(res.text) as Record<string, unknown>;
    expect(err["__type"]).toBe("ModelError");
    expect(err["OriginalStatusCode"]).toBe(status);
    expect(String(err["OriginalMessage"])).toMatch(msg);
    expect(String(err["Message"])).toMatch(new RegExp(`^Received (client|server) error \\(${status}\\) from primary with message "`));
    expect(String(err["Message"])).toContain("region=eu-west-1#logEventViewer:group=/aws/sagemaker/Endpoints/fraud-detection-endpoint");
    expect(container.status).toBe(status);
    expect(container.text).toMatch(msg);
  });

  it("answers an unsupported Accept with a 406 from the container", async () => {
    server = await startEndpoint({ model: summing(3) });
    const res = await invoke(runtimePath, "1,2,3", { "content-type": "text/csv", accept: "text/html" });
    expect(res.status).toBe(424);
    expect(JSON.parse(res.text)).toMatchObject({ __type: "ModelError", OriginalStatusCode: 406 });
  });

  it("refuses a payload over 6 MiB with 413 ValidationError, without crashing", async () => {
    // Prepare
    server = await startEndpoint({ model: summing(3) });
    const line = "1.5,2.5,3.5\n";
    const body = line.repeat(Math.ceil((INVOKE_ENDPOINT_MAX_BYTES + 1) / line.length));
    // Act
    const res = await invoke(runtimePath, body, { "content-type": "text/csv" });
    const after = await invoke(runtimePath, "1,2,3", { "content-type": "text/csv" });
    // Assess
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ __type: "ValidationError" });
    expect(JSON.parse(res.text)["Message"]).toMatch(/exceeds the limit of 6291456 bytes/);
    expect(after.status).toBe(200);
  });

  it("answers an unknown endpoint name with ValidationError like SageMaker", async () => {
    server = await startEndpoint({ model: summing(3), name: "scoring" });
    const res = await invoke("/endpoints/other/invocations", "1,2,3", { "content-type": "text/csv" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("ValidationError");
    expect(JSON.parse(res.text)).toEqual({ __type: "ValidationError", Message: "Endpoint other of account 000000000000 not found." });
  });

  it("answers /ping and 404s elsewhere", async () => {
    server = await startEndpoint({ model: summing(3) });
    const ping = await fetch(`${server.url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe("");
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/invocations`)).status).toBe(405);
  });

  it.each([
    [{ model: summing(3), name: "bad_name" }, /invalid endpoint name: "bad_name"/],
    [{ model: summing(3), name: "a".repeat(64) }, /invalid endpoint name: "a{64}"/],
    [{ model: summing(3), port: -1 }, /invalid port/],
    [{ model: {} as Model }, /model must be a model object/],
  ])("rejects invalid options (%#)", async (opts, msg) => {
    const err = await startEndpoint(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalAwsError);
    expect((err as Error).message).toMatch(msg);
  });
});

describe("hostile bodies: bounded depth and JSON size", () => {
  const deep = (n: number): string => "[".repeat(n) + "]".repeat(n);
  it.each([
    { name: "JSON nested 100,000 deep", type: "application/json", body: `{"instances":${deep(100_000)}}`, status: 400, msg: "unable to evaluate payload provided: the body is nested deeper than 64 levels" },
    { name: "a JSON Lines line nested 100,000 deep", type: "application/jsonlines", body: `{"features":[1,2,3]}\n${deep(100_000)}`, status: 400, msg: "unable to evaluate payload provided: line 2 is nested deeper than 64 levels" },
    { name: "6 MiB of empty objects", type: "application/json", body: `{"instances":[${Array(2_000_000).fill("{}").join(",")}]}`.slice(0, 6 * 1024 * 1024 - 2) + "]}", status: 413, msg: "unable to evaluate payload provided: more than 131072 JSON objects and arrays in one request" },
  ])("answers $status to $name, on both APIs", async ({ type, body, status, msg }) => {
    server = await startEndpoint({ model: summing(3) });
    const container = await fetch(`${server.url}/invocations`, { method: "POST", headers: { "content-type": type }, body });
    expect(container.status).toBe(status);
    expect(await container.text()).toBe(msg);
    const runtime = await fetch(`${server.url}/endpoints/${server.name}/invocations`, { method: "POST", headers: { "content-type": type }, body });
    expect(runtime.status).toBe(424);
    expect(await runtime.json()).toMatchObject({ __type: "ModelError", OriginalStatusCode: status, OriginalMessage: msg });
  });

  it("answers any JSON body with 200 or a 4xx, never a 5xx", async () => {
    server = await startEndpoint({ model: summing(2) });
    const url = `${server.url}/invocations`;
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 8 }), fc.constantFrom("application/json", "application/jsonlines"), async (body, type) => {
        const res = await fetch(url, { method: "POST", headers: { "content-type": type }, body });
        await res.arrayBuffer();
        expect([200, 400, 413]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
  });
});

describe("several endpoints at one URL", () => {
  it("answers each endpoint name with its own model and protocol; the container API serves the first", async () => {
    server = await startEndpoint({ model: summing(3), name: "classifier", endpoints: { "anomaly-detector": echo(3) }, port: 0 });
    const body = "1,2,3\n-4,0,0";
    const a = await invoke("/endpoints/classifier/invocations", body, { "content-type": "text/csv", accept: "application/json" });
    const b = await invoke("/endpoints/anomaly-detector/invocations", body, { "content-type": "text/csv", accept: "application/json" });
    const c = await invoke("/invocations", body, { "content-type": "text/csv", accept: "application/json" });
    const d = await invoke("/endpoints/other/invocations", body, { "content-type": "text/csv" });
    expect(JSON.parse(a.text)).toEqual({ predictions: [{ score: 6, predicted_label: 1 }, { score: -4, predicted_label: 0 }] });
    expect(JSON.parse(b.text)).toEqual({ predictions: [{ score: 1 }, { score: -4 }] });
    expect(c.text).toBe(a.text);
    expect(d.status).toBe(400);
    expect([...server.models.keys()]).toEqual(["classifier", "anomaly-detector"]);
  });

  it.each([
    ["an invalid name", { "bad name!": echo(3) }, "invalid endpoint name"],
    ["the first name again", { classifier: echo(3) }, 'endpoint "classifier" is given twice'],
  ])("refuses %s", async (_name, endpoints, message) => {
    await expect(startEndpoint({ model: summing(3), name: "classifier", endpoints, port: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining(message) as string });
  });
});
