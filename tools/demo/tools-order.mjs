import { setImmediate as tick } from "node:timers/promises";
import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";
import { DEFAULT_SPLIT, runLocalTraining, stratifiedSplit } from "@fraud/trainer";
const d = generateDataset({ rows: 284807, seed: 42 });
const [train, validation, test] = stratifiedSplit(d, DEFAULT_SPLIT.fractions, 42, DEFAULT_SPLIT.names);
const mode = process.argv[2];
const t0 = performance.now();
const trainIt = () => runLocalTraining({ train, validation, test, out: "/tmp/tools-order-model", seed: 42, hyperparameters: { mini_batch_size: "200" } });
if (mode === "seq") { await writeCreditCardCsv("/tmp/tools-order.csv", d); await trainIt(); }
else if (mode === "csv-first") { const w = writeCreditCardCsv("/tmp/tools-order.csv", d); await trainIt(); await w; }
else { const t = trainIt(); await tick(); await tick(); const w = writeCreditCardCsv("/tmp/tools-order.csv", d); await t; await w; }
console.log(mode, ((performance.now() - t0) / 1000).toFixed(2));
