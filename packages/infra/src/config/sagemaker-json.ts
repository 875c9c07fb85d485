import { existsSync, readFileSync } from "node:fs";
import { sagemakerJobRecordSchema } from "@fraud/contracts";
import type { SageMakerJobRecord } from "@fraud/contracts";
import { InfraError } from "../errors.js";
import { issueError } from "./issues.js";

/**
 * Reads the `sagemaker.json` written by `fraud-train sagemaker`, with its one schema (`@fraud/contracts`).
 * @example
 * ```ts
 * readSageMakerJson("runs/sagemaker.json").modelDataUrl; // "s3://…/model.tar.gz"
 * ```
 * @param path - the file
 * @param field - the setting that named it, for error messages
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `INVALID_ARGUMENT` (field `model.sagemakerJson…`).
 * @public
 */
export function readSageMakerJson(path: string, field = "model.sagemakerJson"): SageMakerJobRecord {
  if (!existsSync(path)) throw new InfraError("CONFIG_NOT_FOUND", `sagemaker.json not found: ${path}`, { field });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InfraError("CONFIG_PARSE", `${path}: not valid JSON: ${(err as Error).message}`, { cause: err, field });
  }
  const parsed = sagemakerJobRecordSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error, raw, undefined, field.split("."));
  return parsed.data;
}
