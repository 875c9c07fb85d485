// Deterministic benchmark fixtures from a seeded Mulberry32 PRNG (no Math.random).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A credit-card-shaped matrix: `rows` x `cols` standard-normal-ish float32 values and 0/1 labels. */
export function fraudMatrix(rows, cols, seed = 42, Array = Float32Array) {
  const rand = mulberry32(seed);
  const data = new Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    // Box-Muller
    const u = rand() || 1e-12;
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  const labels = new Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = rand() < 0.00173 ? 1 : 0;
  return { data, labels };
}
