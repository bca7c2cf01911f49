"""Whoosh's memory-mapped segment files read in place, not copied.

A segment is one compound file that Whoosh 2.7.4 memory-maps; each file inside it (postings,
term table, columns) is opened as a ``BufferFile`` over a view of the map -- which then builds
``io.BytesIO(view)`` for its seek/read methods. ``BytesIO`` copies a memoryview, so the first read
of a segment's postings copied the whole file into the process's private memory: at 100k units
~220 MB of the query process's 420 MB were those copies (measured with ``RssAnon``), paid again by
every process that searches. Whoosh is unmaintained, so the fix lives here: ``BufferFile`` gets a
reader that seeks and reads in the view itself. The pages stay the kernel's page cache, shared by
every process that maps the index.

Importing this module applies it (``index.generation`` and ``index.store`` do).

The term table is looked up in the view too (``term_table``): Whoosh's hash-file lookup reads
every slot and length through two layers of ``get``/``bytes`` copies, ~5 µs a term, paid twice
per segment by a one-word search; ``TermTable`` reads the same bytes with ``unpack_from``.
``items_with_prefix`` walks one field's run of the table the same way (``index.generation``
keeps the word fields' terms in memory).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from hashlib import md5

from whoosh.filedb import structfile
from whoosh.filedb.filetables import HashReader


class ViewReader:
    """The read side of a file over a memoryview (what ``BufferFile`` needs from ``BytesIO``)."""

    __slots__ = ("_view", "_pos")

    def __init__(self, view):
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._pos
        limit = len(view) if size is None or size < 0 else min(len(view), start + size)
        end = limit
        for chunk_start in range(start, limit, 256):  # pickle.load reads its protocol-0 opcodes by line
            newline = bytes(view[chunk_start:min(limit, chunk_start + 256)]).find(b"\n")
            if newline != -1:
                end = chunk_start + newline + 1
                break
        self._pos = max(start, end)
        return bytes(view[start:end])

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset < 0 and whence == 0:
            raise ValueError(f"negative seek value {offset}")
        if whence == 1:
            offset = max(0, offset + self._pos)  # as BytesIO: a relative seek stops at the start
        elif whence == 2:
            offset = max(0, offset + len(self._view))
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release: the view belongs to the compound file, closed with it."""


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


structfile.BufferFile.__init__ = _buffer_file_init


_SLOT = struct.Struct("!Iq")  # a hash table slot: the key's hash, where its (lengths, key, value) are
_LENGTHS = struct.Struct("!ii")  # before a key and its value: their lengths
_MD5 = 0  # Whoosh's hash type numbers (whoosh.filedb.filetables._hash_functions)


class TermTable:
    """A Whoosh hash file (MD5-hashed, CDB layout: 256 tables of (hash, position) slots, linear
    probing) read in a memoryview; ``get`` returns a view of the value, not a copy."""

    __slots__ = ("_view", "_tables")

    def __init__(self, view: memoryview, tables: list[tuple[int, int]]):
        self._view = view
        self._tables = tables

    def get(self, key: bytes) -> memoryview | None:
        view = self._view
        keyhash = int.from_bytes(md5(key).digest()[12:], "big")  # = whoosh's md5_hash
        start, slots = self._tables[keyhash & 255]
        if not slots:
            return None
        slot = (keyhash >> 8) % slots
        for _ in range(slots):
            slothash, item = _SLOT.unpack_from(view, start + slot * _SLOT.size)
            if not item:
                return None
            if slothash == keyhash:
                keylen, datalen = _LENGTHS.unpack_from(view, item)
                begin = item + _LENGTHS.size
                if keylen == len(key) and view[begin:begin + keylen] == key:
                    return view[begin + keylen:begin + keylen + datalen]
            slot = slot + 1 if slot + 1 < slots else 0
        return None


def term_table(table: HashReader):
    """``table`` as a ``TermTable`` when its file is a view of a mapped segment with MD5 hashes,
    else ``table`` itself (both answer ``get(key)`` with the value's bytes or None)."""
    buf = getattr(table.dbfile, "_buf", None)
    if isinstance(buf, memoryview) and table.hashtype == _MD5 and len(table.tables) == 256:
        return TermTable(buf, table.tables)
    return table


def items_with_prefix(table: HashReader, prefix: bytes) -> Iterator[tuple[bytes, bytes | memoryview]]:
    """(key without ``prefix``, value) of every key of ``table`` (an ``OrderedHashReader``) that
    starts with ``prefix``, in key order. An ordered hash file keeps its records in key order, so
    those keys are one run of records from the first of them (found by Whoosh's bisection)."""
    pos = table.closest_key_pos(prefix)
    if pos is None:
        return
    cut = len(prefix)
    view = getattr(table.dbfile, "_buf", None)
    if not isinstance(view, memoryview):
        for key, value in table.items_from(prefix):
            if not key.startswith(prefix):
                return
            yield key[cut:], value
        return
    end, size = table.endofdata, _LENGTHS.size
    while pos < end:
        keylen, datalen = _LENGTHS.unpack_from(view, pos)
        begin = pos + size
        if view[begin:begin + cut] != prefix:
            return
        pos = begin + keylen + datalen
        yield bytes(view[begin + cut:begin + keylen]), view[begin + keylen:pos]
