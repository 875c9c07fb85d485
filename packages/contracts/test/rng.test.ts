import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { createRng } from "@fraud/contracts";

const TWO32 = 4294967296;

// The two seedings as their packages wrote them over pure-rand before the generator moved here.
function foldedReference(seed: number, stream: number) {
  const g = xoroshiro128plus((seed ^ Math.imul(Math.floor(seed / TWO32), 0x9e3779b9)) | 0);
  for (let i = 0; i < stream; i++) g.jump();
  for (let i = 0; i < 16; i++) g.next();
  return g;
}
function splitReference(seed: number, stream: number) {
  const lo = seed >>> 0;
  const g = xoroshiro128plusFromState([-1, ~lo, lo | 0, Math.floor(seed / TWO32) >>> 0]);
  for (let i = 0; i <= stream; i++) g.jump();
  return g;
}

describe("createRng", () => {
  it("draws pure-rand's xoroshiro128+ outputs bit for bit with the simulator's seeding (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 4 }), (seed, stream) => {
        const ours = createRng(seed, stream, "split");
        const ref = splitReference(seed, stream);
        for (let i = 0; i < 40; i++) expect(ours.next()).toBe(ref.next());
      }),
      { numRuns: 100 },
    );
  });

  it("draws the trainer's stream bit for bit: folded seeding, 16 skipped, 53-bit floats (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 6 }), (seed, stream) => {
        const ours = createRng(seed, stream, "folded");
        const ref = foldedReference(seed, stream);
        for (let i = 0; i < 20; i++) expect(ours.float53()).toBe(uniformFloat64(ref));
      }),
      { numRuns: 100 },
    );
  });

  it("gives unbiased integers in range", () => {
    const rng = createRng(7, 0, "folded");
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[rng.int(3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(createRng(1).u32()).toBe(createRng(1).u32());
  });
});
