// Seeded random numbers for every random choice of training (split, scaler sample, model grid,
// initialisation, epoch shuffles): pure-rand's xoroshiro128+, used by the main thread and the
// training workers alike, so a seed means the same numbers wherever they are drawn.
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

const TWO32 = 4294967296;

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
  // pure-rand's 32-bit seeding; the high bits of larger seeds are folded in. Each stream is its own
  // 2^64-long stretch of the sequence (xoroshiro128+'s jump), so streams never overlap.
  const g = xoroshiro128plus((seed ^ Math.imul(Math.floor(seed / TWO32), 0x9e3779b9)) | 0);
  for (let i = 0; i < stream; i++) g.jump();
  // The first outputs after seeding follow the seed closely; skip them.
  for (let i = 0; i < 16; i++) g.next();
  return {
    next: () => uniformFloat64(g),
    int: (n: number): number => {
      // Rejecting the top partial range of 32-bit draws keeps every value equally likely.
      const limit = TWO32 - (TWO32 % n);
      let v = g.next() >>> 0;
      while (v >= limit) v = g.next() >>> 0;
      return v % n;
    },
  };
}
