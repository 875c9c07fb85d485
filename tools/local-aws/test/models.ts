/**
 * Small XGBoost and Random Cut Forest artifacts trained by `@fraud/trainer` on seeded synthetic
 * creditcard-shaped data (30 features, ~3% fraud shifted away from the legitimate rows).
 */
import { join } from "node:path";
import { createRng } from "@fraud/contracts";
import { runLocalTraining } from "@fraud/trainer";

/** `rows × 30` seeded features; a fraud's features are shifted by 2.5 on the first ten columns. */
export function syntheticData(rows: number, seed: number): { rows: number; features: Float64Array; labels: Uint8Array } {
  const rng = createRng(seed);
  const features = new Float64Array(rows * 30);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const fraud = rng.next() < 0.03;
    labels[i] = fraud ? 1 : 0;
    for (let j = 0; j < 30; j++) {
      // sum of three uniforms: a bell shape in [-1.5, 1.5]
      const v = rng.next() + rng.next() + rng.next() - 1.5;
      features[i * 30 + j] = v + (fraud && j < 10 ? 2.5 : 0);
    }
  }
  return { rows, features, labels };
}

/** Trains both models into `dir`; returns the two `model.tar.gz` paths. */
export async function trainTwoModels(dir: string): Promise<{ xgboost: string; randomcutforest: string }> {
  const data = syntheticData(3000, 11);
  await runLocalTraining({ data, out: join(dir, "xgboost"), seed: 1, algorithm: "xgboost", hyperparameters: { num_round: 8, max_depth: 3 } });
  await runLocalTraining({ data, out: join(dir, "rcf"), seed: 1, algorithm: "randomcutforest", hyperparameters: { num_trees: 50, num_samples_per_tree: 128 } });
  return { xgboost: join(dir, "xgboost", "model.tar.gz"), randomcutforest: join(dir, "rcf", "model.tar.gz") };
}
