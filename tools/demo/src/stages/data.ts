/**
 * Stages 1 and 2: the data set (generated and written as `creditcard.csv`, or read from a file)
 * and its stratified splits encoded as RecordIO-protobuf, as the original notebook uploads them.
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { encodeDense } from "@fraud/recordio";
import { generateDataset, readCreditCardCsv } from "@fraud/simulator";
import type { Dataset } from "@fraud/simulator";
import { DEFAULT_SPLIT, stratifiedSplit } from "@fraud/trainer";
import { ensureDirectory } from "@fraud/local-aws";
import { writeCsvOffThread } from "../csv-thread.js";
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
   * Starts writing `creditcard.csv` from the data set already in memory, on a thread of its own,
   * and resolves with the seconds it took (at once with 0 for `--data`); rejects if the write
   * fails. The pipeline starts it once the models are trained, so that it takes a core the stream
   * leaves idle, not one training needs.
   */
  write(): Promise<number>;
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

/**
 * Stage `data`: generates the data set (its `creditcard.csv` written later, {@link PreparedData.write}),
 * or reads `--data`.
 * @internal
 */
export function prepareData(o: ResolvedOptions, reporter: Reporter, times: StageTimes): Promise<PreparedData> {
  const what = o.data ? `reading ${o.data}` : `generating ${o.rows} transactions (seed ${o.seed})`;
  return runStage("data", reporter, times, what, async () => {
    if (o.data) {
      const csv = resolve(o.data);
      const dataset = await readCreditCardCsv(csv);
      const frauds = countFrauds(dataset);
      return [{ dataset, csv, frauds, write: () => Promise.resolve(0) }, `${dataset.rows} rows, ${frauds} frauds ← ${rel(csv)}`];
    }
    const dataset = generateDataset({ rows: o.rows, seed: o.seed });
    const csv = join(o.out, "creditcard.csv");
    let written: Promise<number> | undefined;
    const write = (): Promise<number> => (written ??= writeCsvOffThread(csv, dataset));
    const frauds = countFrauds(dataset);
    return [{ dataset, csv, frauds, write }, `${dataset.rows} rows, ${frauds} frauds; ${rel(csv)} written while the stream runs`];
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
