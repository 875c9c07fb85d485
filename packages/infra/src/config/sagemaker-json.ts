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
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `INVALID_ARGUMENT` (field `model.sagemakerJson…`).
 * @public
 */
export function readSageMakerJson(path: string): SageMakerJobRecord {
  if (!existsSync(path)) throw new InfraError("CONFIG_NOT_FOUND", `sagemaker.json not found: ${path}`, { field: "model.sagemakerJson" });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InfraError("CONFIG_PARSE", `${path}: not valid JSON: ${(err as Error).message}`, { cause: err, field: "model.sagemakerJson" });
  }
  const parsed = sagemakerJobRecordSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error, raw, undefined, ["model", "sagemakerJson"]);
  return parsed.data;
}
