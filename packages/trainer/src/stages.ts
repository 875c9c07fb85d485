// Wall-clock seconds of each stage of a command, for `--verbose` and `metrics.json`.
import { performance } from "node:perf_hooks";

/**
 * Seconds spent in each stage of `fraud-train local`, in the order they ran: `read` (the
 * training and validation files; a separate test file is read on a worker meanwhile, and any wait
 * for it after training counts here), `split`, `smote` (only with `--smote`), `scale`, `train`,
 * `finish` (the training plug-in's own work after training: scoring the validation set for its
 * threshold or its figures, encoding the artifact), `fingerprint` (hashing the data for
 * `metrics.json`; while worker threads train, it overlaps `train`), `evaluate`,
 * `operatingPoints`, `report` and `archive` (writing the outputs; absent from `metrics.json`,
 * which is written in that stage).
 * @public
 */
export type StageSeconds = Record<string, number>;

/**
 * Times the stages of a command.
 * @internal
 */
export class StageClock {
  private readonly seconds: StageSeconds = {};

  /** Runs `fn` and adds its wall-clock time to `stage`. */
  time<T>(stage: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.add(stage, (performance.now() - started) / 1000);
    }
  }

  /** Awaits `fn` and adds its wall-clock time to `stage`. */
  async timeAsync<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, (performance.now() - started) / 1000);
    }
  }

  /** Adds `seconds` to `stage`. */
  add(stage: string, seconds: number): void {
    this.seconds[stage] = (this.seconds[stage] ?? 0) + Math.max(0, seconds);
  }

  /** The stages so far, rounded to the millisecond. */
  get stages(): StageSeconds {
    return Object.fromEntries(Object.entries(this.seconds).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  }
}

/**
 * One line per stage (`read 0.412 s`) and the total, for `--verbose`.
 * @internal
 */
export function formatStages(stages: StageSeconds): string {
  const names = Object.keys(stages);
  const width = Math.max(5, ...names.map((n) => n.length));
  const total = Object.values(stages).reduce((a, b) => a + b, 0);
  return [...names.map((n) => `${n.padEnd(width)} ${stages[n]!.toFixed(3)} s`), `${"total".padEnd(width)} ${total.toFixed(3)} s`].join("\n");
}
