/**
 * A classifier of any registered algorithm, and an optional anomaly detector beside it: XGBoost in
 * endpoint mode (its container's CSV answers, the threshold applied here), XGBoost and Random Cut
 * Forest embedded, a Random Cut Forest endpoint; every record carries both scores.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawTransactions, eventSeed, parseScorerEnv } from "@fraud/lambda-scorer";
import type { ModelFetcher } from "@fraud/lambda-scorer";
import { generateDataset } from "@fraud/simulator";
import { runLocalTraining } from "@fraud/trainer";
import { inferenceProtocol, loadModel } from "@fraud/trainer/model";
import type { Model } from "@fraud/trainer/model";
import { counts, createHarness, failShare, post, sagemakerMock, scheduledEvent } from "./scorer-harness.js";
import { features } from "./helpers.js";

const XGB_URI = "s3://fraud-artifacts/models/xgboost/model.tar.gz";
const RCF_URI = "s3://fraud-artifacts/models/rcf/model.tar.gz";
const artifacts = new Map<string, Uint8Array>();
let xgb: Model;
let rcf: Model;
let dir: string;

const fetchModel: ModelFetcher = (bucket, key) => {
  const bytes = artifacts.get(`s3://${bucket}/${key}`);
  return bytes ? Promise.resolve(bytes) : Promise.reject(Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" }));
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "two-models-"));
  const data = generateDataset({ rows: 4000, seed: 3 });
  const x = await runLocalTraining({ data, out: join(dir, "xgb"), seed: 1, algorithm: "xgboost", hyperparameters: { num_round: 10, max_depth: 3 } });
  const r = await runLocalTraining({ data, out: join(dir, "rcf"), seed: 1, algorithm: "randomcutforest", hyperparameters: { num_trees: 50, num_samples_per_tree: 128 } });
  artifacts.set(XGB_URI, x.trained.artifact);
  artifacts.set(RCF_URI, r.trained.artifact);
  xgb = await loadModel(x.trained.artifact);
  rcf = await loadModel(r.trained.artifact);
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const rowsOf = (event: ReturnType<typeof scheduledEvent>, n: number) => drawTransactions(n, { seed: eventSeed(event.id), start: Date.parse(event.time) });
const matrix = (rows: { features: ArrayLike<number> }[]) => ({ data: Float64Array.from(rows.flatMap((t) => Array.from(t.features))), rows: rows.length, cols: 30 });

/** The endpoint answers each named endpoint with that model's container protocol. */
function serveEndpoints(models: Record<string, Model>): { calls: { name: string; contentType: string; accept: string }[] } {
  const calls: { name: string; contentType: string; accept: string }[] = [];
  sagemakerMock.on(InvokeEndpointCommand).callsFake((input: { EndpointName: string; Body: Uint8Array; ContentType: string; Accept: string }) => {
    const model = models[input.EndpointName];
    if (!model) throw Object.assign(new Error(`Endpoint ${input.EndpointName} of account 000000000000 not found.`), { name: "ValidationError" });
    calls.push({ name: input.EndpointName, contentType: input.ContentType, accept: input.Accept });
    const m = model.protocol.parseRequest(input.Body, input.ContentType, model.featureDim);
    const { body, contentType } = model.protocol.encodeResponse(model.predict(m), input.Accept);
    return { Body: (typeof body === "string" ? Buffer.from(body) : body) as never, ContentType: contentType };
  });
  return { calls };
}

describe("configuration of the classifier's algorithm and the anomaly detector", () => {
  const base = { DELIVERY_STREAM_NAME: "s", ENDPOINT_NAME: "fraud-detection-endpoint" };
  it.each([
    ["MODEL_ALGORITHM=randomcutforest", { MODEL_ALGORITHM: "randomcutforest" }, "MODEL_ALGORITHM must be one of linear-learner, xgboost"],
    ["MODEL_THRESHOLD=1.5", { MODEL_THRESHOLD: "1.5" }, "MODEL_THRESHOLD must be a number from 0 to 1"],
    ["an anomaly endpoint without a name", { ANOMALY_SCORING_MODE: "endpoint", ANOMALY_THRESHOLD: "0.8" }, "ANOMALY_ENDPOINT_NAME is missing"],
    ["an anomaly endpoint with neither threshold nor model", { ANOMALY_SCORING_MODE: "endpoint", ANOMALY_ENDPOINT_NAME: "rcf" }, "ANOMALY_THRESHOLD is missing: an anomaly endpoint answers scores only"],
    ["an embedded detector without a model", { ANOMALY_SCORING_MODE: "embedded" }, "ANOMALY_MODEL_S3_URI is missing"],
    ["detector settings without a mode", { ANOMALY_ENDPOINT_NAME: "rcf" }, "ANOMALY_ENDPOINT_NAME is set but ANOMALY_SCORING_MODE is not"],
    ["a non-numeric threshold", { ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: RCF_URI, ANOMALY_THRESHOLD: "high" }, "ANOMALY_THRESHOLD must be a finite number"],
  ])("refuses %s, naming the variable", (_name, env, message) => {
    expect(() => parseScorerEnv({ ...base, ...env })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining(message) as string }) as Error);
  });

  it("reads both models' settings, the detector's version defaulting to its endpoint or model", () => {
    const c = parseScorerEnv({ ...base, MODEL_ALGORITHM: "xgboost", MODEL_THRESHOLD: "0.3", ANOMALY_SCORING_MODE: "endpoint", ANOMALY_ENDPOINT_NAME: "rcf-endpoint", ANOMALY_THRESHOLD: "-1e-3" });
    expect(c).toMatchObject({ modelAlgorithm: "xgboost", modelThreshold: 0.3, anomalyScoringMode: "endpoint", anomalyThreshold: -0.001, anomalyModelVersion: "rcf-endpoint" });
    expect(parseScorerEnv(base)).not.toHaveProperty("anomalyModelVersion");
    expect(parseScorerEnv({ ...base, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: RCF_URI }).anomalyModelVersion).toBe(RCF_URI);
  });
});

describe("an XGBoost classifier behind an endpoint", () => {
  it.each([
    ["the threshold 0.5 when none is given", {}, 0.5],
    ["MODEL_THRESHOLD", { MODEL_THRESHOLD: "0.05" }, 0.05],
  ])("speaks the XGBoost container's text/csv and applies %s", async (_name, env, threshold) => {
    const h = createHarness({ MODEL_ALGORITHM: "xgboost", ...env });
    const { calls } = serveEndpoints({ "fraud-detection-endpoint": xgb });
    const event = scheduledEvent(1);
    const result = await h.handlers.scheduled(event, h.context());
    const expected = xgb.scores(matrix(rowsOf(event, 100)));
    expect(result).toMatchObject({ scored: 100, delivered: 100 });
    expect(result).not.toHaveProperty("anomalous");
    expect(calls[0]).toEqual({ name: "fraud-detection-endpoint", contentType: "text/csv", accept: "text/csv" });
    expect(h.accepted.map((r) => r.score)).toEqual(Array.from(expected, (s) => expect.closeTo(s, 6) as number));
    expect(h.accepted.map((r) => r.predictedLabel)).toEqual(Array.from(expected, (s) => (s >= threshold ? 1 : 0)));
    expect(h.accepted.every((r) => !("anomalyScore" in r))).toBe(true);
  });

  it("refuses a content type the XGBoost container does not read", async () => {
    const h = createHarness({ MODEL_ALGORITHM: "xgboost", CONTENT_TYPE: "application/json" });
    await expect(h.runtime.getScorer()).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("is not one xgboost reads") as string });
  });
});

describe("a classifier and an anomaly detector in one stream", () => {
  it("embedded XGBoost + embedded Random Cut Forest: every record carries both scores, the HTTP answer both per transaction", async () => {
    const h = createHarness({ SCORING_MODE: "embedded", MODEL_S3_URI: XGB_URI, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: RCF_URI }, { fetchModel });
    const event = scheduledEvent(2);
    const result = await h.handlers.scheduled(event, h.context());
    const m = matrix(rowsOf(event, 100));
    const p = xgb.predict(m);
    const a = rcf.predict(m);
    expect(result).toMatchObject({ scored: 100, delivered: 100, anomalous: a.filter((x) => x.predictedLabel === 1).length, modelVersion: XGB_URI });
    expect(h.accepted.map((r) => [r.score, r.predictedLabel, r.anomalyScore, r.anomalous, r.anomalyModelVersion])).toEqual(
      p.map((x, i) => [expect.closeTo(x.score, 12), x.predictedLabel, expect.closeTo(a[i]!.score, 12), a[i]!.predictedLabel === 1, RCF_URI]),
    );
    expect(h.metric("TransactionsAnomalous")).toBe(result.anomalous);

    const tx = [0, 1].map((i) => ({ id: `tx-${i}`, features: features(i) }));
    const res = await h.handlers.http(post(tx), h.context());
    const body = JSON.parse(res.body) as { anomalous: number; predictions: Record<string, unknown>[] };
    const q = xgb.predict(matrix(tx));
    const b = rcf.predict(matrix(tx));
    expect(res.statusCode).toBe(200);
    expect(body.predictions[1]).toEqual({
      transactionId: "tx-1",
      id: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      score: q[1]!.score,
      predictedLabel: q[1]!.predictedLabel,
      anomalyScore: b[1]!.score,
      anomalous: b[1]!.predictedLabel === 1,
      fraud_classifier: { pred_proba: q[1]!.score, prediction: q[1]!.predictedLabel },
      anomaly_detector: { score: b[1]!.score },
    });
    expect(body.anomalous).toBe(b.filter((x) => x.predictedLabel === 1).length);
  });

  it("an ANOMALY_THRESHOLD overrides the detector's recorded one", async () => {
    const h = createHarness({ SCORING_MODE: "embedded", MODEL_S3_URI: XGB_URI, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: RCF_URI, ANOMALY_THRESHOLD: "0" }, { fetchModel });
    await h.handlers.scheduled(scheduledEvent(3), h.context());
    expect(h.accepted.every((r) => r.anomalous === true)).toBe(true);
  });

  it.each([
    ["its ANOMALY_THRESHOLD", { ANOMALY_THRESHOLD: "0.9" }, (): number => 0.9, 0],
    ["the threshold recorded with its model (read from ANOMALY_MODEL_S3_URI at init)", { ANOMALY_MODEL_S3_URI: RCF_URI }, (): number => rcf.threshold, 1],
  ])("an RCF endpoint answers scores; the flag uses %s", async (_name, env, threshold, gets) => {
    let fetched = 0;
    const counting: ModelFetcher = (b, k, max) => {
      fetched++;
      return fetchModel(b, k, max);
    };
    const h = createHarness({ MODEL_ALGORITHM: "xgboost", ANOMALY_SCORING_MODE: "endpoint", ANOMALY_ENDPOINT_NAME: "rcf-endpoint", ...env }, { fetchModel: counting });
    const { calls } = serveEndpoints({ "fraud-detection-endpoint": xgb, "rcf-endpoint": rcf });
    const event = scheduledEvent(4);
    await h.handlers.scheduled(event, h.context());
    const a = rcf.scores(matrix(rowsOf(event, 100)));
    expect(calls.filter((c) => c.name === "rcf-endpoint")).toEqual([{ name: "rcf-endpoint", contentType: "text/csv", accept: "application/json" }]);
    expect(h.accepted.map((r) => [r.anomalyScore, r.anomalous, r.anomalyModelVersion])).toEqual(Array.from(a, (s) => [expect.closeTo(s, 12), s >= threshold(), "rcf-endpoint"]));
    expect(fetched).toBe(gets);
  });

  it("sends the detector the content type it reads (CONTENT_TYPE when it reads it, else text/csv)", async () => {
    const h = createHarness({ CONTENT_TYPE: "application/jsonlines", ANOMALY_SCORING_MODE: "endpoint", ANOMALY_ENDPOINT_NAME: "rcf-endpoint", ANOMALY_THRESHOLD: "1" });
    const { calls } = serveEndpoints({ "fraud-detection-endpoint": xgb, "rcf-endpoint": rcf });
    await expect(h.runtime.getDetector()).resolves.toBeDefined();
    const detector = (await h.runtime.getDetector())!;
    await detector.scorer.score(matrix([{ features: features(1) }]));
    expect(calls).toEqual([{ name: "rcf-endpoint", contentType: "text/csv", accept: "application/json" }]);
    expect(inferenceProtocol("randomcutforest").requestContentTypes).not.toContain("application/jsonlines");
  });

  it.each([
    ["a detector given as the classifier", { SCORING_MODE: "embedded", MODEL_S3_URI: RCF_URI }, "is an anomaly detector (randomcutforest), not a classifier"],
    ["a classifier given as the detector", { SCORING_MODE: "embedded", MODEL_S3_URI: XGB_URI, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: XGB_URI }, "is a binary_classifier (xgboost), not an anomaly detector"],
    ["an artifact of another algorithm than MODEL_ALGORITHM", { SCORING_MODE: "embedded", MODEL_S3_URI: XGB_URI, MODEL_ALGORITHM: "linear-learner" }, "is xgboost, but MODEL_ALGORITHM is linear-learner"],
  ])("answers 502 for %s", async (_name, env, message) => {
    const h = createHarness(env, { fetchModel });
    const res = await h.handlers.http(post([{ id: "tx-1", features: features(1) }]), h.context());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ code: "MODEL_LOAD_FAILED", message: expect.stringContaining(message) as string });
    expect(h.accepted).toHaveLength(0);
  });

  it("with 30% of Firehose entries failing, every record of both models is delivered once", async () => {
    const h = createHarness({ SCORING_MODE: "embedded", MODEL_S3_URI: XGB_URI, ANOMALY_SCORING_MODE: "embedded", ANOMALY_MODEL_S3_URI: RCF_URI, BATCH_SIZE: "2000" }, { fetchModel });
    h.setFirehose(failShare(0.3));
    const result = await h.handlers.scheduled(scheduledEvent(5), h.context());
    expect(result.delivered).toBe(2000);
    const c = counts(h.accepted.map((r) => r.id));
    expect(c.size).toBe(2000);
    expect([...c.values()].every((n) => n === 1)).toBe(true);
    expect(h.accepted.every((r) => typeof r.anomalyScore === "number" && typeof r.anomalous === "boolean")).toBe(true);
  });
});
