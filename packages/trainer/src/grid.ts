// The grid of models Linear Learner trains in parallel: model 0 takes the given hyperparameters, the
// others values near them (or sampled, for `auto`).
import {
  DEFAULT_LEARNING_RATE,
  GRID_LEARNING_RATE_RANGE,
  GRID_NEAR_FACTOR,
  GRID_PENALTY_RANGE,
  GRID_ZERO_PENALTY_SHARE,
} from "./constants.js";
import type { Hyperparameters } from "./hyperparameters.js";
import type { InitSettings, KernelModel } from "./kernel.js";
import type { OptimizerSettings } from "./optimizer.js";
import { RNG_STREAM, createRng } from "./rng.js";
import type { Rng } from "./rng.js";

function logUniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
}

/** Positive-example weight of model `k` (`positive_example_weight_mult`; `auto` cycles 1, √b, b). */
function positiveWeight(pw: Hyperparameters["positive_example_weight_mult"], balanced: number, k: number): number {
  if (pw === "balanced") return balanced;
  if (pw === "auto") return [1, Math.sqrt(balanced), balanced][k % 3]!;
  return pw;
}

/**
 * Builds the parallel-model grid.
 * @param balanced - `n_negative / n_positive` of the training data (the `balanced` weight).
 * @internal
 */
export function modelGrid(hp: Hyperparameters, seed: number, balanced: number): KernelModel[] {
  const rng = createRng(seed, RNG_STREAM.grid);
  const models: KernelModel[] = [];
  for (let k = 0; k < hp.num_models; k++) {
    const first = k === 0;
    const near = (v: number): number => (first ? v : v * GRID_NEAR_FACTOR ** (rng.next() * 2 - 1));
    const penalty = (v: number | "auto"): number => {
      if (v !== "auto") return near(v);
      return first || rng.next() < GRID_ZERO_PENALTY_SHARE ? 0 : logUniform(rng, GRID_PENALTY_RANGE);
    };
    const lr =
      hp.learning_rate !== "auto" ? near(hp.learning_rate) : first ? DEFAULT_LEARNING_RATE[hp.optimizer] : logUniform(rng, GRID_LEARNING_RATE_RANGE);
    const l1 = penalty(hp.l1);
    const wd = penalty(hp.wd);
    models.push({ lr, l1, wd, posWeight: positiveWeight(hp.positive_example_weight_mult, balanced, k), initStream: k });
  }
  return models;
}

/** The optimiser settings of a run. @internal */
export function optimizerSettings(hp: Hyperparameters): OptimizerSettings {
  return {
    optimizer: hp.optimizer,
    beta1: hp.beta_1,
    beta2: hp.beta_2,
    momentum: hp.momentum,
    biasLrMult: hp.bias_lr_mult,
    biasWdMult: hp.bias_wd_mult,
    useBias: hp.use_bias,
    scheduler: hp.use_lr_scheduler ? { step: hp.lr_scheduler_step, factor: hp.lr_scheduler_factor, minimum: hp.lr_scheduler_minimum_lr } : null,
  };
}

/** The weight initialisation of a run. @internal */
export function initSettings(hp: Hyperparameters): InitSettings {
  return { method: hp.init_method, scale: hp.init_scale, sigma: hp.init_sigma, bias: hp.init_bias };
}
