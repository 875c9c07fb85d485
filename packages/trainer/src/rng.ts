// Seeded random numbers for every random choice of training (split, scaler sample, model grid,
// initialisation, epoch shuffles): xoroshiro128+, used by the main thread and the
// training workers alike, so a seed means the same numbers wherever they are drawn. The generator
// is `@fraud/contracts`' (its `folded` seeding: the stream this package always drew).
import { createRng as createSharedRng } from "@fraud/contracts";

/**
 * Seeded pseudo-random numbers: same seed and stream, same sequence on every machine and thread.
 * @internal
 */
export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2³², without modulo bias. */
  int(n: number): number;
}

/**
 * Which random choice a stream serves; each gets its own independent sequence for a given seed.
 * @internal
 */
export const RNG_STREAM = {
  split: 1,
  scaler: 2,
  grid: 3,
  init: 4,
  shuffle: 5,
} as const;

/**
 * Creates a seeded generator for one stream of random choices.
 *
 * @param seed - Any safe integer (the `--seed` of a run).
 * @param stream - Separates independent uses of the same seed ({@link RNG_STREAM} plus an index).
 * @example
 * ```ts
 * const rng = createRng(42, RNG_STREAM.shuffle);
 * rng.int(10); // always the same first value for seed 42
 * ```
 * @internal
 */
export function createRng(seed: number, stream = 0): Rng {
  const g = createSharedRng(seed, stream, "folded");
  return { next: () => g.float53(), int: (n: number): number => g.int(n) };
}
