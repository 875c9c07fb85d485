/**
 * Turns zod issues into one-line reasons that name the field and quote the bad value.
 * @packageDocumentation
 */
import type { z } from "zod";
import { issuePath as sharedIssuePath, quote, valueAt } from "@fraud/contracts";

/** `a.b[2].c` for a zod issue path under `root` (`@fraud/contracts`' `issuePath`). @internal */
export function issuePath(root: string, path: readonly PropertyKey[]): string {
  return root === "" && path.length === 0 ? "" : sharedIssuePath(path, root);
}

/** `<path> <message> (got <value>)`, or `<path> is missing`. @internal */
export function describeIssue(root: string, issue: z.core.$ZodIssue, input: unknown): string {
  const where = issuePath(root, issue.path);
  const value = valueAt(input, issue.path);
  if (issue.code === "unrecognized_keys") return `${where} has unknown field ${quote(issue.keys[0])}`;
  if (value === undefined && issue.code === "invalid_type") return `${where} is missing`;
  return `${where} ${issue.message} (got ${quote(value)})`;
}
