// Bundles the worker thread's entry (dist/worker.js, built by tsc) with everything it imports —
// the CSV reader of @fraud/simulator, the training kernel — into one file, dist/worker.bundle.js,
// which the pool starts when it is there: a worker then loads one module instead of about a
// hundred (its start-up is module loading, paid on every thread of every run).
// run (from packages/trainer, after tsc): node scripts/bundle-worker.mjs
import { build } from "esbuild";

await build({
  entryPoints: ["dist/worker.js"],
  outfile: "dist/worker.bundle.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  // the TypeScript-sources path (tsx) is never taken in built code
  external: ["tsx", "tsx/*"],
});
