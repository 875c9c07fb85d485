/**
 * The stages of a run, their progress reporting and timing.
 * @packageDocumentation
 */
import { DemoError, isDemoError } from "./errors.js";

/** The stages of a run, in order. @public */
export const STAGES = ["data", "encode", "train", "serve", "stream", "deliver"] as const;
/** One stage of a run. @public */
export type Stage = (typeof STAGES)[number];

/** Receives progress of a run. @public */
export interface Reporter {
  /** A stage begins. */
  start(stage: Stage, what: string): void;
  /** Progress inside a stage (`done` of `total`). */
  progress(stage: Stage, done: number, total: number): void;
  /** A stage finished. */
  end(stage: Stage, seconds: number, what: string): void;
}

/** Seconds each stage took, filled as the run goes. @internal */
export type StageTimes = Partial<Record<Stage, number>>;

/** Rounds to `digits` decimals. @internal */
export function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}

/**
 * Runs one stage: reports its start and end, records its time, and turns any failure into a
 * `STAGE_FAILED` {@link DemoError} naming it. `fn` resolves with the value and the closing line.
 * @internal
 */
export async function runStage<T>(name: Stage, reporter: Reporter, times: StageTimes, what: string, fn: () => Promise<[T, string]>): Promise<T> {
  reporter.start(name, what);
  const t0 = performance.now();
  let value: T;
  let done: string;
  try {
    [value, done] = await fn();
  } catch (err) {
    if (isDemoError(err, "STAGE_FAILED")) throw err;
    throw new DemoError("STAGE_FAILED", (err as Error).message, { cause: err, stage: name });
  }
  const seconds = (performance.now() - t0) / 1000;
  times[name] = round(seconds, 3);
  reporter.end(name, seconds, done);
  return value;
}
