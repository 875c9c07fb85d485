/**
 * Service limits and name rules the scorer, the stack and the local stand-ins agree on; their home
 * is `@fraud/contracts`.
 * @packageDocumentation
 */
export {
  FIREHOSE_MAX_BATCH_BYTES,
  FIREHOSE_MAX_BATCH_RECORDS,
  FIREHOSE_MAX_RECORD_BYTES,
  FIREHOSE_STREAM_NAME_PATTERN,
} from "@fraud/contracts";
