/**
 * Stages 1 and 2: the data set (generated and written as `creditcard.csv`, or read from a file)
 * and its stratified splits encoded as RecordIO-protobuf, as the original notebook uploads them.
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { encodeDense } from "@fraud/recordio";
import { generateDataset, readCreditCardCsv, writeCreditCardCsv } from "@fraud/simulator";
import type { Dataset } from "@fraud/simulator";
import { DEFAULT_SPLIT, stratifiedSplit } from "@fraud/trainer";
import { ensureDirectory } from "@fraud/local-aws";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";

/** The data set of a run. @internal */
export interface PreparedData {
  /** Rows and labels, in memory (shared with training). */
  dataset: Dataset;
  /** The `creditcard.csv` written (or read). */
  csv: string;
  /** Rows labelled fraud. */
  frauds: number;
  /**
   * Resolves with the seconds the `creditcard.csv` write took (0 for `--data`): the file is written
   * while the next stages run, from the data set already in memory. Rejects if the write fails.
   */
  written: Promise<number>;
}

/** A path for progress lines: relative to the working directory. @internal */
export function rel(p: string): string {
  return relative(process.cwd(), p) || ".";
}

function countFrauds(dataset: Dataset): number {
  let frauds = 0;
  for (let i = 0; i < dataset.rows; i++) frauds += dataset.labels[i]!;
  return frauds;
}

/** Writes the CSV; resolves with the seconds it took. */
async function writeCsv(csv: string, dataset: Dataset): Promise<number> {
  const t0 = performance.now();
  await writeCreditCardCsv(csv, dataset);
  return (performance.now() - t0) / 1000;
}

/**
 * Stage `data`: generates the data set and starts writing `creditcard.csv` (finished while the
 * next stages run), or reads `--data`.
 * @internal
 */
export function prepareData(o: ResolvedOptions, reporter: Reporter, times: StageTimes): Promise<PreparedData> {
  const what = o.data ? `reading ${o.data}` : `generating ${o.rows} transactions (seed ${o.seed})`;
  return runStage("data", reporter, times, what, async () => {
    if (o.data) {
      const csv = resolve(o.data);
      const dataset = await readCreditCardCsv(csv);
      const frauds = countFrauds(dataset);
      return [{ dataset, csv, frauds, written: Promise.resolve(0) }, `${dataset.rows} rows, ${frauds} frauds ← ${rel(csv)}`];
    }
    const dataset = generateDataset({ rows: o.rows, seed: o.seed });
    const csv = join(o.out, "creditcard.csv");
    const written = writeCsv(csv, dataset);
    written.catch(() => undefined); // awaited (and its error reported) after training
    const frauds = countFrauds(dataset);
    return [{ dataset, csv, frauds, written }, `${dataset.rows} rows, ${frauds} frauds; ${rel(csv)} being written while the next stages run`];
  });
}

/** The data set split as training will use it, and the RecordIO files written. @internal */
export interface EncodedSplits {
  /** Train, validation and test, in {@link DEFAULT_SPLIT} order. */
  splits: [Dataset, Dataset, Dataset];
  /** The `.rec` file of each split. */
  files: string[];
}

/**
 * Stage `encode`: the stratified splits (`DEFAULT_SPLIT`, seeded) as RecordIO-protobuf files.
 * `onSplits` gets the splits as soon as they exist, before they are encoded.
 * @internal
 */
export function encodeSplits(o: ResolvedOptions, dataset: Dataset, reporter: Reporter, times: StageTimes, onSplits: (splits: EncodedSplits["splits"]) => void = () => undefined): Promise<EncodedSplits> {
  const percent = DEFAULT_SPLIT.fractions.map((f) => Math.round(f * 100)).join("/");
  return runStage("encode", reporter, times, `encoding the ${percent} stratified splits to RecordIO-protobuf`, async () => {
    const splits = stratifiedSplit(dataset, DEFAULT_SPLIT.fractions, o.seed, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
    onSplits(splits);
    const dir = join(o.out, "recordio");
    await ensureDirectory(dir);
    let bytes = 0;
    const files = await Promise.all(
      DEFAULT_SPLIT.names.map(async (name, i) => {
        const s = splits[i]!;
        // float32 features and labels, as the notebook's write_numpy_to_dense_tensor is given them
        const body = encodeDense({ data: new Float32Array(s.features), shape: [s.rows, s.features.length / s.rows] }, { labels: new Float32Array(s.labels) });
        const file = join(dir, `${name}.rec`);
        await writeFile(file, body);
        bytes += body.length;
        return file;
      }),
    );
    return [{ splits, files }, `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB → ${rel(dir)}`];
  });
}
