/**
 * boto3's `invoke_endpoint` against `startEndpoint` serving an XGBoost classifier and a Random Cut
 * Forest, in each container's formats and error shapes. Needs `python3` with boto3; skipped, saying
 * so in the suite's name, without it.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInferenceResponse, serializeInferenceRequest } from "@fraud/recordio";
import { startEndpoint } from "@fraud/local-aws";
import type { EndpointServer } from "@fraud/local-aws";
import { loadModel } from "@fraud/trainer/model";
import type { Model } from "@fraud/trainer/model";
import { tempDir } from "./helpers.js";
import { syntheticData, trainTwoModels } from "./models.js";

const PYTHON = process.env["PYTHON"] ?? "python3";
const probeBoto3 = (): ReturnType<typeof spawnSync> => spawnSync(PYTHON, ["-c", "import boto3; print(boto3.__version__)"], { encoding: "utf8", timeout: 60_000 });
// one retry: on a loaded machine a first Python start can fail for reasons that are not boto3's absence
let probe = probeBoto3();
if (probe.status !== 0) probe = probeBoto3();
const HAS_BOTO3 = probe.status === 0;
const WHY = probe.error ? probe.error.message : (String(probe.stderr ?? "").trim().split("\n").pop() ?? "").slice(0, 160) || `exit ${probe.status}`;
const SKIP = HAS_BOTO3 ? "" : ` (skipped: ${PYTHON} cannot import boto3: ${WHY})`;
if (!HAS_BOTO3) console.warn(`skipping boto3 endpoint tests: ${PYTHON} cannot import boto3: ${WHY}`);

/** Sends each request with boto3 and prints each answer (body base64) or its error as JSON. */
const CLIENT = `
import base64, json, sys
import boto3
from botocore.config import Config
req = json.load(sys.stdin)
client = boto3.client("sagemaker-runtime", endpoint_url=req["url"], region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local",
                      config=Config(retries={"max_attempts": 1}))
out = []
for c in req["calls"]:
    args = {"EndpointName": c["name"], "Body": base64.b64decode(c["body"]), "ContentType": c["contentType"]}
    if c.get("accept"):
        args["Accept"] = c["accept"]
    try:
        r = client.invoke_endpoint(**args)
        out.append({"ok": True, "contentType": r["ContentType"], "body": base64.b64encode(r["Body"].read()).decode()})
    except client.exceptions.ModelError as e:
        out.append({"ok": False, "code": e.response["Error"]["Code"], "status": e.response["OriginalStatusCode"], "message": e.response["OriginalMessage"]})
    except Exception as e:
        out.append({"ok": False, "code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"]["Message"]})
print(json.dumps(out))
`;

interface Call {
  name: string;
  body: string | Uint8Array;
  contentType: string;
  accept?: string;
}
type Answer = { ok: true; contentType: string; body: string } | { ok: false; code: string; status: number; message: string };

let dir: { dir: string; cleanup: () => Promise<void> };
let xgbServer: EndpointServer;
let rcfServer: EndpointServer;
let xgb: Model;
let rcf: Model;
let script: string;

/** Five rows of 30 features, the third with a missing value (an empty CSV field for XGBoost). */
const data = syntheticData(5, 99);
const rows = Array.from({ length: 5 }, (_, i) => Array.from(data.features.subarray(i * 30, i * 30 + 30)));
const csv = (r: number[][], missing = false): string => r.map((row, i) => row.map((v, j) => (missing && i === 2 && j === 4 ? "" : String(v))).join(",")).join("\n");
const matrix = (r: number[][], missing = false) => {
  const m = Float64Array.from(r.flat());
  if (missing) m[2 * 30 + 4] = NaN;
  return { data: m, rows: r.length, cols: 30 };
};

/** Runs the boto3 client in a child process (asynchronously: the endpoint answers from this one). */
async function boto3(url: string, calls: Call[]): Promise<Answer[]> {
  const input = JSON.stringify({ url, calls: calls.map((c) => ({ ...c, body: Buffer.from(c.body).toString("base64") })) });
  const child = spawn(PYTHON, [script], { stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`boto3 client failed (${String(code)}): ${stderr}`);
  return JSON.parse(stdout) as Answer[];
}
const text = (a: Answer): string => (a.ok ? Buffer.from(a.body, "base64").toString("utf8") : `error ${a.code}`);

describe.skipIf(!HAS_BOTO3)(`boto3 invoke_endpoint against the local endpoint, XGBoost and Random Cut Forest${SKIP}`, () => {
  beforeAll(async () => {
    dir = await tempDir();
    const paths = await trainTwoModels(dir.dir);
    xgb = await loadModel(paths.xgboost);
    rcf = await loadModel(paths.randomcutforest);
    xgbServer = await startEndpoint({ model: paths.xgboost, port: 0, name: "xgb" });
    rcfServer = await startEndpoint({ model: paths.randomcutforest, port: 0, name: "rcf" });
    script = join(dir.dir, "client.py");
    await writeFile(script, CLIENT);
  }, 120_000);
  afterAll(async () => {
    await xgbServer?.close();
    await rcfServer?.close();
    await dir?.cleanup();
  });

  it("XGBoost: text/csv in (an empty field is missing), and every answer format the 1.7-1 container writes", async () => {
    const p = xgb.scores(matrix(rows, true));
    const body = csv(rows, true);
    const [plain, json, lines, recordio, libsvm] = await boto3(xgbServer.url, [
      { name: "xgb", body, contentType: "text/csv" },
      { name: "xgb", body, contentType: "text/csv", accept: "application/json" },
      { name: "xgb", body, contentType: "text/csv", accept: "application/jsonlines" },
      { name: "xgb", body, contentType: "text/csv", accept: "application/x-recordio-protobuf" },
      { name: "xgb", body: rows.map((r, i) => `0 ${r.map((v, j) => (i === 2 && j === 4 ? "" : `${j}:${v}`)).join(" ")}`).join("\n"), contentType: "text/libsvm" },
    ]);
    // text/csv: one probability per line, "\n"-terminated (sagemaker_containers' array_to_csv in 1.7-1)
    expect(plain).toMatchObject({ ok: true, contentType: "text/csv" });
    expect(text(plain!)).toBe(Array.from(p, (s) => `${s}\n`).join(""));
    expect(JSON.parse(text(json!))).toEqual({ predictions: Array.from(p, (score) => ({ score })) });
    expect(text(lines!).trimEnd().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(Array.from(p, (score) => ({ score })));
    expect(parseInferenceResponse(Buffer.from((recordio as { body: string }).body, "base64")).map((x) => x.score)).toEqual(Array.from(p, (s) => expect.closeTo(s, 6) as number));
    expect(text(libsvm!)).toBe(text(plain!));
    expect(p.every((s) => s > 0 && s < 1)).toBe(true);
  });

  it("XGBoost: a RecordIO-protobuf request (dense float32) is scored like its CSV", async () => {
    const body = serializeInferenceRequest({ data: Float32Array.from(rows.flat()), shape: [5, 30] });
    const [a] = await boto3(xgbServer.url, [{ name: "xgb", body, contentType: "application/x-recordio-protobuf", accept: "text/csv" }]);
    const p = xgb.scores({ data: Float64Array.from(Float32Array.from(rows.flat())), rows: 5, cols: 30 });
    expect(text(a!)).toBe(Array.from(p, (s) => `${s}\n`).join(""));
  });

  it.each([
    ["a row of 29 features", csv([rows[0]!.slice(1)]), "text/csv", undefined, 400, /^unable to evaluate payload provided: line 1 has 29 features, the model expects 30/],
    ["a value that is not a number", csv([rows[0]!.map((v, j) => (j === 3 ? "abc" : v)) as number[]]), "text/csv", undefined, 400, /line 1, column 4: "abc" is not a number/],
    ["a content type it does not read", '{"instances":[]}', "application/json", undefined, 415, /^Content-type "application\/json" not supported/],
    ["an Accept it cannot write", csv(rows), "text/csv", "image/png", 406, /^Accept type "image\/png" is not supported/],
  ])("XGBoost: %s is the container's error, raised by boto3 as ModelError", async (_name, body, contentType, accept, status, message) => {
    const [a] = await boto3(xgbServer.url, [{ name: "xgb", body, contentType, ...(accept ? { accept } : {}) }]);
    expect(a).toMatchObject({ ok: false, code: "ModelError", status, message: expect.stringMatching(message) as string });
  });

  it('Random Cut Forest: text/csv and application/json (instances/features) in, {"scores":[{"score":x}]} out', async () => {
    const s = rcf.scores(matrix(rows));
    const instances = JSON.stringify({ instances: rows.map((features) => ({ features })) });
    const [fromCsv, fromJson, byDefault, lines] = await boto3(rcfServer.url, [
      { name: "rcf", body: csv(rows), contentType: "text/csv", accept: "application/json" },
      { name: "rcf", body: instances, contentType: "application/json", accept: "application/json" },
      { name: "rcf", body: csv(rows), contentType: "text/csv" },
      { name: "rcf", body: instances, contentType: "application/json", accept: "application/jsonlines" },
    ]);
    const expected = { scores: Array.from(s, (score) => ({ score })) };
    expect(fromCsv).toMatchObject({ ok: true, contentType: "application/json" });
    expect(JSON.parse(text(fromCsv!))).toEqual(expected);
    expect(JSON.parse(text(fromJson!))).toEqual(expected);
    expect(JSON.parse(text(byDefault!))).toEqual(expected);
    expect(text(lines!)).toBe(Array.from(s, (score) => `{"score":${score}}\n`).join(""));
    expect(s.every((x) => x > 0)).toBe(true);
  });

  it.each([
    ["a row of 29 features", csv([rows[0]!.slice(1)]), "text/csv", undefined, 400],
    ["an instance without features", '{"instances":[{"values":[1,2]}]}', "application/json", undefined, 400],
    ["JSON that does not parse", '{"instances":[', "application/json", undefined, 400],
    ["a content type it does not read", "0 1:2", "text/libsvm", undefined, 415],
    ["an Accept it cannot write", csv(rows), "text/csv", "text/csv", 406],
  ])("Random Cut Forest: %s is the container's error, raised by boto3 as ModelError", async (_name, body, contentType, accept, status) => {
    const [a] = await boto3(rcfServer.url, [{ name: "rcf", body, contentType, ...(accept ? { accept } : {}) }]);
    expect(a).toMatchObject({ ok: false, code: "ModelError", status, message: expect.any(String) as string });
    expect((a as { message: string }).message.length).toBeGreaterThan(0);
  });

  it("an unknown endpoint name is SageMaker's 400 ValidationError", async () => {
    const [a] = await boto3(rcfServer.url, [{ name: "other", body: csv(rows), contentType: "text/csv" }]);
    expect(a).toMatchObject({ ok: false, code: "ValidationError", status: 400, message: "Endpoint other of account 000000000000 not found." });
  });
});
