// Stateful S3 and SageMaker fakes over aws-sdk-client-mock: objects put are kept (with their
// SHA-256 checksum) and read back by HeadObject/GetObject; training jobs complete at once and
// "write" a model to their output path.
import { createHash } from "node:crypto";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, NotFound, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { CreateTrainingJobRequest } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import type { AwsClientStub } from "aws-sdk-client-mock";

const creds = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "fake" };

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** A fake S3: `objects` maps `s3://bucket/key` to its bytes. */
export interface FakeS3 {
  client: S3Client;
  mock: AwsClientStub<S3Client>;
  objects: Map<string, Uint8Array>;
  /** Keys put, in order. */
  puts: string[];
}

export function fakeS3(): FakeS3 {
  const client = new S3Client({ region: "eu-west-1", credentials: creds });
  const mock = mockClient(client);
  const objects = new Map<string, Uint8Array>();
  const checksums = new Map<string, string>();
  const puts: string[] = [];
  const etag = (b: Uint8Array): string => `"${createHash("md5").update(b).digest("hex")}"`;
  mock.on(HeadBucketCommand).resolves({});
  mock.on(PutObjectCommand).callsFake(async (input: { Bucket: string; Key: string; Body: unknown; ChecksumSHA256?: string }) => {
    const url = `s3://${input.Bucket}/${input.Key}`;
    const bytes = await bytesOf(input.Body);
    const sha = createHash("sha256").update(bytes).digest("base64");
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== sha) throw Object.assign(new Error("checksum mismatch"), { name: "BadDigest" });
    objects.set(url, bytes);
    checksums.set(url, input.ChecksumSHA256 ?? "");
    puts.push(url);
    return { ETag: etag(bytes) };
  });
  mock.on(HeadObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const url = `s3://${input.Bucket}/${input.Key}`;
    const b = objects.get(url);
    if (!b) throw new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } });
    return { ETag: etag(b), ContentLength: b.length, ...(checksums.get(url) ? { ChecksumSHA256: checksums.get(url) } : {}) };
  });
  mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const b = objects.get(`s3://${input.Bucket}/${input.Key}`);
    if (!b) throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
    return { ContentLength: b.length, ETag: etag(b), Body: { transformToByteArray: async () => b } };
  });
  return { client, mock, objects, puts };
}

/** A fake SageMaker whose training jobs complete at once, writing `model` to their output path in `s3`. */
export interface FakeSageMaker {
  client: SageMakerClient;
  mock: AwsClientStub<SageMakerClient>;
  jobs: CreateTrainingJobRequest[];
}

export function fakeSageMaker(s3: FakeS3, model: () => Uint8Array, status: () => "Completed" | "InProgress" | "Failed" = () => "Completed"): FakeSageMaker {
  const client = new SageMakerClient({ region: "eu-west-1", credentials: creds });
  const mock = mockClient(client);
  const jobs: CreateTrainingJobRequest[] = [];
  const outputOf = (name: string): string => {
    const job = jobs.find((j) => j.TrainingJobName === name);
    if (!job) throw Object.assign(new Error("Requested resource not found."), { name: "ValidationException", $metadata: { httpStatusCode: 400 } });
    return `${job.OutputDataConfig!.S3OutputPath!.replace(/\/$/, "")}/${name}/output/model.tar.gz`;
  };
  mock.on(CreateTrainingJobCommand).callsFake((input: CreateTrainingJobRequest) => {
    jobs.push(input);
    return { TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${input.TrainingJobName}` };
  });
  mock.on(DescribeTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    const url = outputOf(input.TrainingJobName);
    const s = status();
    if (s === "Completed" && !s3.objects.has(url)) s3.objects.set(url, model());
    return {
      TrainingJobName: input.TrainingJobName,
      TrainingJobStatus: s,
      SecondaryStatus: s === "Completed" ? "Completed" : s === "Failed" ? "Failed" : "Training",
      ...(s === "Failed" ? { FailureReason: "ClientError: bad data" } : {}),
      ...(s === "Completed" ? { ModelArtifacts: { S3ModelArtifacts: url }, TrainingTimeInSeconds: 60, BillableTimeInSeconds: 60 } : {}),
    };
  });
  return { client, mock, jobs };
}
