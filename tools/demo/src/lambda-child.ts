/**
 * Runs the bundled Lambda the way the Lambda runtime does, in a process of its own: imports the
 * bundle once (cold start), then invokes handlers on request from the parent over IPC.
 * Usage (forked): `node lambda-child.js <bundle.mjs>`.
 * @packageDocumentation
 */
import { pathToFileURL } from "node:url";

interface Invoke {
  id: number;
  handler: "scheduled" | "http";
  event: unknown;
}

const bundle = process.argv[2];
const context = {
  awsRequestId: "00000000-0000-4000-8000-000000000000",
  functionName: "fraud-scorer",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fraud-scorer",
  memoryLimitInMB: "1024",
  logGroupName: "/aws/lambda/fraud-scorer",
  logStreamName: "local",
  getRemainingTimeInMillis: () => 60_000,
};

const send = (msg: unknown): void => {
  process.send?.(msg);
};

try {
  if (!bundle) throw new Error("no bundle given");
  const started = performance.now();
  const mod = (await import(pathToFileURL(bundle).href)) as Record<string, (event: unknown, ctx: unknown) => Promise<unknown>>;
  send({ ready: true, importMs: performance.now() - started });
  process.on("message", (msg: Invoke) => {
    const t0 = performance.now();
    const fn = mod[msg.handler];
    if (typeof fn !== "function") {
      send({ id: msg.id, ok: false, error: `the bundle exports no ${msg.handler} handler`, ms: 0 });
      return;
    }
    fn(msg.event, { ...context, awsRequestId: `req-${msg.id}` }).then(
      (value) => send({ id: msg.id, ok: true, value, ms: performance.now() - t0 }),
      (err: Error & { code?: string }) => send({ id: msg.id, ok: false, error: err.message, code: err.code, ms: performance.now() - t0 }),
    );
  });
} catch (err) {
  send({ ready: false, error: (err as Error).message });
  process.exitCode = 1;
}
