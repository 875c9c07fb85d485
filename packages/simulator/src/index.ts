/**
 * `@fraud/simulator`: transactions that behave like the public credit-card fraud data set, the
 * `creditcard.csv` codec, and live transaction streams.
 * @packageDocumentation
 */
export { CsvError, SimulatorError } from "./errors.js";
export type { CsvErrorCode, CsvErrorOptions, SimulatorErrorCode } from "./errors.js";
export {
  CSV_COLUMNS,
  DEFAULT_FRAUD_RATE,
  FEATURE_COLUMNS,
  FEATURE_COUNT,
  V_COUNT,
  datasetRow,
  datasetTransactions,
  toDataset,
  transactionFeatures,
} from "./columns.js";
export type { Channel, Dataset, LiveTransaction, Transaction } from "./columns.js";
export {
  CsvParser,
  creditCardCsvHeader,
  encodeCreditCardRows,
  formatCreditCardCsv,
  formatCreditCardRows,
  parseCreditCardCsv,
  readCreditCardCsv,
  writeCreditCardCsv,
} from "./csv.js";
export { MAX_ROWS, createTransactionSource, generateDataset } from "./generate.js";
export type { GenerateOptions, TransactionSource, TransactionSourceOptions } from "./generate.js";
export { NdjsonParser, formatNdjsonRows, parseNdjson, readNdjson, writeNdjson } from "./ndjson.js";
export { poissonArrivals, postTransactions, replayDataset, transactionStream } from "./stream.js";
export type { PoissonOptions, PostOptions, PostResult, ReplayOptions, StreamOptions } from "./stream.js";
