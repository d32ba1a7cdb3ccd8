"""Reads the shards of `./qed shards` with the standard library alone.

A token file (`tokens-NNNNN.bin`, written with `--mmap-files`) is little-endian:
  header (32 bytes): magic b"QEDTOKS1", int32 seq_len, int32 0, int64 sequences, int64 examples
  sequences:         per sequence, uint32 input_ids[seq_len] then uint8 loss_mask[seq_len]
  example index:     int64 start[examples] (token offset from the first sequence), int32 length[examples]
It is read through mmap, so a rank touches only the pages it uses.
"""
import mmap
import os
import struct
import sys

MAGIC = b"QEDTOKS1"
HEADER = struct.Struct("<8siiqq")


class TokenFile:
    """One memory-mapped token file: `sequence(i)` gives (input_ids, loss_mask) as memoryviews."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self.seq_len, _, self.sequences, self.examples = HEADER.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise ValueError(f"{path} is not a qed-spark token file (magic {magic!r})")
        self._record = 5 * self.seq_len
        index = HEADER.size + self.sequences * self._record
        expected = index + 12 * self.examples
        if len(self._map) != expected:
            raise ValueError(f"{path} has {len(self._map)} bytes; its header promises {expected}")
        view = memoryview(self._map)
        self.starts = view[index:index + 8 * self.examples].cast("q")
        self.lengths = view[index + 8 * self.examples:expected].cast("i")
        if sys.byteorder != "little":
            raise ValueError("token files are little-endian; this machine is not")

    def sequence(self, i):
        at = HEADER.size + i * self._record
        view = memoryview(self._map)
        ids = view[at:at + 4 * self.seq_len].cast("I")
        mask = view[at + 4 * self.seq_len:at + self._record]
        return ids, mask


def rank_token_files():
    """The token files the launcher gave this rank (QED_TOKEN_FILES), opened."""
    paths = [p for p in os.environ.get("QED_TOKEN_FILES", "").split(",") if p]
    if not paths:
        raise SystemExit("QED_TOKEN_FILES is empty: write the shards with ./qed shards --mmap-files")
    return [TokenFile(p) for p in paths]
