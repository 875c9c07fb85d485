import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { ensureParentFolder } from "./fs.js";
import { InfraError } from "../errors.js";
import { STACK_OUTPUT_NAMES, quote, stackDocumentFromTerraform, stackOutputsSchema } from "@fraud/contracts";
import type { StackOutputs } from "@fraud/contracts";

/** The Terraform output of a `fraud-stack.json` field, by the one table. */
function outputOf(field: string): string {
  return STACK_OUTPUT_NAMES[field as keyof typeof STACK_OUTPUT_NAMES] ?? field;
}

/**
 * Builds `fraud-stack.json` from `terraform output -json` (output name → value): each field is
 * read from its output by `@fraud/contracts`' one table (`STACK_OUTPUT_NAMES`, `artifactBucket` ←
 * `artifact_bucket`), and `environment` falls back to the deployed environment.
 *
 * @example
 * ```ts
 * const stack = stackOutputsFromTerraform(await terraform.outputs(), "dev");
 * ```
 * @throws {@link InfraError} `OUTPUTS_INVALID` naming the missing or bad output.
 * @public
 */
export function stackOutputsFromTerraform(outputs: Record<string, unknown>, environment: string): StackOutputs {
  const doc: Record<string, unknown> = { environment, ...stackDocumentFromTerraform(outputs) };
  const parsed = stackOutputsSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues.find((i) => doc[String(i.path[0])] === undefined) ?? parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    const got = doc[field];
    throw new InfraError(
      "OUTPUTS_INVALID",
      got === undefined
        ? `terraform output has no "${outputOf(field)}" (needed for fraud-stack.json field ${field})`
        : `terraform output "${outputOf(field)}": ${issue.message} (got ${quote(got)})`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * Writes `fraud-stack.json` atomically when its content changes; returns whether it did.
 * @example
 * ```ts
 * if (await writeStackFile("fraud-stack.json", stack)) console.log("updated");
 * ```
 * @public
 */
export async function writeStackFile(file: string, outputs: StackOutputs): Promise<boolean> {
  const text = `${JSON.stringify(outputs, null, 2)}\n`;
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === text) return false;
  await ensureParentFolder(dirname(file));
  await writeFileAtomic(file, text);
  return true;
}
