/**
 * A tiny S3-compatible server for tests: HeadBucket, PutObject, GetObject, and the multipart calls
 * `@aws-sdk/lib-storage` makes (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload). Path-style only; signatures are not checked. Decodes `aws-chunked` bodies.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface S3Stub {
  url: string;
  /** bucket → key → bytes */
  objects: Map<string, Map<string, Uint8Array>>;
  /** Requests seen, as "METHOD path?query". */
  log: string[];
  /** Multipart uploads begun / completed / aborted. */
  multipart: { created: number; completed: number; aborted: number; parts: number };
  close(): Promise<void>;
}

export interface S3StubOptions {
  /** Buckets that exist and accept writes. */
  buckets: string[];
  /** Buckets that exist but answer 403 to everything. */
  forbidden?: string[];
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>stub</RequestId></Error>`);
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  if (!/aws-chunked/.test(String(req.headers["content-encoding"] ?? ""))) return raw;
  // aws-chunked: "<hex size>[;ext]\r\n<data>\r\n" … "0\r\n<trailers>\r\n\r\n"
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", pos);
    const size = parseInt(raw.subarray(pos, eol).toString("latin1").split(";")[0]!, 16);
    pos = eol + 2;
    if (size === 0) break;
    out.push(raw.subarray(pos, pos + size));
    pos += size + 2;
  }
  return Buffer.concat(out);
}

const etag = (b: Uint8Array): string => `"${createHash("md5").update(b).digest("hex")}"`;

export async function startS3Stub(options: S3StubOptions): Promise<S3Stub> {
  const objects = new Map<string, Map<string, Uint8Array>>(options.buckets.map((b) => [b, new Map()]));
  const forbidden = new Set(options.forbidden ?? []);
  const uploads = new Map<string, { bucket: string; key: string; parts: Map<number, Uint8Array> }>();
  const log: string[] = [];
  const multipart = { created: 0, completed: 0, aborted: 0, parts: 0 };
  let nextId = 1;

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? "/", "http://stub");
      log.push(`${req.method} ${u.pathname}${u.search}`);
      const [, bucket = "", ...rest] = u.pathname.split("/");
      const key = decodeURIComponent(rest.join("/"));
      const data = await body(req);
      if (forbidden.has(bucket)) return xmlError(res, 403, "AccessDenied", "Access Denied");
      const store = objects.get(bucket);
      if (store === undefined) return xmlError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
      const q = u.searchParams;
      if (key === "") {
        if (req.method === "HEAD") return void res.writeHead(200).end();
        return xmlError(res, 501, "NotImplemented", "bucket operation not implemented");
      }
      if (req.method === "POST" && q.has("uploads")) {
        const id = `upload-${nextId++}`;
        uploads.set(id, { bucket, key, parts: new Map() });
        multipart.created++;
        res.writeHead(200, { "content-type": "application/xml" });
        return void res.end(`<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      }
      const uploadId = q.get("uploadId");
      if (uploadId !== null) {
        const up = uploads.get(uploadId);
        if (up === undefined) return xmlError(res, 404, "NoSuchUpload", "The specified upload does not exist");
        if (req.method === "PUT") {
          up.parts.set(Number(q.get("partNumber")), new Uint8Array(data));
          multipart.parts++;
          return void res.writeHead(200, { etag: etag(data) }).end();
        }
        if (req.method === "DELETE") {
          uploads.delete(uploadId);
          multipart.aborted++;
          return void res.writeHead(204).end();
        }
        if (req.method === "POST") {
          const numbers = [...data.toString("utf8").matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
          const all = Buffer.concat(numbers.map((n) => up.parts.get(n)!));
          store.set(key, new Uint8Array(all));
          uploads.delete(uploadId);
          multipart.completed++;
          res.writeHead(200, { "content-type": "application/xml" });
          return void res.end(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>/${bucket}/${key}</Location><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag(all)}</ETag></CompleteMultipartUploadResult>`);
        }
      }
      if (req.method === "PUT") {
        store.set(key, new Uint8Array(data));
        return void res.writeHead(200, { etag: etag(data) }).end();
      }
      if (req.method === "GET" || req.method === "HEAD") {
        const obj = store.get(key);
        if (obj === undefined) return xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
        res.writeHead(200, { "content-length": obj.length, "content-type": "application/octet-stream", etag: etag(obj) });
        return void res.end(req.method === "GET" ? obj : undefined);
      }
      return xmlError(res, 501, "NotImplemented", `${req.method} not implemented`);
    })().catch((err: unknown) => xmlError(res, 500, "InternalError", String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    log,
    multipart,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
