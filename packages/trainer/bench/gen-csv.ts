import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";
await writeCreditCardCsv(process.argv[2]!, generateDataset({ rows: Number(process.argv[3]), seed: Number(process.argv[4] ?? 7) }));
