/**
 * Node.js adapters: `@fraud/recordio/node`. Streams of rows and records with Node's back-pressure,
 * dense matrices to and from files through one reused buffer, and the safe output files every
 * writer of the project uses ({@link openOutput}: atomic for regular files, direct for devices,
 * FIFOs and sockets, checked before any work).
 * @packageDocumentation
 */
import { Readable, Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { readRecords } from "./decode.js";
import type { FramingOptions } from "./framing.js";
import type { RecordIORecord } from "./record.js";
import { RecordIOWriter } from "./stream.js";
import type { RecordIOWriterOptions, RowInput } from "./stream.js";

export { createDenseReadStream, readDenseFile, readDenseFileInto, writeDenseFile } from "./node-files.js";
export type { ReadDenseFileOptions, WriteDenseFileOptions } from "./node-files.js";
export { checkOutput, openOutput, systemErrorReason, writeOutput } from "./output.js";
export type { OutputFile, OutputKind } from "./output.js";

/**
 * A Node `Transform` taking rows (object mode) and emitting RecordIO bytes. Back-pressure is Node's:
 * pipe it (`stream.pipeline`) into a file or an upload and memory stays at about one chunk.
 *
 * @example
 * ```ts
 * await pipeline(Readable.from(rows), createEncodeStream({ cols: 30 }), createWriteStream("train.rec"));
 * ```
 * @public
 */
export function createEncodeStream(options: RecordIOWriterOptions): Transform {
  const writer = new RecordIOWriter(options);
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    readableHighWaterMark: options.chunkBytes ?? 65536,
    transform(row: RowInput, _enc: BufferEncoding, done: TransformCallback) {
      try {
        writer.write(row);
      } catch (err) {
        done(err as Error);
        return;
      }
      for (const chunk of writer.take()) this.push(chunk);
      done();
    },
    flush(done: TransformCallback) {
      const last = writer.flush();
      if (last.length > 0) this.push(last);
      done();
    },
  });
}

/**
 * A Node `Readable` (object mode) of the records in a byte stream, e.g. `fs.createReadStream(...)`.
 *
 * @example
 * ```ts
 * for await (const record of createDecodeStream(createReadStream("train.rec"))) n++;
 * ```
 * @public
 */
export function createDecodeStream(source: AsyncIterable<Uint8Array>, options: FramingOptions = {}): Readable {
  return Readable.from(readRecords(source, options) as AsyncIterable<RecordIORecord>, { objectMode: true });
}
