import { readCreditCardCsv } from "@fraud/simulator";
import { DEFAULT_SPLIT, requireBothClasses, stratifiedSplit, validateDataset } from "../data.js";
import type { Dataset } from "../data.js";
import { invalid } from "../aws/errors.js";
import { CHANNELS } from "./job.js";
import type { ChannelName } from "./job.js";

/** Splits keyed by channel. @public */
export type Splits = Record<ChannelName, Dataset>;

/** Loads (if needed), checks and splits the data like local training ({@link DEFAULT_SPLIT}). */
export async function loadSplits(data: string | Dataset, seed: number): Promise<Splits> {
  const ds = typeof data === "string" ? await readCreditCardCsv(data) : data;
  const name = typeof data === "string" ? data : "data";
  const featureDim = ds.rows === 0 ? 0 : ds.features.length / ds.rows;
  if (ds.rows === 0 || !Number.isInteger(featureDim)) invalid(`${name}: no rows to train on`);
  validateDataset(ds, name, featureDim);
  requireBothClasses(ds, name);
  const [train, validation, test] = stratifiedSplit(ds, DEFAULT_SPLIT.fractions, seed, CHANNELS, featureDim);
  return { train: train!, validation: validation!, test: test! };
}
