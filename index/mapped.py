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
"""

from __future__ import annotations

from whoosh.filedb import structfile


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
