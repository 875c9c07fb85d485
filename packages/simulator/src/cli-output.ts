// Output helpers of the fraud-sim CLI: stdout with back-pressure, progress, live-transaction lines.
import cliProgress from "cli-progress";
import { CSV_COLUMNS } from "./columns.js";
import type { LiveTransaction } from "./columns.js";
import { formatNumber } from "./format.js";

/** Name printed before every message. @internal */
export const NAME = "fraud-sim";

/** Output format of the CLI. @internal */
export type Format = "csv" | "ndjson";

let stdoutClosed = false;
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") stdoutClosed = true;
  else throw err;
});

/** True once stdout has been closed by the reader (EPIPE). @internal */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

/** Writes to stdout honouring back-pressure; does nothing once stdout is closed. @internal */
export function writeOut(text: string): Promise<void> | void {
  if (stdoutClosed) return;
  if (!process.stdout.write(text)) {
    return new Promise((resolve) => {
      const done = (): void => {
        process.stdout.off("drain", done);
        process.stdout.off("close", done);
        resolve();
      };
      process.stdout.once("drain", done);
      process.stdout.once("close", done);
    });
  }
}

/** Header of live transactions as CSV: id, timestamp and channel, then the file's columns. @internal */
export const LIVE_CSV_HEADER = ["id", "timestamp", "channel", ...CSV_COLUMNS].map((c) => `"${c}"`).join(",");
/** One live transaction as an output line. @internal */
export function liveLine(t: LiveTransaction, format: Format): string {
  if (format === "ndjson") return `${JSON.stringify(t)}\n`;
  let line = `"${t.id}","${t.timestamp}","${t.channel}",${formatNumber(t.time)}`;
  for (const v of t.v) line += `,${formatNumber(v)}`;
  return `${line},${formatNumber(t.amount)},"${t.label === 1 ? 1 : 0}"\n`;
}

/** Progress display of a long step. @internal */
export interface Progress {
  start(total: number, phase: string): void;
  update(done: number): void;
  stop(): void;
}
/** A progress bar on a terminal, a line per quarter otherwise, nothing when disabled. @internal */
export function progress(enabled: boolean): Progress {
  if (!enabled) return { start: () => undefined, update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: "{phase} [{bar}] {percentage}% | {value}/{total} rows | {duration}s", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      start(total, phase) {
        if (running) bar.stop();
        bar.start(total, 0, { phase });
        running = true;
      },
      update: (done) => bar.update(done),
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  // Not a terminal: a plain line at each quarter.
  let total = 0;
  let phase = "";
  let next = 0;
  return {
    start(t, p) {
      total = t;
      phase = p;
      next = 0.25;
    },
    update(done) {
      if (total > 0 && done / total >= next && next <= 1) {
        const pct = Math.floor((done / total) * 4) * 25;
        process.stderr.write(`${NAME}: ${phase} ${pct}% (${done}/${total} rows)\n`);
        next = pct / 100 + 0.25;
      }
    },
    stop: () => undefined,
  };
}

