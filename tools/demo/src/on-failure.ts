/**
 * A local stand-in for a Lambda on-failure destination: the records Lambda sends to SQS (or SNS,
 * EventBridge, another function) when an asynchronous invocation exhausts its retries, appended as
 * JSON lines to a file.
 * @packageDocumentation
 */
import { appendFile } from "node:fs/promises";

/**
 * The record Lambda sends to an on-failure destination (its documented "invocation record").
 * @public
 */
export interface InvocationRecord {
  /** Always `1.0`. */
  version: "1.0";
  /** When the record was sent (ISO 8601). */
  timestamp: string;
  /** The invocation. */
  requestContext: {
    /** Request id of the last attempt. */
    requestId: string;
    /** The function. */
    functionArn: string;
    /** Why the event went here: `RetriesExhausted` after the last retry failed. */
    condition: "RetriesExhausted" | "EventAgeExceeded";
    /** Attempts made (the first included). */
    approximateInvokeCount: number;
  };
  /** The event as it was given to the function. */
  requestPayload: unknown;
  /** How the last attempt ended. */
  responseContext: {
    /** Status of the invoke call (200: the function ran and raised). */
    statusCode: number;
    /** The function version that ran. */
    executedVersion: string;
    /** `Unhandled` when the handler threw. */
    functionError: "Unhandled" | "Handled";
  };
  /** The error the function raised. */
  responsePayload: {
    /** The error's name. */
    errorType: string;
    /** The error's message. */
    errorMessage: string;
  };
}

/** Where failed asynchronous invocations go. @public */
export interface OnFailureDestination {
  /** Records received so far, in order. */
  readonly records: readonly InvocationRecord[];
  /** Receives one record. */
  send(record: InvocationRecord): Promise<void>;
}

/**
 * An on-failure destination appending each record as one JSON line to `file` (and keeping it in
 * memory for the run's report).
 *
 * @example
 * ```ts
 * const dlq = jsonLinesDestination("runs/x/on-failure.jsonl");
 * // … invokeAsync(host, "scheduled", event, { destination: dlq }) …
 * console.log(`${dlq.records.length} events sent to the on-failure destination`);
 * ```
 * @public
 */
export function jsonLinesDestination(file: string): OnFailureDestination {
  const records: InvocationRecord[] = [];
  return {
    records,
    async send(record) {
      await appendFile(file, `${JSON.stringify(record)}\n`);
      records.push(record);
    },
  };
}
