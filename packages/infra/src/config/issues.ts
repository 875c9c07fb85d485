import type { z } from "zod";
import { issuePath, quote, valueAt } from "@fraud/contracts";
import { InfraError } from "../errors.js";

/** A bad value as messages quote it (`@fraud/contracts`' `quote`). @internal */
export const show: (value: unknown) => string = quote;

/** `INVALID_ARGUMENT` naming the field: `invalid configuration: <field>: <message>`. @internal */
export function invalid(field: string, message: string, cause?: unknown): InfraError {
  return new InfraError("INVALID_ARGUMENT", `invalid configuration: ${field}: ${message}`, { field, ...(cause === undefined ? {} : { cause }) });
}

const fieldOf = (path: readonly PropertyKey[]): string => issuePath(path);

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
  // Messages from shared validators (@fraud/contracts) quote the value themselves.
  const quotesItself = typeof value === "string" && message.includes(JSON.stringify(value.slice(0, 20)).slice(0, -1));
  const quoted = (typeof value === "object" && value !== null) || quotesItself ? "" : ` (got ${show(value)})`;
  return invalid(fieldOf(path), `${message}${quoted}`, error);
}
