// The trainer and the stack's IAM cannot drift apart: `fraud-train sagemaker --stack`'s dry run
// (its real uploads and CreateTrainingJob request, planned by @fraud/trainer against the
// synthesized stack's outputs) is authorized request by request against the synthesized policies —
// the trainer policy for the caller, the SageMaker role for what the job then does as the role —
// for every algorithm the trainer trains on SageMaker (Linear Learner, XGBoost in CSV and in
// RecordIO, Random Cut Forest with its unlabelled train and labelled test channels).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "@fraud/simulator";
import { parseS3Uri, parseStackOutputs } from "@fraud/trainer/aws";
import type { StackOutputs } from "@fraud/trainer/aws";
import { dryRunOutput, runSageMakerTraining } from "@fraud/trainer/sagemaker";
import type { DryRunOutput } from "@fraud/trainer/sagemaker";
import { TRAINING_LOG_GROUP } from "@fraud/infra";
import { ALGORITHMS, STACK_OUTPUT_NAMES } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import { allowedBy, resolveRefs } from "./iam-matcher.js";
import type { IamRequest, IamStatement } from "./iam-matcher.js";
import { refWhere, statementsOf } from "./stack-helpers.js";

const ACCOUNT = "123456789012";
const BUCKET = "fraud-detection-dev-artifacts-20261125";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/fraud-detection-dev-sagemaker`;
let tmp: ReturnType<typeof tempDir>;
let s: Synth;
let stack: StackOutputs;
let caller: IamStatement[];
let role: IamStatement[];
const CASES: readonly { name: string; algorithm: Algorithm; contentType?: string }[] = [
  ...ALGORITHMS.map((algorithm) => ({ name: algorithm, algorithm })),
  { name: "xgboost in RecordIO", algorithm: "xgboost", contentType: "application/x-recordio-protobuf" },
];
const dryRuns = new Map<string, DryRunOutput>();

/** The stack's outputs and policies as they are once applied. */
function applied(s: Synth): Record<string, string> {
  const account = Object.keys(s.json.locals ?? {}).find((k) => k.startsWith("training_account_id"));
  return {
    [refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-artifacts-", "bucket")]: BUCKET,
    [refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-artifacts-", "arn")]: `arn:aws:s3:::${BUCKET}`,
    [refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-output-", "bucket")]: "fraud-detection-dev-output-20261125",
    [refWhere(s, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn")]: ROLE,
    [`\${local.${account}}`]: ACCOUNT,
  };
}

const s3Object = (uri: string): string => {
  const { bucket, key } = parseS3Uri(uri);
  return `arn:aws:s3:::${bucket}/${key}`;
};

beforeAll(async () => {
  tmp = tempDir("trainer-iam");
  const zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
  s = synth(tmp.dir, zip, {});
  const values = applied(s);
  const fields = new Set<string>(Object.values(STACK_OUTPUT_NAMES));
  const outputs = Object.fromEntries(Object.entries(s.json.output).filter(([name]) => fields.has(name)).map(([name, o]) => [name, { value: resolveRefs(o.value, values) }]));
  stack = parseStackOutputs(outputs, "terraform output -json");
  caller = resolveRefs(statementsOf(s, "training_trainer-policy"), values) as IamStatement[];
  role = resolveRefs(statementsOf(s, "training_role-policy"), values) as IamStatement[];
  const data = generateDataset({ rows: 2000, seed: 7, fraudRate: 0.02 });
  for (const c of CASES) {
    const options = { data, stack, dryRun: true, now: new Date("2026-11-25T01:42:10Z"), algorithm: c.algorithm, ...(c.contentType ? { contentType: c.contentType } : {}) };
    dryRuns.set(c.name, dryRunOutput(await runSageMakerTraining(options)));
  }
});
afterAll(() => tmp.cleanup());

describe.each(CASES.map((c) => c.name))("%s: what fraud-train sagemaker --stack sends, against the trainer policy", (name) => {
  let dry: DryRunOutput;
  beforeAll(() => void (dry = dryRuns.get(name)!));

  it("trains against the stack's own bucket, prefixes, role and job names", () => {
    const request = dry.createTrainingJob;
    expect(request.TrainingJobName).toBe("fraud-detection-dev-20261125014210");
    expect(request.RoleArn).toBe(ROLE);
    expect(dry.uploads.every((u) => u.bucket === BUCKET && u.key.startsWith(stack.dataPrefix))).toBe(true);
    expect(request.OutputDataConfig?.S3OutputPath).toBe(`s3://${BUCKET}/${stack.modelPrefix.replace(/\/$/, "")}`);
  });

  it("may check the bucket and upload every object", () => {
    expect(allowedBy(caller, { action: "s3:ListBucket", resource: `arn:aws:s3:::${BUCKET}` }), "HeadBucket").toBeDefined();
    expect(dry.uploads.length).toBe(dry.createTrainingJob.InputDataConfig!.length);
    for (const u of dry.uploads) {
      for (const action of ["s3:PutObject", "s3:AbortMultipartUpload"]) {
        expect(allowedBy(caller, { action, resource: `arn:aws:s3:::${u.bucket}/${u.key}` }), `${action} ${u.key}`).toBeDefined();
      }
    }
  });

  it("may create, follow and stop the job, and pass the role to SageMaker only", () => {
    const job = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/${dry.createTrainingJob.TrainingJobName!.toLowerCase()}`;
    for (const action of ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]) {
      expect(allowedBy(caller, { action, resource: job }), action).toBeDefined();
    }
    if (dry.createTrainingJob.Tags?.length) expect(allowedBy(caller, { action: "sagemaker:AddTags", resource: job })).toBeDefined();
    const pass: IamRequest = { action: "iam:PassRole", resource: dry.createTrainingJob.RoleArn!, context: { "iam:PassedToService": "sagemaker.amazonaws.com" } };
    expect(allowedBy(caller, pass)).toBe("PassRoleToSageMaker");
    expect(allowedBy(caller, { ...pass, context: { "iam:PassedToService": "lambda.amazonaws.com" } })).toBeUndefined();
  });

  it("may read the job's logs", () => {
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${TRAINING_LOG_GROUP}`;
    expect(allowedBy(caller, { action: "logs:DescribeLogStreams", resource: `${group}:*` })).toBeDefined();
    expect(allowedBy(caller, { action: "logs:GetLogEvents", resource: `${group}:log-stream:${dry.createTrainingJob.TrainingJobName}/algo-1-1764034930` })).toBeDefined();
  });

  it("may not go outside the stack's layout", () => {
    const denied: IamRequest[] = [
      { action: "sagemaker:CreateTrainingJob", resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/someone-elses-job` },
      { action: "s3:PutObject", resource: `arn:aws:s3:::${BUCKET}/elsewhere/train.recordio` },
      { action: "s3:PutObject", resource: `arn:aws:s3:::another-bucket/${stack.dataPrefix}x` },
      { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin`, context: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      { action: "s3:DeleteObject", resource: `arn:aws:s3:::${BUCKET}/${stack.dataPrefix}x` },
    ];
    for (const r of denied) expect(allowedBy(caller, r), `${r.action} ${r.resource}`).toBeUndefined();
  });
});

describe.each(CASES.map((c) => c.name))("%s: what the job then does as the SageMaker role", (name) => {
  let dry: DryRunOutput;
  beforeAll(() => void (dry = dryRuns.get(name)!));

  it("may list and read every channel", () => {
    for (const channel of dry.createTrainingJob.InputDataConfig ?? []) {
      const uri = channel.DataSource!.S3DataSource!.S3Uri!;
      const { bucket, key } = parseS3Uri(uri, { allowPrefix: true });
      expect(allowedBy(role, { action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}`, context: { "s3:prefix": key } }), `list ${uri}`).toBeDefined();
      const objects = dry.uploads.filter((u) => u.key.startsWith(key));
      expect(objects.length, uri).toBeGreaterThan(0);
      for (const o of objects) expect(allowedBy(role, { action: "s3:GetObject", resource: `arn:aws:s3:::${o.bucket}/${o.key}` }), o.key).toBeDefined();
    }
  });

  it("may write the model where the trainer expects it, and the endpoint may read it back", () => {
    expect(allowedBy(role, { action: "s3:PutObject", resource: s3Object(dry.modelDataUrl) })).toBe("WriteModels");
    expect(allowedBy(role, { action: "s3:GetObject", resource: s3Object(dry.modelDataUrl) })).toBe("WriteModels");
  });

  it("may write the job's log streams and nothing else's", () => {
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${TRAINING_LOG_GROUP}`;
    expect(allowedBy(role, { action: "logs:CreateLogGroup", resource: group })).toBeDefined();
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
      expect(allowedBy(role, { action, resource: `${group}:log-stream:${dry.createTrainingJob.TrainingJobName}/algo-1-1764034930` }), action).toBeDefined();
      expect(allowedBy(role, { action, resource: `${group}:log-stream:other-job/algo-1-1764034930` }), action).toBeUndefined();
    }
  });

  it("may not write training data or read outside the layout", () => {
    expect(allowedBy(role, { action: "s3:PutObject", resource: `arn:aws:s3:::${BUCKET}/${stack.dataPrefix}x` })).toBeUndefined();
    expect(allowedBy(role, { action: "s3:GetObject", resource: `arn:aws:s3:::${BUCKET}/fraud-detection/firehose/x` })).toBeUndefined();
    expect(allowedBy(role, { action: "s3:ListBucket", resource: `arn:aws:s3:::${BUCKET}`, context: { "s3:prefix": "" } })).toBeUndefined();
  });
});
