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
import { stratifiedSplit } from "@fraud/trainer";
import { ensureDirectory } from "@fraud/local-aws";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";

/** The split names and fractions, in order. */
const SPLITS = { names: ["train", "validation", "test"], fractions: [0.7, 0.15, 0.15] } as const;

/** The data set of a run. @internal */
export interface PreparedData {
  /** Rows and labels, in memory (shared with training). */
  dataset: Dataset;
  /** The `creditcard.csv` written (or read). */
  csv: string;
  /** Rows labelled fraud. */
  frauds: number;
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

/** Stage `data`: generates the data set and writes `creditcard.csv`, or reads `--data`. @internal */
export function prepareData(o: ResolvedOptions, reporter: Reporter, times: StageTimes): Promise<PreparedData> {
  const what = o.data ? `reading ${o.data}` : `generating ${o.rows} transactions (seed ${o.seed})`;
  return runStage("data", reporter, times, what, async () => {
    let dataset: Dataset;
    let csv: string;
    if (o.data) {
      csv = resolve(o.data);
      dataset = await readCreditCardCsv(csv);
    } else {
      dataset = generateDataset({ rows: o.rows, seed: o.seed });
      csv = join(o.out, "creditcard.csv");
      await writeCreditCardCsv(csv, dataset);
    }
    const frauds = countFrauds(dataset);
    return [{ dataset, csv, frauds }, `${dataset.rows} rows, ${frauds} frauds → ${rel(csv)}`];
  });
}

/** Stage `encode`: the stratified splits as RecordIO-protobuf files. @internal */
export function encodeSplits(o: ResolvedOptions, dataset: Dataset, reporter: Reporter, times: StageTimes): Promise<string[]> {
  const percent = SPLITS.fractions.map((f) => Math.round(f * 100)).join("/");
  return runStage("encode", reporter, times, `encoding the ${percent} stratified splits to RecordIO-protobuf`, async () => {
    const splits = stratifiedSplit(dataset, SPLITS.fractions, o.seed, SPLITS.names);
    const dir = join(o.out, "recordio");
    await ensureDirectory(dir);
    let bytes = 0;
    const files = await Promise.all(
      SPLITS.names.map(async (name, i) => {
        const s = splits[i]!;
        // float32 features and labels, as the notebook's write_numpy_to_dense_tensor is given them
        const body = encodeDense({ data: new Float32Array(s.features), shape: [s.rows, s.features.length / s.rows] }, { labels: new Float32Array(s.labels) });
        const file = join(dir, `${name}.rec`);
        await writeFile(file, body);
        bytes += body.length;
        return file;
      }),
    );
    return [files, `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB → ${rel(dir)}`];
  });
}
