/**
 * HTTP plumbing shared by both stand-ins: bounded body reads, responses, listen and close.
 * @packageDocumentation
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalAwsError } from "./errors.js";

/** A request body that exceeded its limit: the remaining bytes are drained, not kept. @internal */
export class BodyTooLarge extends Error {
  constructor(readonly size: number) {
    super(`request body larger than allowed (${size} bytes read)`);
  }
}

/**
 * Reads a request body into one buffer, refusing (after draining) anything above `limit` bytes.
 * @internal
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on("end", () => {
      if (over) reject(new BodyTooLarge(Math.max(size, Number.isFinite(declared) ? declared : 0)));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on("error", reject);
  });
}

/** Sends a complete response. @internal */
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Uint8Array): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "content-length": String(buf.length) });
  res.end(buf);
}

/** Listens on host:port (0 = random free port) and resolves with the bound port. @internal */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new LocalAwsError("INVALID_ARGUMENT", `cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server, ending idle keep-alive connections so it closes promptly. @internal */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** URL for a bound server (IPv6 hosts bracketed). @internal */
export function urlFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** A line logger for request logs; `undefined` logs nothing. @public */
export type RequestLogger = (line: string) => void;
