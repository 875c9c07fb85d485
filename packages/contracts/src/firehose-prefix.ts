/**
 * Where Kinesis Data Firehose puts what it delivers: the stack's prefix and error-output prefix in
 * Firehose's own expression language (`!{timestamp:yyyy}`, `!{firehose:error-output-type}`), defined
 * once, and an evaluator that turns them into object keys — used by the stack (which hands the
 * expressions to Firehose), by the local Firehose stand-in (which evaluates them to write its keys)
 * and by whoever reads the objects back.
 * @packageDocumentation
 */
import { ContractError } from "./contract-error.js";
import { quote } from "./text.js";

/**
 * Hive-style date partitions (UTC, arrival time of the oldest record in the object), appended to
 * the stack's prefixes so Athena and Glue crawlers see `year`, `month`, `day` and `hour` columns.
 * @public
 */
export const FIREHOSE_DATE_PARTITIONS = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";

/**
 * The stack's default key prefixes (plain text, no expressions; the partitions are appended by
 * {@link firehosePrefixExpressions}).
 * @public
 */
export const FIREHOSE_PREFIX_DEFAULTS = {
  /** Delivered objects. */
  prefix: "fraud-detection/firehose/",
  /** Objects Firehose could not deliver, under their error type. */
  errorPrefix: "fraud-detection/firehose-errors/",
} as const;

/** The two expressions a delivery stream is configured with. @public */
export interface FirehosePrefixExpressions {
  /** `Prefix` (`prefix` in Terraform). */
  prefix: string;
  /** `ErrorOutputPrefix` (`error_output_prefix` in Terraform). */
  errorOutputPrefix: string;
}

/**
 * The stack's Firehose prefixes as Firehose expressions: `<prefix>year=…/month=…/day=…/hour=…/` and
 * `<errorPrefix>!{firehose:error-output-type}/year=…/…/`. Both inputs are plain key prefixes
 * ending in `/`.
 * @throws {@link ContractError} `INVALID_ARGUMENT` when a prefix does not end in `/` or already
 * holds an expression.
 * @example
 * ```ts
 * firehosePrefixExpressions("fraud-detection/firehose/", "fraud-detection/firehose-errors/").prefix;
 * // "fraud-detection/firehose/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
 * ```
 * @public
 */
export function firehosePrefixExpressions(
  prefix: string = FIREHOSE_PREFIX_DEFAULTS.prefix,
  errorPrefix: string = FIREHOSE_PREFIX_DEFAULTS.errorPrefix,
): FirehosePrefixExpressions {
  for (const [name, p] of [
    ["prefix", prefix],
    ["error prefix", errorPrefix],
  ] as const) {
    if (typeof p !== "string" || (p !== "" && !p.endsWith("/")) || p.includes("!{")) {
      throw new ContractError("INVALID_ARGUMENT", `firehose ${name} ${quote(p)} must be a key prefix ending with "/" and without expressions`);
    }
  }
  return { prefix: `${prefix}${FIREHOSE_DATE_PARTITIONS}`, errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/${FIREHOSE_DATE_PARTITIONS}` };
}

/** What an expression is evaluated with. @public */
export interface FirehosePrefixContext {
  /** Arrival time of the oldest record in the object (`!{timestamp:…}`, UTC). */
  timestamp: Date;
  /** `!{firehose:error-output-type}` (error-output prefixes only), e.g. `processing-failed`. */
  errorOutputType?: string;
  /**
   * `!{firehose:random-string}`: 11 characters, new at every use.
   * @defaultValue refused (a key that must be reproducible has none)
   */
  randomString?: () => string;
}

type Part = { text: string } | { timestamp: string } | { firehose: "error-output-type" | "random-string" };

/** The DateTimeFormatter letters supported, their width in digits when padded and their UTC value. */
const FIELDS: Record<string, (d: Date) => number> = {
  y: (d) => d.getUTCFullYear(),
  M: (d) => d.getUTCMonth() + 1,
  d: (d) => d.getUTCDate(),
  H: (d) => d.getUTCHours(),
  m: (d) => d.getUTCMinutes(),
  s: (d) => d.getUTCSeconds(),
};

function invalid(expression: string, reason: string): never {
  throw new ContractError("INVALID_ARGUMENT", `invalid firehose prefix ${quote(expression)}: ${reason}`, reason);
}

/** A `!{timestamp:…}` pattern split into runs of one letter and literal text. */
function timestampTokens(expression: string, pattern: string): Array<{ letter: string; count: number } | { literal: string }> {
  const tokens: Array<{ letter: string; count: number } | { literal: string }> = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) invalid(expression, `unterminated quote in timestamp pattern ${quote(pattern)}`);
      tokens.push({ literal: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const count = j - i;
      if (!(c in FIELDS) || (c === "y" && count !== 2 && count !== 4) || (c !== "y" && count > 2)) {
        invalid(expression, `unsupported timestamp pattern ${quote(c.repeat(count))} (use yyyy, yy, MM, dd, HH, mm, ss)`);
      }
      tokens.push({ letter: c, count });
      i = j;
    } else {
      tokens.push({ literal: c });
      i++;
    }
  }
  return tokens;
}

function parse(expression: string): Part[] {
  if (typeof expression !== "string") invalid(String(expression), "not a string");
  const parts: Part[] = [];
  let i = 0;
  while (i < expression.length) {
    const start = expression.indexOf("!{", i);
    if (start < 0) {
      parts.push({ text: expression.slice(i) });
      break;
    }
    if (start > i) parts.push({ text: expression.slice(i, start) });
    const end = expression.indexOf("}", start);
    if (end < 0) invalid(expression, `unclosed expression at character ${start + 1}`);
    const body = expression.slice(start + 2, end);
    const colon = body.indexOf(":");
    const namespace = colon < 0 ? body : body.slice(0, colon);
    const value = colon < 0 ? "" : body.slice(colon + 1);
    if (namespace === "timestamp" && value !== "") {
      timestampTokens(expression, value);
      parts.push({ timestamp: value });
    } else if (namespace === "firehose" && (value === "error-output-type" || value === "random-string")) {
      parts.push({ firehose: value });
    } else {
      invalid(expression, `unsupported expression ${quote(`!{${body}}`)} (supported: !{timestamp:<pattern>}, !{firehose:error-output-type}, !{firehose:random-string})`);
    }
    i = end + 1;
  }
  return parts;
}

function formatTimestamp(expression: string, pattern: string, date: Date): string {
  return timestampTokens(expression, pattern)
    .map((t) => {
      if ("literal" in t) return t.literal;
      const n = FIELDS[t.letter]!(date);
      if (t.letter === "y") return t.count === 2 ? String(n % 100).padStart(2, "0") : String(n).padStart(4, "0");
      return String(n).padStart(t.count, "0");
    })
    .join("");
}

/**
 * Evaluates a Firehose prefix expression as Firehose does: every `!{timestamp:…}` (a Java
 * DateTimeFormatter pattern: `yyyy`, `yy`, `MM`, `dd`, `HH`, `mm`, `ss`, `M`, `d`, `H`, quoted text,
 * other characters as they are) at one instant, in UTC; `!{firehose:error-output-type}` and
 * `!{firehose:random-string}` from the context.
 * @throws {@link ContractError} `INVALID_ARGUMENT` for an unsupported or malformed expression, an
 * invalid timestamp, or `error-output-type` / `random-string` without a value in the context.
 * @example
 * ```ts
 * evaluateFirehosePrefix(firehosePrefixExpressions().prefix, { timestamp: new Date("2026-12-07T01:30:00Z") });
 * // "fraud-detection/firehose/year=2026/month=12/day=07/hour=01/"
 * ```
 * @public
 */
export function evaluateFirehosePrefix(expression: string, context: FirehosePrefixContext): string {
  const parts = parse(expression);
  const date = context?.timestamp;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) invalid(expression, `timestamp must be a valid Date (got ${quote(date)})`);
  return parts
    .map((p) => {
      if ("text" in p) return p.text;
      if ("timestamp" in p) return formatTimestamp(expression, p.timestamp, date);
      if (p.firehose === "error-output-type") {
        if (context.errorOutputType === undefined) invalid(expression, "!{firehose:error-output-type} is only evaluated for an error output");
        return context.errorOutputType;
      }
      if (context.randomString === undefined) invalid(expression, "!{firehose:random-string} needs a random-string source");
      return context.randomString();
    })
    .join("");
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A regular expression matching every key the expression can evaluate to (anchored at the start,
 * open at the end), with named groups `year`, `month`, `day`, `hour`, `minute`, `second` for the
 * first use of each timestamp field and `errorOutputType` — to read a bucket laid out by it.
 * @example
 * ```ts
 * firehosePrefixPattern(firehosePrefixExpressions().prefix).exec("fraud-detection/firehose/year=2026/month=12/day=07/hour=01/x.gz")?.groups?.hour; // "01"
 * ```
 * @public
 */
export function firehosePrefixPattern(expression: string): RegExp {
  const names: Record<string, string> = { y: "year", M: "month", d: "day", H: "hour", m: "minute", s: "second" };
  const used = new Set<string>();
  const source = parse(expression)
    .map((p) => {
      if ("text" in p) return escape(p.text);
      if ("firehose" in p) return p.firehose === "random-string" ? "[A-Za-z0-9]{11}" : used.has("e") ? "[a-z-]+" : (used.add("e"), "(?<errorOutputType>[a-z-]+)");
      return timestampTokens(expression, p.timestamp)
        .map((t) => {
          if ("literal" in t) return escape(t.literal);
          const digits = t.count === 1 ? "\\d{1,2}" : `\\d{${t.count}}`;
          const name = names[t.letter]!;
          if (used.has(name)) return digits;
          used.add(name);
          return `(?<${name}>${digits})`;
        })
        .join("");
    })
    .join("");
  return new RegExp(`^${source}`);
}

/** What names one delivered object (Firehose's default object name). @public */
export interface FirehoseObjectName {
  /** Delivery stream name. */
  stream: string;
  /** When the object was written (UTC). */
  written: Date;
  /** The random suffix (a UUID on AWS). */
  uuid: string;
  /** The stream's configuration version. @defaultValue 1 */
  version?: number;
  /** File extension. @defaultValue ".gz" (GZIP) */
  extension?: string;
}

/**
 * Firehose's object name after the evaluated prefix:
 * `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>` (write time, UTC).
 * @example
 * ```ts
 * firehoseObjectName({ stream: "s", written: new Date("2026-11-25T01:42:10Z"), uuid: "u" }); // "s-1-2026-11-25-01-42-10-u.gz"
 * ```
 * @public
 */
export function firehoseObjectName(name: FirehoseObjectName): string {
  const stamp = formatTimestamp("", "yyyy-MM-dd-HH-mm-ss", name.written);
  return `${name.stream}-${name.version ?? 1}-${stamp}-${name.uuid}${name.extension ?? ".gz"}`;
}
