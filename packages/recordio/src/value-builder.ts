/**
 * Accumulates one `Value` message while it is decoded. Protobuf lets a repeated field arrive one
 * element per tag (unpacked) and merges repeated occurrences of a message field, so a tensor's
 * values may come in any number of pieces; they are appended to storage that grows by doubling,
 * which keeps decoding linear in the input whatever the encoding.
 * @packageDocumentation
 */
import type { Tensor, TensorType, Value } from "./record.js";
import type { ProtoReader } from "./wire/reader.js";

const NONE: Value = Object.freeze({ type: "none" });
const EMPTY_F32 = new Float32Array(0);
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/** What a `Value` message holds so far. @internal */
export type ValueKind = TensorType | "bytes" | "none";

/** @internal */
export class ValueBuilder {
  kind: ValueKind = "none";
  /** Tensor values; `count` of them are set, the rest is spare capacity. */
  values: Float32Array | Float64Array | Int32Array = EMPTY_F32;
  count = 0;
  /** Keys and shape of the tensor member (fresh arrays from {@link ValueBuilder.select}). */
  keys: number[] = [];
  shape: number[] = [];
  /** Values of the bytes member (a fresh array from {@link ValueBuilder.select}). */
  bytes: Uint8Array[] = [];
  contentType: string | undefined = undefined;

  /** Starts a new `Value` (a map entry's first value field). Allocates nothing. */
  reset(): void {
    this.kind = "none";
    this.values = EMPTY_F32;
    this.count = 0;
    this.contentType = undefined;
  }

  /** Selects the oneof member `kind`: the same member is merged into, another one replaces it. */
  select(kind: ValueKind): void {
    if (kind === this.kind) return;
    this.reset();
    this.kind = kind;
    this.values = kind === "float64" ? EMPTY_F64 : kind === "int32" ? EMPTY_I32 : EMPTY_F32;
    // fresh arrays only for the member that uses them: they become the decoded value's own
    if (kind === "bytes") this.bytes = [];
    else {
      this.keys = [];
      this.shape = [];
    }
  }

  /**
   * Makes room for `n` more values and returns the index of the first. The first piece gets a
   * slab-allocated array of exactly its size; later pieces grow the storage by doubling.
   */
  reserve(r: ProtoReader, n: number): number {
    const at = this.count;
    const need = at + n;
    if (need > this.values.length) {
      if (at === 0) this.values = this.alloc(r, need, true);
      else {
        const next = this.alloc(r, Math.max(need, this.values.length * 2), false);
        next.set(this.values.subarray(0, at) as never);
        this.values = next;
      }
    }
    this.count = need;
    return at;
  }

  private alloc(r: ProtoReader, n: number, exact: boolean): Float32Array | Float64Array | Int32Array {
    if (this.kind === "float32") return exact ? r.f32(n) : new Float32Array(n);
    if (this.kind === "float64") return exact ? r.f64(n) : new Float64Array(n);
    return new Int32Array(n);
  }

  /** The decoded `Value`; tensor values are trimmed to their count. */
  finish(r: ProtoReader): Value {
    switch (this.kind) {
      case "none":
        return NONE;
      case "bytes":
        return { type: "bytes", values: this.bytes, contentType: this.contentType };
      default: {
        let values = this.values;
        if (values.length !== this.count) {
          const exact = this.kind === "float32" ? r.f32(this.count) : this.kind === "float64" ? r.f64(this.count) : new Int32Array(this.count);
          exact.set(values.subarray(0, this.count) as never);
          values = exact;
        }
        return { type: this.kind, values, keys: this.keys, shape: this.shape } as Tensor;
      }
    }
  }
}
