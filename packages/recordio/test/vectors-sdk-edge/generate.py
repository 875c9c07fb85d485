"""Rebuild the edge-case RecordIO vectors in this folder with the SageMaker Python SDK's own code.

Same format as ../vectors (see ../vectors/README.md), made by the same machinery
(../vectors/rio_vectorgen.py) and the same vendored SDK subset (../vectors/sdk_ref/, Apache-2.0).
These cases pin down what the SDK does on inputs the public set leaves out: the exception types it
raises besides ValueError (IndexError, struct.error, protobuf DecodeError), inputs it accepts where
this package is documented as stricter, and valid protobuf encodings other than the SDK writer's
(unpacked repeated values, merged messages, unknown fields).

Needs numpy, scipy and protobuf (pip install numpy scipy protobuf); from this folder:
    python3 generate.py
It deletes and rewrites every *.json / *.rio here and index.json.
"""
import io
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vectors"))

from rio_vectorgen import Writer  # noqa: E402
from sdk_ref import serializer_utils as su  # noqa: E402

F32 = np.float32


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def ld(field, payload):
    """A length-delimited protobuf field."""
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def frame(payload, length=None):
    """One RecordIO frame (magic, length, payload, zero padding), as _write_recordio writes it."""
    n = len(payload) if length is None else length
    return struct.pack("<II", 0xCED7230A, n) + payload + b"\0" * ((-len(payload)) % 4)


def entry(key, value):
    return ld(1, key.encode()) + ld(2, value)


def f32_unpacked(values):
    return b"".join(varint(1 << 3 | 5) + struct.pack("<f", v) for v in values)


def packed_f32(values):
    return ld(1, b"".join(struct.pack("<f", v) for v in values))


def main(outdir=HERE):
    w = Writer(outdir)

    # ---------------- encode: exception types other than ValueError ----------------
    w.dense("err_label_count_equals_cols", np.arange(6, dtype=F32).reshape(3, 2),
            np.array([1, 0], dtype=F32),
            "2 labels for a 3x2 matrix: the SDK's check accepts a label count equal to the column "
            "count, writes two records, then raises IndexError on the third")
    w.dense("dense_label_count_equals_cols", np.arange(6, dtype=F32).reshape(2, 3),
            np.array([1, 0, 1], dtype=F32),
            "3 labels for a 2x3 matrix: the SDK writes two records and silently drops the third "
            "label (this package refuses: LABEL_SHAPE_MISMATCH)")
    w.dense("err_dtype_uint8", np.ones((2, 2), dtype=np.uint8), None, "uint8 unsupported")
    w.dense("err_dtype_float16", np.ones((1, 3), dtype=np.float16), None, "float16 unsupported")
    w.dense("err_labels_dtype_bool", np.ones((2, 2), dtype=F32), np.array([True, False]),
            "bool labels unsupported (labels are typed before features)")
    w.sparse("err_sparse_label_count_equals_cols", "csr", (3, 2), rows=[0, 2], cols=[1, 0],
             data=np.array([1.0, 2.0], dtype=F32), labels=np.array([1, 0], dtype=F32),
             description="sparse 3x2 with 2 labels: IndexError on the third row")
    w.sparse("err_sparse_i64_out_of_range", "coo", (2, 3), rows=[0, 1], cols=[2, 0],
             data=np.array([5, 2147483648], dtype=np.int64),
             description="int64 sparse value above int32 max: ValueError from protobuf mid-stream")
    w.sparse("sparse_csc_f64", "csc", (3, 4), rows=[2, 0, 1, 0], cols=[0, 3, 1, 1],
             data=np.array([1.5, -2.5, 3.0, 4.0]),
             labels=np.array([0.0, 1.0, 0.0]),
             description="CSC input: the SDK converts with tocsr(), entries come out row-major")
    w.serializer("err_serializer_float16", np.ones((1, 2), dtype=np.float16),
                 "RecordSerializer on float16 input: ValueError from _resolve_type")

    # ---------------- decode: exception types the reader raises ----------------
    good = io.BytesIO()
    su.write_numpy_to_dense_tensor(good, np.array([[1.0, 2.0]], dtype=F32), np.array([1.0], dtype=F32))
    g = good.getvalue()
    w.decode("decode_truncated_header", g + g[:6],
             "a second header cut after 6 bytes: struct.error from the length read (not swallowed)",
             built_with="good + good[:6]")
    w.decode("decode_corrupt_payload", frame(b"\xff\xff\xff"),
             "payload that is not a protobuf message: DecodeError", built_with="frame(b'\\xff\\xff\\xff')")
    w.decode("decode_wire_type_7", frame(b"\x0f\x00"), "tag with wire type 7: DecodeError",
             built_with="frame(b'\\x0f\\x00')")
    w.decode("decode_truncated_payload_corrupt", struct.pack("<II", 0xCED7230A, 10) + b"\x0a\x09ab",
             "header announces 10 bytes, 4 follow and do not parse: DecodeError",
             built_with="header(len=10) + b'\\x0a\\x09ab'")
    w.decode("decode_length_past_end", struct.pack("<II", 0xCED7230A, 0xFFFFFFFF) + b"ab",
             "header announces 4 GiB, 2 bytes follow: DecodeError (this package: RECORD_TOO_LARGE)",
             built_with="header(len=0xFFFFFFFF) + b'ab'")

    # ---------------- decode: the SDK accepts, this package is documented stricter ----------------
    w.decode("decode_truncated_payload_parses", struct.pack("<II", 0xCED7230A, 10) + b"\x1a\x02ab",
             "header announces 10 bytes, the 4 that follow are a complete message (uid 'ab'): the SDK "
             "returns it (this package: TRUNCATED_PAYLOAD)",
             built_with="header(len=10) + b'\\x1a\\x02ab'")
    w.decode("decode_known_field_wrong_wire_type", frame(b"\x08\x01"),
             "Record.features carried as a varint: protobuf keeps it as an unknown field (this "
             "package: BAD_WIRE_TYPE)", built_with="frame(b'\\x08\\x01')")

    # ---------------- decode: valid encodings the SDK's writer does not produce ----------------
    vals = [0.5, -1.25, 3.0, 1e-3, -0.0, 7.5]
    w.decode("decode_unpacked_floats",
             frame(ld(1, entry("values", ld(2, f32_unpacked(vals))))),
             "features['values'] as unpacked float32 values (one tag per value)",
             built_with="Float32Tensor values written unpacked")
    unpacked_ints = b"".join(varint(1 << 3 | 0) + varint(v & 0xFFFFFFFFFFFFFFFF) for v in [1, -1, 300, -2147483648])
    keys = b"".join(varint(2 << 3 | 0) + varint(k) for k in [0, 3, 9, 16384])
    shape = varint(3 << 3 | 0) + varint(20000)
    w.decode("decode_unpacked_ints_keys_shape",
             frame(ld(1, entry("values", ld(7, unpacked_ints + keys + shape)))),
             "Int32Tensor with unpacked values, keys and shape", built_with="unpacked varints")
    w.decode("decode_merged_tensor_fields",
             frame(ld(1, entry("values", ld(2, packed_f32([1, 2])) + ld(2, packed_f32([3]) + f32_unpacked([4]))))),
             "the float32_tensor field twice in one Value, packed and unpacked: protobuf merges them",
             built_with="Value{float32_tensor:[1,2]} + Value{float32_tensor:[3] + unpacked 4}")
    w.decode("decode_map_value_twice",
             frame(ld(1, ld(1, b"values") + ld(2, ld(2, packed_f32([1, 2]))) + ld(2, ld(2, packed_f32([3]))))),
             "a map entry carrying its value field twice: protobuf merges the two values",
             built_with="MapEntry{key, value:[1,2], value:[3]}")
    w.decode("decode_map_key_twice",
             frame(ld(1, entry("values", ld(2, packed_f32([1])))) + ld(1, entry("values", ld(2, packed_f32([2, 3]))))),
             "two map entries with the same key: the last one wins",
             built_with="features entry 'values' twice")
    f64 = ld(1, struct.pack("<d", 9.0))
    w.decode("decode_oneof_switch",
             frame(ld(1, entry("values", ld(2, packed_f32([1])) + ld(3, f64) + ld(2, packed_f32([2]))))),
             "Value sets float32_tensor, then float64_tensor, then float32_tensor: the last oneof member wins",
             built_with="oneof switched twice")
    w.decode("decode_empty_value_and_bytes",
             frame(ld(1, entry("empty", b"")) + ld(2, entry("blob", ld(9, ld(1, b"\x00\x01") + ld(2, b"text/plain"))))
                   + ld(3, b"id-7") + ld(4, b"meta") + ld(5, b"{}")),
             "a Value with no oneof member, a Bytes value with a content type, uid, metadata, configuration",
             built_with="hand-built Record")
    unknown = (varint(15 << 3 | 0) + varint(300) + varint(16 << 3 | 1) + b"\0" * 8 + varint(17 << 3 | 5) + b"\0" * 4
               + varint(18 << 3 | 2) + varint(2) + b"zz" + varint(19 << 3 | 3) + varint(1 << 3 | 0) + b"\x05"
               + varint(19 << 3 | 4))
    w.decode("decode_unknown_fields",
             frame(unknown + ld(1, entry("values", ld(2, packed_f32([1, 2]) + unknown)))),
             "unknown fields of every wire type, a group included, in Record and in a tensor",
             built_with="hand-built Record with fields 15-19")

    w.finish("SDK edge-case RecordIO-protobuf vectors")
    print("wrote %d cases to %s" % (len(w.index), outdir))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
