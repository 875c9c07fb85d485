/**
 * The Firehose stand-in's delivery side: one buffer per stream, size/time triggers, memory bounded
 * across every stream, GZIP objects written atomically under the keys the stack's prefix expressions give, and write
 * failures kept for retry (never dropped) while new records are refused.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { evaluateFirehosePrefix, firehoseObjectName } from "@fraud/contracts";
import pRetry from "p-retry";
import writeFileAtomic from "write-file-atomic";
import { ensureDirectory } from "./directory.js";
import { LocalAwsError } from "./errors.js";
import type { RequestLogger } from "./http.js";

const gzip = promisify(gzipCallback);

/** How the store delivers. @internal */
export interface StoreSettings {
  /** Directory playing the bucket. */
  dir: string;
  /** Firehose prefix expression (`@fraud/contracts`' `firehosePrefixExpressions`), evaluated at the oldest record's arrival. */
  prefix: string;
  /** A stream's buffer is delivered when it holds this many bytes. */
  bufferBytes: number;
  /** …or this many seconds after its first record (0: at once). */
  bufferSeconds: number;
  /** Most bytes held at once across every stream: buffered, being written, or kept after a failed write. */
  maxRetainedBytes: number;
  /** Retries of one object write before the destination counts as failing. */
  writeRetries: number;
  /** First back-off between write retries, in milliseconds (doubling). */
  retryDelayMs: number;
  /** Interval of the background re-delivery of objects whose write failed, in milliseconds. */
  redeliverMs: number;
  /** Debug log. */
  log: RequestLogger | undefined;
  /** Warnings (failed writes, recovery): always reported. */
  warn: RequestLogger;
}

interface Batch {
  stream: string;
  chunks: Buffer[];
  bytes: number;
  records: number;
  oldest: number;
}

interface StreamBuffer extends Batch {
  created: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Firehose's object key for a delivery: the prefix expression evaluated at the oldest record's
 * arrival (UTC), then `<stream>-1-<write time>-<uuid>.gz`.
 * @internal
 */
export function objectKey(prefix: string, stream: string, oldest: Date, written: Date, uuid: string): string {
  return `${evaluateFirehosePrefix(prefix, { timestamp: oldest, randomString: () => randomUUID().replace(/-/g, "").slice(0, 11) })}${firehoseObjectName({ stream, written, uuid })}`;
}

/** Writes one GZIP object; resolves with its key. @internal */
async function writeObject(settings: StoreSettings, batch: Batch): Promise<string> {
  const key = objectKey(settings.prefix, batch.stream, new Date(batch.oldest), new Date(), randomUUID());
  const file = join(settings.dir, key);
  await ensureDirectory(dirname(file));
  await writeFileAtomic(file, await gzip(Buffer.concat(batch.chunks, batch.bytes)));
  return key;
}

/**
 * Buffers accepted records per stream and delivers them as objects. Memory is bounded by
 * `maxRetainedBytes` over all streams together; a record that would cross it, or any record while
 * the destination is failing, is refused (the caller reports it failed, so its sender retries).
 * @internal
 */
export class ObjectStore {
  /** Keys of every object written, in delivery order. */
  readonly objects: string[] = [];
  private readonly streams = new Map<string, StreamBuffer>();
  private readonly writing = new Set<Promise<string | undefined>>();
  private readonly failed: Batch[] = [];
  private retained = 0;
  private failure: LocalAwsError | undefined;
  private redeliverTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: StoreSettings) {}

  /** Whether a stream exists. */
  has(name: string): boolean {
    return this.streams.has(name);
  }

  /** Number of streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Stream names, in creation order. */
  names(): string[] {
    return [...this.streams.keys()];
  }

  /** When the stream was created (epoch ms), or undefined. */
  created(name: string): number | undefined {
    return this.streams.get(name)?.created;
  }

  /** Creates an empty stream. */
  create(name: string): void {
    if (!this.streams.has(name)) this.streams.set(name, { stream: name, created: Date.now(), chunks: [], bytes: 0, records: 0, oldest: 0, timer: undefined });
  }

  /** Why records are refused right now (the destination fails), or undefined. */
  get refusal(): string | undefined {
    return this.failure && `Destination not writable: ${this.failure.message}`;
  }

  /**
   * Buffers `records` on `stream` (which must exist); per record, `undefined` when accepted or the
   * reason it was refused.
   */
  accept(stream: string, records: readonly Buffer[]): (string | undefined)[] {
    const s = this.streams.get(stream)!;
    const refusal = this.refusal;
    let full = false;
    const outcome = records.map((r) => {
      if (refusal) return refusal;
      if (this.retained + r.length > this.settings.maxRetainedBytes) {
        full = true;
        return `Buffer full: ${this.retained} bytes held across streams (limit ${this.settings.maxRetainedBytes}); retry later.`;
      }
      this.append(s, r);
      return undefined;
    });
    if (full) for (const b of this.streams.values()) this.deliver(b);
    else if (this.settings.bufferSeconds === 0) this.deliver(s);
    return outcome;
  }

  private append(s: StreamBuffer, record: Buffer): void {
    if (s.records === 0) {
      s.oldest = Date.now();
      if (this.settings.bufferSeconds > 0 && !s.timer) {
        s.timer = setTimeout(() => this.deliver(s), this.settings.bufferSeconds * 1000);
        s.timer.unref();
      }
    }
    s.chunks.push(record);
    s.bytes += record.length;
    s.records++;
    this.retained += record.length;
    if (s.bytes >= this.settings.bufferBytes) this.deliver(s);
  }

  /** Starts writing a stream's buffer as one object. */
  private deliver(s: StreamBuffer): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    if (s.records === 0) return;
    const batch: Batch = { stream: s.stream, chunks: s.chunks, bytes: s.bytes, records: s.records, oldest: s.oldest };
    s.chunks = [];
    s.bytes = 0;
    s.records = 0;
    this.track(this.write(batch));
  }

  private track(job: Promise<string | undefined>): Promise<string | undefined> {
    this.writing.add(job);
    void job.finally(() => this.writing.delete(job));
    return job;
  }

  /** Writes a batch with bounded retries; a batch that still fails is kept for re-delivery. */
  private async write(batch: Batch): Promise<string | undefined> {
    const { log, writeRetries, retryDelayMs } = this.settings;
    try {
      const key = await pRetry(() => writeObject(this.settings, batch), { retries: writeRetries, minTimeout: retryDelayMs, factor: 2 });
      this.retained -= batch.bytes;
      this.objects.push(key);
      log?.(`firehose deliver ${key} ${batch.records} records ${batch.bytes} bytes`);
      if (this.failure) this.settings.warn(`destination ${this.settings.dir} is writable again`);
      this.failure = undefined;
      return key;
    } catch (err) {
      const reason = (err as Error).message;
      this.failure = err instanceof LocalAwsError ? err : new LocalAwsError("IO_FAILED", `cannot write under ${this.settings.dir}: ${reason}`, { cause: err, path: this.settings.dir });
      this.failed.push(batch);
      this.settings.warn(`${batch.records} records of ${batch.stream} not written (${reason}); kept for retry, refusing new records until the destination works`);
      this.scheduleRedelivery();
      return undefined;
    }
  }

  private scheduleRedelivery(): void {
    if (this.redeliverTimer) return;
    this.redeliverTimer = setTimeout(() => {
      this.redeliverTimer = undefined;
      this.redeliverFailed();
    }, this.settings.redeliverMs);
    this.redeliverTimer.unref();
  }

  private redeliverFailed(): Promise<string | undefined>[] {
    return this.failed.splice(0).map((b) => this.track(this.write(b)));
  }

  /**
   * Delivers every buffer now and retries objects whose write failed; resolves with the keys
   * written, or rejects with `IO_FAILED` when records are still unwritten.
   */
  async flush(): Promise<string[]> {
    for (const s of this.streams.values()) this.deliver(s);
    const keys: (string | undefined)[] = [];
    // writes started before this flush may still be running: wait for all of them
    while (this.writing.size > 0) keys.push(...(await Promise.all([...this.writing])));
    if (this.failed.length > 0) keys.push(...(await Promise.all(this.redeliverFailed())));
    if (this.failed.length > 0) {
      const records = this.failed.reduce((n, b) => n + b.records, 0);
      const bytes = this.failed.reduce((n, b) => n + b.bytes, 0);
      throw new LocalAwsError("IO_FAILED", `${records} accepted records (${bytes} bytes) are not written: ${this.failure?.message ?? "write failed"}`, {
        cause: this.failure,
        path: this.settings.dir,
      });
    }
    return keys.filter((k): k is string => k !== undefined);
  }

  /** Stops background re-delivery (call before a final {@link flush}). */
  stop(): void {
    if (this.redeliverTimer) clearTimeout(this.redeliverTimer);
    this.redeliverTimer = undefined;
    for (const s of this.streams.values()) if (s.timer) clearTimeout(s.timer);
  }
}
