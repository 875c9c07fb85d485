/**
 * `@fraud/simulator`: transactions that behave like the public credit-card fraud data set, the
 * `creditcard.csv` codec, and live transaction streams. The one home of the data set's feature
 * columns ({@link FEATURE_NAMES}), the {@link Dataset} type and the default fraud rate.
 * @packageDocumentation
 */
export { CsvError, SimulatorError, isCsvError, isSimulatorError } from "./errors.js";
export type { CsvErrorCode, CsvErrorOptions, SimulatorErrorCode } from "./errors.js";
export {
  CSV_COLUMNS,
  DEFAULT_FRAUD_RATE,
  FEATURE_COLUMNS,
  FEATURE_COUNT,
  FEATURE_NAMES,
  V_COUNT,
  datasetRow,
  datasetTransactions,
  toDataset,
  transactionFeatures,
} from "./columns.js";
export type { Channel, Dataset, LiveTransaction, Transaction } from "./columns.js";
export { CsvParser, parseCreditCardCsv, readCreditCardCsv } from "./csv-parse.js";
export type { CsvRowTarget, ReadOptions } from "./csv-parse.js";
export { csvChunksRead, planCsvChunks, readClaimedCsvChunks, sharedCsvFile } from "./csv-file.js";
export type { SharedCsvFile } from "./csv-file.js";
export { joinCreditCardCsvParts, parseClaimedCsvParts, parseCreditCardCsvPart, planCsvParts, splitCsvLines } from "./csv-range.js";
export type { ClaimedCsvPart, CsvJoinOptions, CsvPart, CsvPartError, CsvPartOptions, CsvPartPlan, SharedCsvParts } from "./csv-range.js";
export { creditCardCsvHeader, encodeCreditCardRows, formatCreditCardCsv, formatCreditCardRows, writeCreditCardCsv } from "./csv.js";
export { createTransactionSource, generateDataset } from "./generate.js";
export type { GenerateOptions, TransactionSource, TransactionSourceOptions } from "./generate.js";
export { NdjsonParser, formatNdjsonRows, parseNdjson, readNdjson, writeNdjson } from "./ndjson.js";
export { DEFAULT_MAX_LINE_BYTES, MAX_REPLAY_SPEED, MAX_ROWS, MAX_STREAM_RATE, MAX_STREAM_SECONDS } from "./options.js";
export { postTransactions } from "./post.js";
export type { PostOptions, PostResult } from "./post.js";
export { poissonArrivals, replayDataset, transactionStream } from "./stream.js";
export type { Clock, PoissonOptions, ReplayOptions, StreamOptions } from "./stream.js";
