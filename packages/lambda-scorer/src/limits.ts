/**
 * Service limits and name rules the scorer, the stack and the local stand-ins agree on.
 * @packageDocumentation
 */

/** Most records per Firehose `PutRecordBatch` call. @public */
export const FIREHOSE_MAX_BATCH_RECORDS = 500;
/** Most bytes per Firehose `PutRecordBatch` call (4 MiB, record data summed). @public */
export const FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Most bytes per Firehose record (1,000 KiB, before base64). @public */
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;

/**
 * A Firehose delivery stream name: 1–64 characters of `a-z A-Z 0-9 _ . -` (the API's
 * `DeliveryStreamName` constraint).
 * @public
 */
export const FIREHOSE_STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;
