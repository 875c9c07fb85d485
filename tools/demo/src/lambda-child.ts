/**
 * Runs the bundled Lambda the way the Lambda runtime does, in a process of its own: imports the
 * bundle once (cold start), then invokes handlers on request from the parent over IPC.
 * Usage (forked): `node lambda-child.js <bundle.mjs> [timeout-ms]`.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createFakeContext } from "@fraud/lambda-scorer/testing";

interface Invoke {
  id: number;
  handler: "scheduled" | "http";
  event: unknown;
}

/** The function's timeout, in milliseconds: `getRemainingTimeInMillis()` counts down from it. */
const TIMEOUT_MS = Number(process.argv[3] ?? 60_000);

const send = (msg: unknown): void => {
  process.send?.(msg);
};

try {
  const bundle = process.argv[2];
  if (!bundle) throw new Error("no bundle given");
  const started = performance.now();
  const mod = (await import(pathToFileURL(bundle).href)) as Record<string, (event: unknown, ctx: unknown) => Promise<unknown>>;
  send({ ready: true, importMs: performance.now() - started });
  process.on("message", (msg: Invoke) => {
    const t0 = performance.now();
    const requestId = randomUUID();
    const fn = mod[msg.handler];
    if (typeof fn !== "function") {
      send({ id: msg.id, ok: false, error: `the bundle exports no ${msg.handler} handler`, errorType: "Runtime.HandlerNotFound", requestId, ms: 0 });
      return;
    }
    fn(msg.event, createFakeContext({ awsRequestId: requestId, timeoutMs: TIMEOUT_MS })).then(
      (value) => send({ id: msg.id, ok: true, value, requestId, ms: performance.now() - t0 }),
      (err: Error) => send({ id: msg.id, ok: false, error: err.message, errorType: err.name, requestId, ms: performance.now() - t0 }),
    );
  });
} catch (err) {
  send({ ready: false, error: (err as Error).message });
  process.exitCode = 1;
}
