import * as z from "zod";
import { invalid } from "./errors.js";
import { parseRoleArn, validateJobPrefix, validateSageMakerName } from "./names.js";
import { partitionOf } from "./partitions.js";
import type { Partition } from "./partitions.js";
import { bucketNameSchema, keyPrefix, refineWith } from "./s3.js";

/**
 * The deployed stack's outputs (`fraud-stack.json`, written by `nx run infra:deploy` from
 * `terraform output -json`): what `fraud-train sagemaker --stack` trains against instead of copied
 * ARNs. Terraform's output names are the snake_case of these fields.
 * @public
 */
export interface StackOutputs {
  /** Format version of the file: 1. */
  version: 1;
  /** Environment name (`dev`, `prod`, …). */
  environment: string;
  /** Region of the stack. */
  region: string;
  /** Partition of the region (`aws`, `aws-cn`, `aws-us-gov`, …). */
  partition: Partition;
  /** 12-digit account of the stack. */
  accountId: string;
  /** Bucket of the training data and the models. */
  artifactBucket: string;
  /** Key prefix of the training data (`fraud-detection/data/`): `fraud-train` uploads train/validation/test under it. */
  dataPrefix: string;
  /** Key prefix of the models (`fraud-detection/models/`): training jobs write their output under it. */
  modelPrefix: string;
  /** Bucket Firehose delivers the scored transactions to (under `fraud-detection/firehose/`). */
  outputBucket: string;
  /** The SageMaker execution role training jobs run as. */
  sagemakerRoleArn: string;
  /** Job names are `${trainingJobPrefix}yyyyMMddHHmmss`; the stack's IAM grants only these. */
  trainingJobPrefix: string;
  /** The SageMaker endpoint, or `null` before one is deployed or in embedded scoring. */
  endpointName: string | null;
  /** Whether the scorer calls a SageMaker endpoint or scores with the model in the Lambda. */
  scoringMode: "endpoint" | "embedded";
}

const prefixSchema = z.string().superRefine(
  refineWith((v: string) => {
    if (keyPrefix(v) !== v) invalid(`key prefix ${JSON.stringify(v.slice(0, 80))} must be empty or end with "/" and have no leading "/"`);
  }),
);

const partitions = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"] as const satisfies readonly Partition[];

/**
 * Schema of {@link StackOutputs}: every field's type and range, plus the cross-field rules (the
 * partition is the region's, the role is in the stack's partition and account).
 *
 * @example
 * ```ts
 * const outputs = stackOutputsSchema.parse(JSON.parse(await readFile("fraud-stack.json", "utf8")));
 * ```
 * @public
 */
export const stackOutputsSchema: z.ZodType<StackOutputs> = z
  .object({
    version: z.literal(1),
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "1-32 lowercase letters, digits and hyphens, starting with a letter"),
    region: z.string().superRefine(refineWith(partitionOf)),
    partition: z.enum(partitions),
    accountId: z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"),
    artifactBucket: bucketNameSchema,
    dataPrefix: prefixSchema,
    modelPrefix: prefixSchema,
    outputBucket: bucketNameSchema,
    sagemakerRoleArn: z.string().superRefine(refineWith((v: string) => parseRoleArn(v))),
    trainingJobPrefix: z.string().superRefine(refineWith(validateJobPrefix)),
    endpointName: z.string().superRefine(refineWith((v: string) => validateSageMakerName("endpoint", v))).nullable(),
    scoringMode: z.enum(["endpoint", "embedded"]),
  })
  .superRefine((o, ctx) => {
    let partition: string;
    try {
      partition = partitionOf(o.region);
    } catch {
      return; // reported on the field
    }
    if (o.partition !== partition) ctx.addIssue({ code: "custom", path: ["partition"], message: `${o.partition} is not the partition of ${o.region} (${partition})` });
    const m = /^arn:([^:]+):iam::(\d{12}):/.exec(o.sagemakerRoleArn);
    if (m !== null && m[1] !== partition) ctx.addIssue({ code: "custom", path: ["sagemakerRoleArn"], message: `the role is in partition ${m[1]}, the stack in ${partition}` });
    if (m !== null && m[2] !== o.accountId) ctx.addIssue({ code: "custom", path: ["sagemakerRoleArn"], message: `the role is in account ${m[2]}, the stack in ${o.accountId}` });
  });

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * The `fraud-stack.json` fields in the stack's Terraform outputs, given as output name → value:
 * `artifact_bucket` → `artifactBucket`, and so on. Terraform leaves outputs whose value is null out
 * of `terraform output -json`, so a missing `endpoint_name` (no endpoint: the foundation alone, or
 * embedded scoring) reads as null. Not validated: check the result with {@link stackOutputsSchema}.
 *
 * @example
 * ```ts
 * stackDocumentFromTerraform({ artifact_bucket: "b" }); // { version: 1, endpointName: null, artifactBucket: "b" }
 * ```
 * @public
 */
export function stackDocumentFromTerraform(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { version: 1, endpointName: null };
  for (const [name, value] of Object.entries(values)) out[camel(name)] = value;
  return out;
}

/** `terraform output -json` (`{ "artifact_bucket": { "value": … }, … }`) → the fraud-stack.json shape. */
function fromTerraform(json: Record<string, unknown>): Record<string, unknown> {
  return stackDocumentFromTerraform(Object.fromEntries(Object.entries(json).map(([name, output]) => [name, (output as { value: unknown }).value])));
}

function isTerraformOutput(json: unknown): json is Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const values = Object.values(json);
  return values.length > 0 && values.every((v) => typeof v === "object" && v !== null && "value" in v);
}

/**
 * Validates stack outputs given either as `fraud-stack.json` or as the raw `terraform output
 * -json` of the stack (snake_case names, `{ "value": … }` wrappers).
 *
 * @example
 * ```ts
 * const stack = parseStackOutputs(JSON.parse(text), "fraud-stack.json");
 * stack.artifactBucket; // "fraud-dev-artifacts-123456789012"
 * ```
 * @param source - Names the file in messages.
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` naming each bad field and its problem.
 * @public
 */
export function parseStackOutputs(json: unknown, source = "fraud-stack.json"): StackOutputs {
  const result = stackOutputsSchema.safeParse(isTerraformOutput(json) ? fromTerraform(json) : json);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  return invalid(`${source}: invalid stack outputs: ${problems.join("; ")}`);
}
