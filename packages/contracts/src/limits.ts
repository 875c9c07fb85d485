/**
 * Service limits the scorer, the stack and the local stand-ins agree on: Amazon Data Firehose and
 * SageMaker `InvokeEndpoint`.
 * @packageDocumentation
 */

/**
 * Most records per Firehose `PutRecordBatch` call.
 * @example
 * ```ts
 * for (let i = 0; i < records.length; i += FIREHOSE_MAX_BATCH_RECORDS) put(records.slice(i, i + FIREHOSE_MAX_BATCH_RECORDS));
 * ```
 * @public
 */
export const FIREHOSE_MAX_BATCH_RECORDS = 500;

/**
 * Most bytes per Firehose `PutRecordBatch` call (4 MiB, decoded record data summed).
 * @example
 * ```ts
 * if (batchBytes > FIREHOSE_MAX_BATCH_BYTES) split();
 * ```
 * @public
 */
export const FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Most bytes per Firehose record (1,000 KiB, before base64).
 * @example
 * ```ts
 * if (data.byteLength > FIREHOSE_MAX_RECORD_BYTES) deadLetter(data);
 * ```
 * @public
 */
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;

/**
 * A Firehose delivery stream name: 1–64 characters of `a-z A-Z 0-9 _ . -` (the API's
 * `DeliveryStreamName` constraint).
 * @example
 * ```ts
 * FIREHOSE_STREAM_NAME_PATTERN.test("fraud-detection-dev-results"); // true
 * ```
 * @public
 */
export const FIREHOSE_STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;

/**
 * Most bytes of an `InvokeEndpoint` request body: 6 MiB (SageMaker real-time inference; 4 MiB for
 * serverless endpoints, see {@link INVOKE_ENDPOINT_SERVERLESS_MAX_BYTES}).
 * @example
 * ```ts
 * if (body.byteLength > INVOKE_ENDPOINT_MAX_BYTES) splitRequest();
 * ```
 * @public
 */
export const INVOKE_ENDPOINT_MAX_BYTES = 6 * 1024 * 1024;

/**
 * Most bytes of an `InvokeEndpoint` request body on a serverless endpoint: 4 MiB.
 * @example
 * ```ts
 * const limit = serverless ? INVOKE_ENDPOINT_SERVERLESS_MAX_BYTES : INVOKE_ENDPOINT_MAX_BYTES;
 * ```
 * @public
 */
export const INVOKE_ENDPOINT_SERVERLESS_MAX_BYTES = 4 * 1024 * 1024;
