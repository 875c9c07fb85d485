/**
 * The Lambda invocation context, as the Node.js runtime passes it to a handler.
 * @packageDocumentation
 */

/**
 * The Lambda context object (the fields of `aws-lambda`'s `Context`). The handlers read
 * `awsRequestId`, `functionName` and `getRemainingTimeInMillis()`; Powertools reads the rest.
 * @public
 */
export interface LambdaContext {
  /** Whether the runtime waits for the event loop to empty before freezing. */
  callbackWaitsForEmptyEventLoop: boolean;
  /** Function name. */
  functionName: string;
  /** Function version (`$LATEST` or a number). */
  functionVersion: string;
  /** ARN the function was invoked with. */
  invokedFunctionArn: string;
  /** Memory size, as a string of MB. */
  memoryLimitInMB: string;
  /** Request id of the invocation. */
  awsRequestId: string;
  /** CloudWatch log group. */
  logGroupName: string;
  /** CloudWatch log stream. */
  logStreamName: string;
  /** Milliseconds left before the invocation times out. */
  getRemainingTimeInMillis(): number;
}
