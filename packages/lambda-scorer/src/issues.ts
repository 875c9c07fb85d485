/**
 * Turns zod issues into one-line reasons that name the field and quote the bad value.
 * @packageDocumentation
 */
import type { z } from "zod";
import { quote } from "./errors.js";

/** `a.b[2].c` for a zod issue path under `root`. @internal */
export function issuePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

/** The value at `path` inside `input`, `undefined` when absent. @internal */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `<path> <message> (got <value>)`, or `<path> is missing`. @internal */
export function describeIssue(root: string, issue: z.core.$ZodIssue, input: unknown): string {
  const where = issuePath(root, issue.path);
  const value = valueAt(input, issue.path);
  if (issue.code === "unrecognized_keys") return `${where} has unknown field ${quote(issue.keys[0])}`;
  if (value === undefined && issue.code === "invalid_type") return `${where} is missing`;
  return `${where} ${issue.message} (got ${quote(value)})`;
}
