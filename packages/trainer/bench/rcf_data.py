"""An independently generated creditcard-shaped file for the Random Cut Forest benchmark: the same
columns as creditcard.csv (Time, V1..V28, Amount, Class) but drawn from distributions the simulator
does not use — a correlated Student-t core for V1..V28 (random covariance, 5 degrees of freedom), a
two-day Time with a day/night cycle, a log-normal mixture for Amount — and frauds from three
clusters, each shifted and stretched in a few random dimensions with its own amounts and hours.

usage: python3 rcf_data.py OUT.csv [ROWS] [SEED]
"""
import sys

import numpy as np


def main() -> None:
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 284_807
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    rng = np.random.default_rng(seed)
    frauds = int(round(rows * 0.0025))
    legit = rows - frauds
    d = 28
    # V1..V28: correlated Student-t (df 5) with per-column scales falling like PCA variances.
    a = rng.normal(size=(d, d)) / np.sqrt(d)
    cov = a @ a.T + np.diag(np.linspace(1.0, 0.2, d))
    chol = np.linalg.cholesky(cov)
    z = rng.standard_t(5, size=(legit, d)) @ chol.T
    # Time: two days, busy by day, quiet at night (rejection from a raised cosine).
    t = rng.uniform(0, 172_800, size=legit * 2)
    keep = rng.uniform(size=t.size) < 0.55 + 0.45 * np.sin(2 * np.pi * (t / 86_400 - 0.25))
    t = t[keep][:legit]
    amount = np.where(rng.uniform(size=legit) < 0.7, rng.lognormal(2.5, 1.1, legit), rng.lognormal(4.5, 0.8, legit))
    # Frauds: three clusters, each off in 3–6 random dimensions, with their own amounts and hours.
    parts = []
    sizes = rng.multinomial(frauds, [0.5, 0.3, 0.2])
    for k, n in enumerate(sizes):
        zz = rng.standard_t(5, size=(n, d)) @ chol.T
        dims = rng.choice(d, size=rng.integers(3, 7), replace=False)
        zz[:, dims] = zz[:, dims] * rng.uniform(1.5, 3.0) + rng.choice([-1, 1], size=dims.size) * rng.uniform(2.0, 5.0, size=dims.size)
        tt = rng.uniform(0, 172_800, size=n) if k != 1 else rng.uniform(0, 21_600, size=n) + rng.choice([0, 86_400], size=n)
        am = rng.lognormal([1.0, 5.5, 3.0][k], 0.9, n)
        parts.append(np.column_stack([tt, zz, am, np.ones(n)]))
    data = np.vstack([np.column_stack([t, z, amount, np.zeros(legit)])] + parts)
    data = data[np.argsort(data[:, 0], kind="stable")]
    header = ",".join(['"Time"'] + [f'"V{i}"' for i in range(1, 29)] + ['"Amount"', '"Class"'])
    with open(out, "w") as f:
        f.write(header + "\n")
        for row in data:
            f.write(",".join(f"{v:.6g}" for v in row[:-1]) + f',"{int(row[-1])}"\n')


if __name__ == "__main__":
    main()
