/**
 * The deployed stack's outputs: the `fraud-stack.json` schema and the one table mapping its fields
 * to the stack's Terraform outputs. The stack writes these outputs, the deploy writes the file
 * from them, and the trainer reads it.
 * @packageDocumentation
 */
import * as z from "zod";
import { invalidArgument, refineWith } from "./contract-error.js";
import { PARTITIONS, partitionOf } from "./aws.js";
import type { Partition } from "./aws.js";
import { ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE } from "./environment.js";
import { bucketNameSchema, keyPrefixSchema } from "./s3.js";
import { parseRoleArn, validateJobPrefix, validateSageMakerName } from "./sagemaker.js";
import { SCORING_MODES } from "./scoring.js";
import type { ScoringMode } from "./scoring.js";

/**
 * The deployed stack's outputs (`fraud-stack.json`, written by `nx run infra:deploy` from
 * `terraform output -json`): what `fraud-train sagemaker --stack` trains against instead of copied
 * ARNs. `STACK_OUTPUT_NAMES` gives each field's Terraform output.
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
  /** Key prefix of the training data (`fraud-detection/data/`). */
  dataPrefix: string;
  /** Key prefix of the models (`fraud-detection/models/`). */
  modelPrefix: string;
  /** Bucket Firehose delivers the scored transactions to. */
  outputBucket: string;
  /** The SageMaker execution role training jobs run as. */
  sagemakerRoleArn: string;
  /** Job names are `${trainingJobPrefix}yyyyMMddHHmmss`; the stack's IAM grants only these. */
  trainingJobPrefix: string;
  /** The SageMaker endpoint, or `null` before one is deployed or in embedded scoring. */
  endpointName: string | null;
  /** Whether the scorer calls a SageMaker endpoint or scores with the model in the Lambda. */
  scoringMode: ScoringMode;
}

/**
 * The Terraform output name of every `fraud-stack.json` field: the one mapping the stack (which
 * declares the outputs) and the deploy (which reads `terraform output -json`) share.
 * @example
 * ```ts
 * STACK_OUTPUT_NAMES.artifactBucket; // "artifact_bucket"
 * ```
 * @public
 */
export const STACK_OUTPUT_NAMES = Object.freeze({
  /** Format version of `fraud-stack.json`: 1. */
  version: "version",
  /** Environment name. */
  environment: "environment",
  /** Region of the stack. */
  region: "region",
  /** Partition of the region. */
  partition: "partition",
  /** Account, from the SageMaker role's ARN. */
  accountId: "account_id",
  /** Bucket of the training data, the models and the notebook. */
  artifactBucket: "artifact_bucket",
  /** Key prefix of the training data. */
  dataPrefix: "data_prefix",
  /** Key prefix of the models. */
  modelPrefix: "model_prefix",
  /** Bucket Firehose delivers to. */
  outputBucket: "output_bucket",
  /** SageMaker execution role. */
  sagemakerRoleArn: "sagemaker_role_arn",
  /** Training job names the role may run start with it. */
  trainingJobPrefix: "training_job_prefix",
  /** SageMaker endpoint; null (left out by Terraform) without one. */
  endpointName: "endpoint_name",
  /** `endpoint` or `embedded`. */
  scoringMode: "scoring_mode",
} as const satisfies Record<keyof StackOutputs, string>);

// Built in a pure IIFE: a bundle that imports this module but not the schema (the scorer Lambda) leaves zod out.
/**
 * Schema of {@link StackOutputs}: every field's type and range, plus the cross-field rules (the
 * partition is the region's, the role is in the stack's partition and account).
 * @example
 * ```ts
 * const outputs = stackOutputsSchema.parse(JSON.parse(await readFile("fraud-stack.json", "utf8")));
 * ```
 * @public
 */
export const stackOutputsSchema: z.ZodType<StackOutputs> = /* @__PURE__ */ (() =>
  z
  .object({
    version: z.literal(1),
    environment: z.string().regex(ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE),
    region: z.string().superRefine(refineWith(partitionOf)),
    partition: z.enum(PARTITIONS),
    accountId: z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"),
    artifactBucket: bucketNameSchema,
    dataPrefix: keyPrefixSchema,
    modelPrefix: keyPrefixSchema,
    outputBucket: bucketNameSchema,
    sagemakerRoleArn: z.string().superRefine(refineWith((v: string) => parseRoleArn(v))),
    trainingJobPrefix: z.string().superRefine(refineWith(validateJobPrefix)),
    endpointName: z.string().superRefine(refineWith((v: string) => validateSageMakerName("endpoint", v))).nullable(),
    scoringMode: z.enum(SCORING_MODES),
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
  }))();

const FIELD_OF_OUTPUT: ReadonlyMap<string, keyof StackOutputs> = new Map(
  (Object.entries(STACK_OUTPUT_NAMES) as [keyof StackOutputs, string][]).map(([field, output]) => [output, field]),
);

/**
 * The `fraud-stack.json` document from the stack's Terraform output values (output name → value,
 * as `terraform output -json` gives them once unwrapped), by `STACK_OUTPUT_NAMES`. Outputs
 * outside the table are left out; Terraform omits null outputs, so a missing `endpoint_name` reads
 * as null. Not validated: check the result with {@link stackOutputsSchema}.
 * @example
 * ```ts
 * stackDocumentFromTerraform({ artifact_bucket: "b", phase: "all" }); // { version: 1, endpointName: null, artifactBucket: "b" }
 * ```
 * @public
 */
export function stackDocumentFromTerraform(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { version: 1, endpointName: null };
  for (const [name, value] of Object.entries(values)) {
    const field = FIELD_OF_OUTPUT.get(name);
    if (field !== undefined) out[field] = value;
  }
  return out;
}

function isTerraformOutput(json: unknown): json is Record<string, { value: unknown }> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const values = Object.values(json);
  return values.length > 0 && values.every((v) => typeof v === "object" && v !== null && "value" in v);
}

/**
 * Validates stack outputs given either as `fraud-stack.json` or as the raw `terraform output
 * -json` of the stack (`{ "artifact_bucket": { "value": … }, … }`).
 * @example
 * ```ts
 * const stack = parseStackOutputs(JSON.parse(text), "fraud-stack.json");
 * stack.artifactBucket; // "fraud-dev-artifacts-123456789012"
 * ```
 * @param source - Names the file in messages.
 * @throws ContractError `INVALID_ARGUMENT` naming each bad field and its problem.
 * @public
 */
export function parseStackOutputs(json: unknown, source = "fraud-stack.json"): StackOutputs {
  const doc = isTerraformOutput(json) ? stackDocumentFromTerraform(Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value]))) : json;
  const result = stackOutputsSchema.safeParse(doc);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  return invalidArgument(`${source}: invalid stack outputs: ${problems.join("; ")}`);
}


/** npm's integrity string of a tarball: `sha512-` and the base64 SHA-512 of its bytes. @public */
export const NPM_INTEGRITY_PATTERN = /^sha512-[A-Za-z0-9+/]{86}==$/;

/** One `npm pack` tarball uploaded beside the notebook. @public */
export interface NotebookPackage {
  /** Package name, e.g. `@fraud/simulator`. */
  name: string;
  /** Its version. */
  version: string;
  /** Object key of the tarball in the artifact bucket. */
  key: string;
  /** npm's integrity of the tarball (`sha512-<base64>`), checked before it is installed. */
  integrity: string;
  /** The commands its `bin` declares (`fraud-sim`, `fraud-train`, …). */
  bin: string[];
}

/**
 * Schema of a {@link NotebookPackage}.
 * @example
 * ```ts
 * notebookPackageSchema.parse({ name: "@fraud/simulator", version: "0.1.0", key: "fraud-detection/notebook/packages/fraud-simulator-0.1.0.tgz", integrity, bin: ["fraud-sim"] });
 * ```
 * @public
 */
export const notebookPackageSchema: z.ZodType<NotebookPackage> = /* @__PURE__ */ (() =>
  z.strictObject({
  name: z.string().regex(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, "an npm package name"),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "a semver version"),
  key: z.string().min(1).regex(/\.tgz$/, "the key of a .tgz tarball"),
  integrity: z.string().regex(NPM_INTEGRITY_PATTERN, "npm's sha512 integrity (sha512-<base64>)"),
  bin: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a command name")),
}))();

/**
 * The `fraud-stack.json` the stack uploads beside its notebook: the stack's outputs, plus the
 * project's packages the notebook installs from the bucket (never from a public registry).
 * @public
 */
export interface NotebookStackFile extends StackOutputs {
  /** The `npm pack` tarballs uploaded under the notebook prefix, with their integrity. */
  notebookPackages: NotebookPackage[];
}

/**
 * Reads the notebook's `fraud-stack.json` ({@link NotebookStackFile}): the outputs' rules plus
 * every package's integrity.
 * @throws {@link ContractError} `INVALID_ARGUMENT` naming the first bad field.
 * @example
 * ```ts
 * const file = parseNotebookStackFile(JSON.parse(readFileSync("fraud-stack.json", "utf8")));
 * ```
 * @public
 */
export function parseNotebookStackFile(value: unknown): NotebookStackFile {
  const outputs = parseStackOutputs(value);
  const parsed = z.array(notebookPackageSchema).safeParse((value as { notebookPackages?: unknown } | null)?.notebookPackages);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    invalidArgument(`invalid fraud-stack.json: notebookPackages${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}: ${issue.message}`);
  }
  return { ...outputs, notebookPackages: parsed.data };
}
