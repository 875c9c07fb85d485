import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mockClient } from "aws-sdk-client-mock";
import { CreateTrainingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { decodeRecords, encodeDense, recordsToDense } from "@fraud/recordio";
import { generateDataset } from "@fraud/simulator";
import { stratifiedSplit } from "@fraud/trainer";
import type { Dataset } from "@fraud/trainer";
import { runSageMakerTraining } from "@fraud/trainer/sagemaker";
import type { UploadProgress } from "@fraud/trainer/sagemaker";
import { DEFAULT_SPLIT } from "../../src/data.js";
import { encodeRecordIO } from "../../src/sagemaker/upload.js";
import { startS3Stub } from "./s3-server.js";
import type { S3Stub } from "./s3-server.js";

const ROLE = "arn:aws:iam::123456789012:role/sm";
const ENV = ["AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"] as const;
let s3: S3Stub;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  s3 = await startS3Stub({ buckets: ["fraud-data"], forbidden: ["locked-bucket"] });
  for (const k of ENV) saved[k] = process.env[k];
  // The standard SDK override: no code path differs from real S3.
  process.env.AWS_ENDPOINT_URL_S3 = s3.url;
  process.env.AWS_REGION = "eu-west-1";
  process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "secret";
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
  await s3.close();
});

function sagemaker(): { client: SageMakerClient; mock: ReturnType<typeof mockClient> } {
  const client = new SageMakerClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
  const mock = mockClient(client);
  mock.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/x" });
  return { client, mock };
}

/** Rows `[start, end)` of a split, as float32 features and labels. */
function expectDecodesTo(bytes: Uint8Array, d: Dataset, start: number, end: number): void {
  const m = recordsToDense(decodeRecords(bytes));
  const cols = d.features.length / d.rows;
  expect(m.shape).toEqual([end - start, cols]);
  expect(Array.from(m.data)).toEqual(Array.from(Float32Array.from(d.features.subarray(start * cols, end * cols))));
  expect(Array.from(m.labels ?? [])).toEqual(Array.from(d.labels.subarray(start, end), Number));
}

describe("upload through AWS_ENDPOINT_URL_S3 to a local S3-compatible server", () => {
  it("streams each split as RecordIO (multipart for the large one); the bytes that land decode back to the split", async () => {
    // Prepare: 50,000 rows make a train split above the 5 MiB part size.
    const data = generateDataset({ rows: 50_000, seed: 7 });
    const { client, mock } = sagemaker();
    const progress: UploadProgress[] = [];
    // Act
    const result = await runSageMakerTraining({ data, bucket: "fraud-data", dataPrefix: "runs/", roleArn: ROLE, jobName: "up-1", seed: 3, clients: { sagemaker: client }, uploadOptions: { partSize: 5 * 1024 * 1024 }, onUploadProgress: (p) => progress.push(p) });
    // Assess
    const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 3, ["train", "validation", "test"]);
    const stored = s3.objects.get("fraud-data")!;
    expect(result.uploads.map((u) => u.key)).toEqual(["runs/up-1/train/part-00000.recordio", "runs/up-1/validation/part-00000.recordio", "runs/up-1/test/part-00000.recordio"]);
    for (const [u, split] of [[result.uploads[0]!, train!], [result.uploads[1]!, validation!], [result.uploads[2]!, test!]] as const) {
      const bytes = stored.get(u.key)!;
      expect(bytes.length).toBe(u.bytes);
      expect(u.records).toBe(split.rows);
      expectDecodesTo(bytes, split, 0, split.rows);
    }
    expect(s3.multipart.completed).toBeGreaterThanOrEqual(1);
    expect(s3.multipart.parts).toBeGreaterThanOrEqual(2);
    const total = result.uploads.reduce((a, u) => a + u.bytes, 0);
    expect(progress.at(-1)).toMatchObject({ allBytes: total, allTotalBytes: total });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.allBytes).toBeGreaterThanOrEqual(progress[i - 1]!.allBytes);
    const sent = mock.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    expect(sent.InputDataConfig?.map((c) => c.DataSource?.S3DataSource?.S3Uri)).toEqual(["s3://fraud-data/runs/up-1/train/", "s3://fraud-data/runs/up-1/validation/", "s3://fraud-data/runs/up-1/test/"]);
    expect(sent.AlgorithmSpecification?.TrainingImage).toBe("438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1");
  });

  it("writes one train shard per instance, together equal to the train split", async () => {
    const data = generateDataset({ rows: 3000, seed: 1, fraudRate: 0.05 });
    const { client } = sagemaker();
    const result = await runSageMakerTraining({ data, bucket: "fraud-data", roleArn: ROLE, jobName: "shard-1", instanceCount: 3, dataPrefix: "", clients: { sagemaker: client } });
    const [train] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 0, ["train", "validation", "test"]);
    const shards = result.uploads.slice(0, 3);
    expect(shards.map((s) => s.key)).toEqual(["shard-1/train/part-00000.recordio", "shard-1/train/part-00001.recordio", "shard-1/train/part-00002.recordio"]);
    let start = 0;
    for (const s of shards) {
      expectDecodesTo(s3.objects.get("fraud-data")!.get(s.key)!, train!, start, start + s.records);
      start += s.records;
    }
    expect(start).toBe(train!.rows);
  });

  it.each([
    ["missing-bucket", "BUCKET_NOT_FOUND", "bucket missing-bucket does not exist"],
    ["locked-bucket", "BUCKET_NOT_WRITABLE", "access to bucket locked-bucket is denied (HeadBucket): the credentials need s3:ListBucket, s3:PutObject and s3:GetObject on it"],
  ])("refuses bucket %s before uploading or creating anything", async (bucket, code, message) => {
    const { client, mock } = sagemaker();
    const before = s3.log.length;
    const p = runSageMakerTraining({ data: generateDataset({ rows: 500, seed: 1 }), bucket, roleArn: ROLE, jobName: "nope", clients: { sagemaker: client } });
    await expect(p).rejects.toMatchObject({ code, message });
    expect(s3.log.slice(before).every((l) => l.startsWith("HEAD "))).toBe(true);
    expect(mock.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
  });
});

describe("encodeRecordIO", () => {
  it("is byte-identical to encodeDense for any rows and range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.nat(), (rows, cols, a, b) => {
        const features = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 100);
        const labels = Uint8Array.from({ length: rows }, (_, i) => i % 3 === 0 ? 1 : 0);
        const start = a % rows;
        const end = start + (b % (rows - start + 1));
        const chunks = [...encodeRecordIO({ rows, features, labels }, start, end, 512)];
        const got = Buffer.concat(chunks);
        const want = end === start ? new Uint8Array(0) : encodeDense({ data: Float32Array.from(features.subarray(start * cols, end * cols)), shape: [end - start, cols] }, { labels: Float32Array.from(labels.subarray(start, end)) });
        expect(Buffer.compare(got, Buffer.from(want))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
