import { readFile } from "node:fs/promises";
import { invalid } from "../aws/errors.js";
import { parseStackOutputs } from "../aws/stack.js";
import type { StackOutputs } from "../aws/stack.js";

/**
 * Reads the deployed stack's outputs: a `fraud-stack.json`, or a saved `terraform output -json`.
 * @throws {@link SageMakerError} `INVALID_ARGUMENT` for a missing, unreadable or invalid file.
 */
export async function readStackFile(path: string): Promise<StackOutputs> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    return invalid(`${path}: cannot read the stack outputs (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return invalid(`${path}: not valid JSON (${(err as Error).message.slice(0, 80)})`);
  }
  return parseStackOutputs(json, path);
}
