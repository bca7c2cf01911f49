"""What our segment writer (``index.store``) adds to a Whoosh segment, and reading it back.

Whoosh keeps a segment's stored fields as zlib-compressed pickles behind a column index, and its
posting lists as pickled blocks of 128 delta-encoded ids; reading either costs Python work per
document or per block (stored fields ~55 us a hit; "países" at 100k units, 610 blocks, ~20 ms).
Beside Whoosh's own bytes -- which stay complete, so Whoosh can still read, merge and search the
segment -- a segment written by ``index.store`` carries:

* **hit fields**: a ``.hits`` file in the segment, every document's stored fields as one
  ``marshal`` blob -- a tuple of their values in ``schema.STORED_FIELDS`` order (None for a field
  the document lacks): a dict's keys cost 2.5x its values to load --, followed by the (n + 1) blob
  offsets, n and a magic word. A hit is one slice of the memory map and one ``marshal.loads``
  (~1.5 us).
* **raw posting arrays**: right after each posting list of more than one posting, its segment
  docnums and its weights (term frequencies) as little-endian uint32 and, for a field with
  positions (word pairs), every posting's positions in order (as many as its frequency) --
  each read with one ``numpy.frombuffer``. Whoosh's term info says where its own bytes end (offset + length) and how
  many postings there are, so the arrays need no table of their own. A one-posting list needs none:
  its docnum and weight are in the term info.

A segment without a ``.hits`` file of this ``FORMAT`` (written by Whoosh itself -- a merge of
small segments -- or by another version of ours) is read from Whoosh's structures alone.
"""

from __future__ import annotations

import marshal
import struct
import sys
from array import array

import numpy as np

from index.schema import STORED_FIELDS

HITS_EXT = ".hits"
_HITS_MAGIC = b"CRMH"
FORMAT = 2  # of the hit fields and raw posting arrays; a segment of another format is read as Whoosh's
_TRAILER = struct.Struct("<QI4s")  # document count, format, magic


def hit_blob(stored: dict) -> bytes:
    return marshal.dumps(tuple(stored.get(name) for name in STORED_FIELDS))


def write_hits(segment, storage, blobs: list[bytes]) -> None:
    """The ``.hits`` file of ``segment`` (one blob per docnum, in docnum order)."""
    offsets = array("Q", [0])
    total = 0
    for blob in blobs:
        total += len(blob)
        offsets.append(total)
    if sys.byteorder != "little":
        offsets.byteswap()
    f = segment.create_file(storage, HITS_EXT)
    try:
        for blob in blobs:
            f.write(blob)
        f.write(offsets.tobytes())
        f.write(_TRAILER.pack(len(blobs), FORMAT, _HITS_MAGIC))
    finally:
        f.close()


def raw_postings(docs: array, weights: array, positions: array | None = None) -> bytes:
    """The raw arrays written after a posting list (arrays of typecode "I")."""
    parts = [a if a.itemsize == 4 else array("I", a) for a in (docs, weights, positions) if a is not None]
    if sys.byteorder != "little":
        parts = [array("I", a) for a in parts]
        for a in parts:
            a.byteswap()
    return b"".join(a.tobytes() for a in parts)


def read_raw_postings(postfile, offset: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(segment docnums, weights), uint32, of a posting list of ``count`` > 1 postings whose raw
    arrays start at ``offset`` of the segment's postings file."""
    both = _uint32s(postfile, offset, 2 * count)
    return both[:count], both[count:]


def read_short_postings(postfile, offset: int, count: int) -> tuple[int, ...]:
    """``read_raw_postings`` of a short list as Python ints: its ``count`` docnums, then their
    weights (numpy's per-call costs outweigh its loops on a few postings)."""
    view = getattr(postfile, "_buf", None)
    if view is not None:
        return struct.unpack_from(f"<{2 * count}I", view, offset)
    return struct.unpack(f"<{2 * count}I", postfile.get(offset, 8 * count))


def read_raw_positions(postfile, offset: int, count: int, total: int) -> np.ndarray:
    """The ``total`` positions (uint32) written after the posting list of ``read_raw_postings``."""
    return _uint32s(postfile, offset + 8 * count, total)


def _uint32s(postfile, offset: int, count: int) -> np.ndarray:
    view = getattr(postfile, "_buf", None)  # a memory-mapped segment: read in place
    if view is not None:
        return np.frombuffer(view, dtype="<u4", count=count, offset=offset)
    return np.frombuffer(postfile.get(offset, 4 * count), dtype="<u4", count=count)


class SegmentHits:
    """The ``.hits`` file of one segment, opened: stored fields by segment docnum."""

    __slots__ = ("_file", "_view", "_offsets")

    def __init__(self, f, length: int):
        self._file = f
        view = getattr(f, "_buf", None)
        if view is None:  # not memory-mapped: read the whole file once
            view = memoryview(f.get(0, length))
        self._view = view
        count, _format, _magic = _TRAILER.unpack(bytes(view[len(view) - _TRAILER.size:]))
        start = len(view) - _TRAILER.size - 8 * (count + 1)
        self._offsets = np.frombuffer(view, dtype="<u8", count=count + 1, offset=start).tolist()

    def values(self, docnum: int) -> tuple:
        """The stored values of a document, in ``STORED_FIELDS`` order (None where it has none)."""
        offsets = self._offsets
        return marshal.loads(self._view[offsets[docnum]:offsets[docnum + 1]])

    def stored(self, docnum: int) -> dict:
        """The stored fields of a document, as Whoosh's ``stored_fields`` gives them."""
        return {name: value for name, value in zip(STORED_FIELDS, self.values(docnum)) if value is not None}

    def close(self) -> None:
        self._view = None
        self._file.close()


def open_hits(leaf) -> SegmentHits | None:
    """The ``.hits`` file of a Whoosh segment reader, or None if its segment has none."""
    segment = getattr(leaf, "_segment", None)
    storage = getattr(leaf, "_storage", None)
    if segment is None or storage is None:
        return None
    return _open_hits(segment, storage)


def of_this_format(segment, storage) -> bool:
    """Whether our writer wrote ``segment`` (a Whoosh ``Segment``) in this FORMAT."""
    hits = _open_hits(segment, storage)
    if hits is None:
        return False
    hits.close()
    return True


def _open_hits(segment, storage) -> SegmentHits | None:
    name = segment.make_filename(HITS_EXT)
    if not storage.file_exists(name):
        return None
    length = storage.file_length(name)
    f = storage.open_file(name)
    trailer = _TRAILER.unpack(f.get(length - _TRAILER.size, _TRAILER.size)) if length >= _TRAILER.size else None
    if trailer != (segment.doc_count_all(), FORMAT, _HITS_MAGIC):
        f.close()  # another format of ours (or not this segment's): Whoosh's structures are complete, read those
        return None
    return SegmentHits(f, length)
