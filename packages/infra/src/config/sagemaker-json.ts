import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { InfraError } from "../errors.js";
import { issueError } from "./issues.js";

const recordSchema = z.object({
  jobName: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
  image: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
  modelDataUrl: z.string({ error: "must be a string" }).regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/, { error: "must be an s3:// URL of model.tar.gz" }),
  region: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
});

/** The `sagemaker.json` written by `fraud-train sagemaker`. @public */
export type SageMakerJobInfo = z.output<typeof recordSchema>;

/**
 * Reads the trainer's `sagemaker.json`.
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `INVALID_ARGUMENT` (field `model.sagemakerJson…`).
 * @public
 */
export function readSageMakerJson(path: string): SageMakerJobInfo {
  if (!existsSync(path)) throw new InfraError("CONFIG_NOT_FOUND", `sagemaker.json not found: ${path}`, { field: "model.sagemakerJson" });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InfraError("CONFIG_PARSE", `${path}: not valid JSON: ${(err as Error).message}`, { cause: err, field: "model.sagemakerJson" });
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error, raw, recordSchema, ["model", "sagemakerJson"]);
  return parsed.data;
}
