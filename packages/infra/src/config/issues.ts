import type { z } from "zod";
import { InfraError } from "../errors.js";

/** Longest part of a bad value quoted in a message. */
const MAX_QUOTE = 80;

/** A bad value as messages quote it: JSON, at most ~80 characters. @internal */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_QUOTE ? `${json.slice(0, MAX_QUOTE)}…` : json;
}

/** `INVALID_ARGUMENT` naming the field: `invalid configuration: <field>: <message>`. @internal */
export function invalid(field: string, message: string, cause?: unknown): InfraError {
  return new InfraError("INVALID_ARGUMENT", `invalid configuration: ${field}: ${message}`, { field, ...(cause === undefined ? {} : { cause }) });
}

function fieldOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(root)";
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const part of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

interface SchemaDef {
  shape?: Record<string, unknown>;
  innerType?: unknown;
}

/** The field names an object schema at `path` accepts (through defaults and optionals). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: unknown = schema;
  const unwrap = (s: unknown): SchemaDef | undefined => {
    let def = (s as { _zod?: { def?: SchemaDef } })._zod?.def;
    while (def?.innerType !== undefined) def = (def.innerType as { _zod?: { def?: SchemaDef } })._zod?.def;
    return def;
  };
  for (const part of path) cur = unwrap(cur)?.shape?.[String(part)];
  return Object.keys(unwrap(cur)?.shape ?? {});
}

/**
 * Turns the first zod issue into one line naming the field and quoting the bad value, e.g.
 * `invalid configuration: lambda.memoryMb: must be an integer from 128 to 10240 (got 64)`.
 * @internal
 */
export function issueError(error: z.ZodError, input: unknown, schema?: z.ZodType, prefix: readonly PropertyKey[] = []): InfraError {
  const issue = error.issues[0];
  if (issue === undefined) return invalid(fieldOf(prefix), "rejected");
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    const keys = schema === undefined ? [] : knownKeys(schema, issue.path);
    const known = keys.length > 0 ? ` (known: ${keys.join(", ")})` : "";
    return invalid(fieldOf([...path, issue.keys[0] ?? "?"]), `unknown field${known}`, error);
  }
  const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  const value = valueAt(input, issue.path);
  // Messages from shared validators (e.g. @fraud/trainer/aws) quote the value themselves.
  const quotesItself = typeof value === "string" && message.includes(JSON.stringify(value.slice(0, 20)).slice(0, -1));
  const quoted = (typeof value === "object" && value !== null) || quotesItself ? "" : ` (got ${show(value)})`;
  return invalid(fieldOf(path), `${message}${quoted}`, error);
}
