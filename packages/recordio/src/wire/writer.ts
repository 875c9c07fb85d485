import { int32Size, varintSize, writeInt32, writeVarint } from "./varint.js";

const utf8 = new TextEncoder();

/**
 * A growable protobuf writer for the general (non hot-path) record encoder.
 * @internal
 */
export class ProtoWriter {
  private buf: Uint8Array;
  pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  tag(field: number, wireType: number): this {
    return this.uint53(field * 8 + wireType);
  }

  uint53(value: number): this {
    this.reserve(10);
    this.pos = writeVarint(this.buf, this.pos, value);
    return this;
  }

  int32(value: number): this {
    this.reserve(10);
    this.pos = writeInt32(this.buf, this.pos, value);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, 2).uint53(bytes.length).raw(bytes);
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, utf8.encode(value));
  }

  packedFloat32(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, 2).uint53(values.length * 4);
    this.reserve(values.length * 4);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, values.length * 4);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    this.pos += values.length * 4;
    return this;
  }

  packedFloat64(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, 2).uint53(values.length * 8);
    this.reserve(values.length * 8);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, values.length * 8);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
    this.pos += values.length * 8;
    return this;
  }

  packedInt32(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    let size = 0;
    for (let i = 0; i < values.length; i++) size += int32Size(values[i]!);
    this.tag(field, 2).uint53(size);
    for (let i = 0; i < values.length; i++) this.int32(values[i]!);
    return this;
  }

  packedUint53(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    let size = 0;
    for (let i = 0; i < values.length; i++) size += varintSize(values[i]!);
    this.tag(field, 2).uint53(size);
    for (let i = 0; i < values.length; i++) this.uint53(values[i]!);
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
