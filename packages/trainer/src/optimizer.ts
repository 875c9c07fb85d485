// One optimiser step of one model: Adam, SGD with momentum or RMSprop as MXNet defines them, with
// L2 weight decay added to the gradient and L1 applied as a proximal soft-threshold after the step.
import { OPTIMIZER_EPSILON, RMSPROP_DECAY } from "./constants.js";

/** Optimiser settings shared by every model of a run. @internal */
export interface OptimizerSettings {
  /** Update rule. */
  optimizer: "adam" | "sgd" | "rmsprop";
  /** Adam β1. */
  beta1: number;
  /** Adam β2. */
  beta2: number;
  /** SGD momentum. */
  momentum: number;
  /** The bias learns `biasLrMult` times faster than the weights. */
  biasLrMult: number;
  /** The bias's L2 penalty is `wd × biasWdMult`. */
  biasWdMult: number;
  /** Learn a bias at all. */
  useBias: boolean;
  /** Step decay of the learning rate, or `null` for a constant rate. */
  scheduler: { step: number; factor: number; minimum: number } | null;
}

/** Per-model hyperparameters the optimiser needs. @internal */
export interface StepModel {
  /** Base learning rate. */
  lr: number;
  /** L1 penalty. */
  l1: number;
  /** L2 penalty. */
  wd: number;
}

/** Learning rate after `t` mini-batches under the step scheduler. @internal */
export function scheduledRate(lr: number, t: number, s: OptimizerSettings): number {
  if (s.scheduler === null) return lr;
  return Math.max(s.scheduler.minimum, lr * Math.pow(s.scheduler.factor, Math.floor(t / s.scheduler.step)));
}

/**
 * Applies one step to `params[o .. o + d]` (the weights, then the bias at `o + d`) from the mean
 * gradient `grad[0 .. d]`, updating the moment buffers `m1`/`m2` at the same offsets. `t` is the
 * 1-based step count (Adam's bias correction).
 * @internal
 */
export function optimizerStep(params: Float64Array, m1: Float64Array, m2: Float64Array, o: number, grad: Float64Array, d: number, t: number, model: StepModel, s: OptimizerSettings): void {
  const lr = scheduledRate(model.lr, t, s);
  const last = s.useBias ? d : d - 1;
  const c1 = 1 / (1 - Math.pow(s.beta1, t));
  const c2 = 1 / (1 - Math.pow(s.beta2, t));
  for (let j = 0; j <= last; j++) {
    const isBias = j === d;
    const i = o + j;
    const value = params[i]!;
    const g = grad[j]! + model.wd * (isBias ? s.biasWdMult : 1) * value;
    const rate = isBias ? lr * s.biasLrMult : lr;
    let delta: number;
    if (s.optimizer === "adam") {
      const a = (m1[i] = s.beta1 * m1[i]! + (1 - s.beta1) * g);
      const v = (m2[i] = s.beta2 * m2[i]! + (1 - s.beta2) * g * g);
      delta = (rate * a * c1) / (Math.sqrt(v * c2) + OPTIMIZER_EPSILON);
    } else if (s.optimizer === "sgd") {
      delta = rate * (m1[i] = s.momentum * m1[i]! + g);
    } else {
      const v = (m2[i] = RMSPROP_DECAY * m2[i]! + (1 - RMSPROP_DECAY) * g * g);
      delta = (rate * g) / (Math.sqrt(v) + OPTIMIZER_EPSILON);
    }
    let next = value - delta;
    if (!isBias && model.l1 > 0) {
      const cut = rate * model.l1;
      next = next > cut ? next - cut : next < -cut ? next + cut : 0;
    }
    params[i] = next;
  }
}
