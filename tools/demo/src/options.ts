/**
 * The demo's options: one zod schema gives the defaults and the checks.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DemoError } from "./errors.js";

/**
 * The repository root: the nearest folder above this module holding `nx.json` (from
 * tools/demo/src, tools/demo/dist and tools/demo/dist/bundle alike).
 * @public
 */
export const REPO_ROOT = workspaceRoot(dirname(fileURLToPath(import.meta.url)));

function workspaceRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "nx.json"))) return dir;
    // not inside the workspace: where tools/demo/{src,dist} puts it
    if (dirname(dir) === dir) return resolve(from, "..", "..", "..");
  }
}

/** Options of {@link runDemo}. @public */
export interface DemoOptions {
  /** Rows to generate when no `data` file is given (1,000–10,000,000). @defaultValue 284807 */
  rows?: number;
  /** A creditcard.csv to use instead of generated data (e.g. the real file). */
  data?: string | undefined;
  /** Transactions to stream through the Lambda (1–1,000,000). @defaultValue 4000 */
  transactions?: number;
  /** Share of records (0 to below 1) the local Firehose reports failed; the scorer must resend them. @defaultValue 0 */
  failRate?: number;
  /** Seed of the data, the split, the training and the stream. @defaultValue 42 */
  seed?: number;
  /** Output folder. @defaultValue `runs/<timestamp>` in the repository */
  out?: string;
  /** Mean arrivals per second of the HTTP stream (Poisson). @defaultValue 4000 */
  rate?: number;
  /** Transactions drawn by each scheduled invocation (1–10,000). @defaultValue 500 */
  batchSize?: number;
  /** Path of the Lambda zip. @defaultValue `packages/lambda-scorer/dist/lambda/lambda.zip` */
  lambdaZip?: string;
}

function show(value: unknown): string {
  const text = typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function int(name: string, min: number, max: number): z.ZodNumber {
  const error = (i: { input?: unknown }): string => `${name} must be an integer from ${min} to ${max}, got ${show(i.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function num(name: string, min: number, max: number): z.ZodNumber {
  const error = (i: { input?: unknown }): string => `${name} must be a number from ${min} to ${max}, got ${show(i.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

function belowOne(name: string): z.ZodNumber {
  const error = (i: { input?: unknown }): string => `${name} must be a number from 0 to below 1, got ${show(i.input)}`;
  return z.number({ error }).min(0, { error }).lt(1, { error });
}

/** Numeric options as the CLI flags them, with their ranges (the CLI reuses them). @internal */
export const NUMERIC_OPTIONS = {
  rows: int("rows", 1000, 10_000_000),
  transactions: int("transactions", 1, 1_000_000),
  failRate: belowOne("fail rate"),
  seed: int("seed", 0, 2 ** 31 - 1),
  rate: num("rate", 0.001, 1_000_000),
  batchSize: int("batch size", 1, 10_000),
  keep: int("keep", 1, 1000),
};

const optionsSchema = z.object({
  rows: NUMERIC_OPTIONS.rows.default(284_807),
  data: z.string().min(1).optional(),
  transactions: NUMERIC_OPTIONS.transactions.default(4000),
  failRate: NUMERIC_OPTIONS.failRate.default(0),
  seed: NUMERIC_OPTIONS.seed.default(42),
  out: z.string().min(1).optional(),
  rate: NUMERIC_OPTIONS.rate.default(4000),
  batchSize: NUMERIC_OPTIONS.batchSize.default(500),
  lambdaZip: z.string().min(1).optional(),
});

/** Options with their defaults applied and paths resolved. @internal */
export interface ResolvedOptions extends Required<Omit<DemoOptions, "data">> {
  /** The CSV read instead of generating, if any. */
  data: string | undefined;
}

/** Checks options and applies defaults; a bad one is an `INVALID_ARGUMENT` {@link DemoError}. @internal */
export function resolveOptions(options: DemoOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new DemoError("INVALID_ARGUMENT", parsed.error.issues[0]?.message ?? "invalid options");
  const o = parsed.data;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return {
    ...o,
    data: o.data,
    out: resolve(o.out ?? join(REPO_ROOT, "runs", stamp)),
    lambdaZip: resolve(o.lambdaZip ?? join(REPO_ROOT, "packages/lambda-scorer/dist/lambda/lambda.zip")),
  };
}
