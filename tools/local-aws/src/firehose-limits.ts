/**
 * Firehose's fixed limits, as the scorer (the client of this stand-in) knows them.
 * @packageDocumentation
 */

/** Most records one `PutRecordBatch` call may carry. @public */
export const FIREHOSE_MAX_BATCH_RECORDS = 500;
/** Most bytes (decoded `Data`, summed) one `PutRecordBatch` call may carry: 4 MiB. @public */
export const FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Most bytes one record's decoded `Data` may hold: 1,000 KiB. @public */
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;
/** Delivery stream names: 1–64 of `[a-zA-Z0-9_.-]`. @public */
export const FIREHOSE_STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
