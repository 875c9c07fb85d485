/**
 * Option checks shared by the library and the CLI: zod schemas with messages that name the option
 * and quote (at most 80 characters of) the bad value.
 * @packageDocumentation
 */
import { z } from "zod";
import { quote } from "@fraud/contracts";
import { LocalAwsError } from "./errors.js";

/** A value for a message: `@fraud/contracts`' one quoting rule. @internal */
export { quote };

/** An accepted numeric range. @internal */
export interface NumberRange {
  /** Smallest value accepted. */
  min: number;
  /** Largest value accepted. */
  max: number;
  /** Whether only integers are accepted. */
  integer?: boolean;
}

/** The message stem of a range: `<name> must be a number from <min> to <max>`. @internal */
export function rangeText(name: string, range: NumberRange): string {
  return `${name} must be ${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}`;
}

/** A finite number in `range`; failures read `<name> must be a number from <min> to <max>, got <value>`. @internal */
export function numberIn(name: string, range: NumberRange): z.ZodNumber {
  const error = (issue: { input?: unknown }): string => `${rangeText(name, range)}, got ${quote(issue.input)}`;
  const schema = z.number({ error }).min(range.min, { error }).max(range.max, { error });
  return range.integer ? schema.int({ error }) : schema;
}

/** A TCP port, 0 picking a free one. @internal */
export const portSchema = z.number({ error: (i) => `invalid port: ${quote(i.input)}` }).int({ error: (i) => `invalid port: ${quote(i.input)}` }).min(0, { error: (i) => `invalid port: ${quote(i.input)}` }).max(65535, { error: (i) => `invalid port: ${quote(i.input)}` });

/** A non-empty string option. @internal */
export function nonEmpty(name: string): z.ZodString {
  const error = (issue: { input?: unknown }): string => `${name} must be a non-empty string, got ${quote(issue.input)}`;
  return z.string({ error }).min(1, { error });
}

/** Parses start options, throwing `INVALID_ARGUMENT` with the first problem. @internal */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new LocalAwsError("INVALID_ARGUMENT", result.error.issues[0]?.message ?? "invalid options");
}
