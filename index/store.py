"""The on-disk index: generations and writing (the documents come from ``index.documents``).

Layout of an index directory::

    index_dir/CURRENT.json   {"generation": "g000003", "schema_version": 1}
    index_dir/g000003/       a Whoosh index

``rebuild`` writes a whole new generation beside the current one and then replaces CURRENT.json
with ``os.replace`` -- atomic on POSIX -- so a reader (the web app, another process) sees either the
old index or the new one, never a half-built one. The previous generation is kept until the next
rebuild, because a long-lived searcher in another process may still have its files open.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import multiprocessing as mp
import operator
import os
import shutil
import struct
from array import array
from collections.abc import Callable, Iterable
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.compat import dumps
from whoosh.formats import Positions
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from archive.models import ArchiveError, Report
from index.analysis import (
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    capitalised_tokens,
    iter_word_tokens,
    pair_term,
    stem_english,
    stem_spanish,
)
from index import mapped  # noqa: F401 (segment files read in place)
from index.segments import hit_blob, of_this_format, raw_postings, write_hits
from index.documents import UnitDoc, country_facet_key, stored_units, unit_documents, unit_id  # noqa: F401 (re-exported)
from archive.glossary import glossary_digest
from index.expansion import entity_keys
from index.schema import INT_COLUMNS, SCHEMA_VERSION, STRING_COLUMNS, TEXT_FIELDS, build_schema

log = logging.getLogger(__name__)

POINTER_FILE = "CURRENT.json"


class IndexStoreError(ArchiveError):
    """The index directory cannot be read or written (message says why, in one line)."""


@dataclass(frozen=True)
class Pointer:
    generation: str
    schema_version: int
    glossary: str = ""  # archive.glossary.glossary_digest of the glossary the entity postings come from


def read_pointer(index_dir: Path) -> Pointer | None:
    try:
        data = json.loads((index_dir / POINTER_FILE).read_text(encoding="utf-8"))
        return Pointer(str(data["generation"]), int(data["schema_version"]), str(data.get("glossary", "")))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as e:
        log.warning("unreadable index pointer in %s: %s", index_dir, e)
        return None


def pointer_stamp(index_dir: Path | str) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of the pointer file, None if there is none (a str ``index_dir`` spares a
    search the Path join)."""
    try:
        st = os.stat(os.path.join(index_dir, POINTER_FILE))
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _write_pointer(index_dir: Path, pointer: Pointer) -> None:
    tmp = index_dir / f".{POINTER_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"generation": pointer.generation, "schema_version": pointer.schema_version,
                               "glossary": pointer.glossary}), encoding="utf-8")
    os.replace(tmp, index_dir / POINTER_FILE)


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[1:]) for p in index_dir.glob("g[0-9]*") if p.name[1:].isdigit()]
    return f"g{max(numbers, default=0) + 1:06d}"


def open_current(index_dir: Path) -> tuple[Index, Pointer]:
    """Open the current generation, creating an empty index if there is none."""
    index_dir.mkdir(parents=True, exist_ok=True)
    pointer = read_pointer(index_dir)
    if pointer is not None and (index_dir / pointer.generation).is_dir():
        try:
            return whoosh_index.open_dir(str(index_dir / pointer.generation)), pointer
        except (whoosh_index.EmptyIndexError, OSError) as e:
            log.warning("index generation %s unusable (%s); starting a new one", pointer.generation, e)
    name = _next_generation_name(index_dir)
    (index_dir / name).mkdir()
    ix = whoosh_index.create_in(str(index_dir / name), build_schema())
    pointer = Pointer(name, SCHEMA_VERSION, glossary_digest())
    _write_pointer(index_dir, pointer)
    return ix, pointer


# --- writing ------------------------------------------------------------------------------------
#
# Whoosh's own ``add_document`` path was measured at ~390 units/s on one core for this schema
# (profile: per-posting pickling into an external-sort pool, then ``add_postings`` asking the
# lengths column -- and for unscored fields the FILE SYSTEM -- once per posting). Its multiprocess
# writer was slower still (~100-170 units/s with 2 procs: documents are pickled to temp files and
# re-read by the workers). ``_UnitSegmentWriter`` keeps Whoosh's segment format, codec, TOC and
# locking, but analyses each unit ONCE (one token scan feeds the four text fields), collects the
# postings in per-term arrays in memory, and writes each term's posting list in the codec's byte
# format in one go (``_write_postings``). Parallel builds write one segment per process (Whoosh's
# "multisegment"), forked, so the reports are not pickled. Measured on 100k synthetic units, 2 cores:
# ~3,100-3,400 units/s wall with procs=2, ~1,600-1,800 units per CPU-second.

# Units per segment: bounds the writer's memory (~200 MB per 50k units). Every search looks each of its
# words up once per segment: 100k units in 2 segments instead of 4 made a rare term ~4 % faster.
SEGMENT_UNITS = 50_000
PARALLEL_MIN_UNITS = 4_000  # below this a second process costs more than it saves
COMPRESSION = 0
MAX_SEGMENTS = 12  # after an update, more segments than this, or more small ones than
MAX_SMALL_SEGMENTS = 4  # this: the small ones are merged (merge_due)
SMALL_SEGMENT_UNITS = 6_250  # live units under which a segment is small (rewritten by merges)


class _UnitSegmentWriter(SegmentWriter):
    """A Whoosh SegmentWriter for our unit documents that bypasses the posting pool (see above)."""

    def __init__(self, ix: Index, **kwargs):
        super().__init__(ix, codec=_codec(), **kwargs)
        # field -> term -> [array of docnum, weight, docnum, weight, ...; value bytes (list) or None]
        self._terms: dict[str, dict[str, list]] = {name: {} for name in TEXT_FIELDS}
        self._terms["report_id"] = {}
        self._terms["version"] = {}
        self._terms["capitals"] = {}
        self._terms["entities"] = {}
        self._lengths: dict[str, array] = {name: array("I") for name in TEXT_FIELDS + ("entities",)}
        self._units = 0
        fields = self.schema
        self._fieldobjs = {name: fields[name] for name in self._terms}
        self._column_types = {name: fields[name].column_type for name in STRING_COLUMNS + INT_COLUMNS}
        self._last_columns: dict | None = None
        self._last_encoded: list = []
        self._hit_blobs: list[bytes] = []  # the segment's .hits file (index.segments), by docnum

    def add_unit(self, unit: UnitDoc) -> None:
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        lengths = _index_text(self._terms, docnum, unit.text, unit.english)
        for name in TEXT_FIELDS:
            length = lengths.get(name, 0)
            self._lengths[name].append(length)
            if length:
                perdoc.add_field(name, None, None, length)  # the field's length column
        # The stored fields, in the order Whoosh's add_field would have put them (``exact`` first).
        stored = perdoc._storedfields
        if "exact" in unit.stored:
            stored["exact"] = unit.stored["exact"]
        stored.update(unit.stored)
        self._hit_blobs.append(hit_blob(unit.stored))
        _add_posting(self._terms["report_id"], unit.columns["report_id"], docnum, 1, None)
        if unit.version:
            _add_posting(self._terms["version"], unit.version, docnum, 1, None)
        for token in capitalised_tokens(unit.text):
            _add_posting(self._terms["capitals"], token, docnum, 1, None)
        keys = entity_keys(unit.text)
        for key in keys:
            _add_posting(self._terms["entities"], key, docnum, 1, None)
        # Scored like a text field (BM25 over the number of entities a unit names), so a unit that only
        # names the entity in another form ranks by how much it is about it, as a typed word would.
        self._lengths["entities"].append(len(keys))
        if keys:
            perdoc.add_field("entities", None, None, len(keys))
        for column_writer, value in self._encoded_columns(unit.columns):
            column_writer.add(docnum, value)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1
        self._units += 1

    def _encoded_columns(self, columns: dict) -> list:
        """(column writer, encoded value) per column. All units of a report share one ``columns``
        dict, so this is computed once per report, not once per unit."""
        if columns is not self._last_columns:
            perdoc = self.perdocwriter
            encoded = []
            for name, column in self._column_types.items():
                if not perdoc._has_column(name):
                    perdoc._create_column(name, column)
                value = columns[name]
                encoded.append((perdoc._get_column(name), value.encode("utf-8") if isinstance(value, str) else value))
            self._last_columns, self._last_encoded = columns, encoded
        return self._last_encoded

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        write_hits(self.newsegment, self.storage, self._hit_blobs)
        self._hit_blobs = []
        fw = self.fieldwriter
        base = self.docbase
        postfile, tindex = fw._postfile, fw._tindex
        for name in sorted(self._terms):
            terms = self._terms[name]
            if not terms:
                continue
            fieldobj = self._fieldobjs[name]
            doc_lengths = self._lengths.get(name)
            if doc_lengths is not None and base:
                doc_lengths = array("I", bytes(doc_lengths.itemsize * base)) + doc_lengths
            fixedsize = fieldobj.format.fixed_value_size()
            fw.start_field(name, fieldobj)  # registers the field number; postings are written below
            prefix = pack_ushort(fw._fieldid)
            for term in sorted(terms):
                entry = terms[term]
                info = _write_postings(postfile, entry[0], entry[1], fixedsize, doc_lengths,
                                       entry[2] if len(entry) > 2 else None)
                tindex.add(prefix + term.encode("utf-8"), info)
            fw.finish_field()
        fw.close()
        self._terms = {name: {} for name in self._terms}


def _codec() -> W3Codec:
    """Whoosh's codec without block compression: most terms (word pairs, rare words) occur in a
    handful of units, their tiny blocks barely shrink, and every search would pay the
    decompression. (Inlining small posting lists in the term table, ``inlinelimit`` > 1, would
    save more, but it is broken in Whoosh 2.7.4: ``W3TermInfo.set_inline`` does not exist.)"""
    return W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)


def _add_posting(terms: dict, term: str, docnum: int, weight: int, value: bytes | None) -> None:
    """One posting: ``terms[term]`` is [array of docnum, weight, docnum, weight, ...; values or None]."""
    entry = terms.get(term)
    if entry is None:
        terms[term] = entry = [array("I"), None if value is None else []]
    entry[0].extend((docnum, weight))
    if value is not None:
        entry[1].append(value)


# --- posting lists, written the way Whoosh's W3PostingsWriter writes them ------------------------
#
# ``W3PostingsWriter.add_posting`` costs ~5 us per posting (type asserts, per-posting min/max
# bookkeeping, array appends) and was ~1/3 of the build. ``_write_postings`` produces the same bytes
# (same blocks of BLOCK_LIMIT postings, same pickled block tuples, same W3TermInfo) from the
# term's whole posting list at once, with slicing and C-level min/max/sum instead of a Python loop
# per posting. tests/index/test_store.py checks the result against Whoosh's own writer.

BLOCK_LIMIT = 128
_TERMINFO = W3TermInfo._struct


def _write_postings(postfile, pairs: array, values: list | None, fixedsize: int | None,
                    doc_lengths: array | None, positions: array | None = None) -> bytes:
    """Write one term's posting list (``pairs``: docnum, weight, docnum, weight, ...; for a field
    with positions, ``positions`` of every posting in order) to ``postfile``; returns the
    W3TermInfo bytes for the term table."""
    if len(pairs) == 2:  # one posting: most word pairs and rare words (~2/3 of all terms)
        return _write_one_posting(postfile, pairs[0], pairs[1], values, fixedsize, doc_lengths)
    docs = pairs[0::2]
    weights = pairs[1::2]
    count = len(docs)
    start = postfile.tell()
    total_min_length = None
    total_max_length = 0
    max_weight = 0.0
    out = [WHOOSH3_HEADER_MAGIC]
    for i in range(0, count, BLOCK_LIMIT):
        ids = docs[i:i + BLOCK_LIMIT]
        ws = weights[i:i + BLOCK_LIMIT]
        n = len(ids)
        wmax, wmin = max(ws), min(ws)
        if wmax == 1 and wmin == 1:
            mini_weights = None
        elif wmax == wmin:
            mini_weights = float(wmax)
        else:
            mini_weights = tuple(map(float, ws))
        if fixedsize is None or fixedsize < 0:
            mini_values = tuple(values[i:i + BLOCK_LIMIT])
        elif fixedsize == 0:
            mini_values = None
        else:  # Frequency: the value of a posting is its frequency, packed as Whoosh's pack_uint
            mini_values = struct.pack(f"!{n}I", *ws)
        if doc_lengths is not None:
            lengths = [doc_lengths[d] for d in ids]
            min_length = min(lengths) or (min(filter(None, lengths), default=None))
            max_length = max(lengths)
        else:
            min_length, max_length = None, 0
        if min_length is not None:
            total_min_length = min_length if total_min_length is None else min(total_min_length, min_length)
        total_max_length = max(total_max_length, max_length)
        max_weight = max(max_weight, float(wmax))
        deltas = (ids[0],) + tuple(map(operator.sub, ids[1:], ids[:-1]))
        data = dumps((deltas, mini_weights, mini_values), 2)
        info = dumps((n, ids[-1], float(wmax), COMPRESSION, length_to_byte(min_length),
                      length_to_byte(max_length)), 2)
        size = len(info) + len(data)
        out.append(pack_int(-size if i + BLOCK_LIMIT >= count else size))
        out.append(info)
        out.append(data)
    postfile.write(b"".join(out))
    length = postfile.tell() - start  # Whoosh's bytes; the raw arrays follow (index.segments)
    postfile.write(raw_postings(docs, weights, positions))
    return (_TERMINFO.pack(False, float(sum(weights)), count, length_to_byte(total_min_length),
                           length_to_byte(total_max_length), max_weight, docs[0], docs[-1])
            + pack_long(start) + pack_int(length))



def _write_one_posting(postfile, doc: int, weight: int, values: list | None, fixedsize: int | None,
                       doc_lengths: array | None) -> bytes:
    """``_write_postings`` for a posting list of one posting, without the slicing and min/max."""
    if fixedsize is None or fixedsize < 0:
        mini_values = (values[0],)
    elif fixedsize == 0:
        mini_values = None
    else:
        mini_values = pack_uint(weight)
    length = doc_lengths[doc] if doc_lengths is not None else 0
    length_byte = length_to_byte(length or None)
    data = dumps(((doc,), None if weight == 1 else float(weight), mini_values), 2)
    info = dumps((1, doc, float(weight), COMPRESSION, length_byte, length_byte), 2)
    block = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data))
    start = postfile.tell()
    postfile.write(block)
    return (_TERMINFO.pack(False, float(weight), 1, length_byte, length_byte, float(weight), doc, doc)
            + pack_long(start) + pack_int(len(block)))

_POSITIONS = Positions()


@functools.lru_cache(maxsize=4096)
def _one_position(pos: int) -> bytes:
    # Most words occur once in a unit: their encoded position list is cached.
    return _POSITIONS.encode([pos])


def _index_text(fields: dict[str, dict], docnum: int, text: str, english: bool) -> dict[str, int]:
    """Add the postings of one unit's text to ``fields``; returns the length of each text field.

    Produces exactly what the four analyzers of ``index.schema`` produce (tests check it), from a
    single token scan: exact = every token, frequencies only; pairs = adjacent plain words, with
    positions (phrases of 3+ words are verified on them); the stemmed field = tokens minus stop
    words, stemmed.
    """
    counts: dict[str, int] = {}
    stems: dict[str, int] = {}
    pairs: dict[str, list[int]] = {}  # pair -> positions (of its second word, as the analyzer)
    stops, stem = (ENGLISH_STOP_WORDS, stem_english) if english else (SPANISH_STOP_WORDS, stem_spanish)
    previous = None
    n_exact = n_stem = n_pairs = 0
    for token, pos, _start, _end, joined in iter_word_tokens(text):
        n_exact += 1
        counts[token] = counts.get(token, 0) + 1
        if not joined:
            if previous is not None:
                p = pair_term(previous, token)
                found = pairs.get(p)
                if found is None:
                    pairs[p] = [pos]
                else:
                    found.append(pos)
                n_pairs += 1
            previous = token
    # Stop words and stems per distinct word, not per occurrence.
    for token, freq in counts.items():
        if token not in stops:
            s = stem(token)
            stems[s] = stems.get(s, 0) + freq
            n_stem += freq
    # _add_posting, inlined: this loop runs once per posting (~80 per unit).
    for target, found in ((fields["exact"], counts), (fields["text_en" if english else "text"], stems)):
        for term, freq in found.items():
            entry = target.get(term)
            if entry is None:
                target[term] = entry = [array("I"), None]
            entry[0].extend((docnum, freq))
    pair_field = fields["pairs"]
    for p, plist in pairs.items():
        entry = pair_field.get(p)
        if entry is None:
            pair_field[p] = entry = [array("I"), [], array("I")]  # postings, encoded positions, raw positions
        entry[0].extend((docnum, len(plist)))
        entry[1].append(_one_position(plist[0]) if len(plist) == 1 else _POSITIONS.encode(plist))
        entry[2].extend(plist)
    return {"exact": n_exact, "pairs": n_pairs, ("text_en" if english else "text"): n_stem}


def _write_units(writer: _UnitSegmentWriter, units: Iterable[UnitDoc]) -> int:
    for unit in units:
        writer.add_unit(unit)
    return writer._units


def _chunks(reports: list[Report], parts: int) -> list[list[Report]]:
    """Contiguous runs of reports of about equal unit counts, each at most SEGMENT_UNITS units."""
    total = sum(len(r.agreements) for r in reports)
    size = max(1, min(SEGMENT_UNITS, -(-total // max(1, parts))))
    chunks: list[list[Report]] = [[]]
    count = 0
    for report in reports:
        if count >= size:
            chunks.append([])
            count = 0
        chunks[-1].append(report)
        count += len(report.agreements)
    return [c for c in chunks if c]


def _segment_of(ix: Index, reports: list[Report]):
    """Write ``reports`` as one finished segment (not yet in the TOC); returns (segment, units)."""
    return _segment_of_units(ix, (u for r in reports for u in unit_documents(r)))


def _segment_of_units(ix: Index, units: Iterable[UnitDoc]):
    writer = _UnitSegmentWriter(ix, _lk=False)
    try:
        added = _write_units(writer, units)
        if not added:
            writer._close_segment()
            return None, 0
        return writer._finalize_segment(), added
    except BaseException:
        writer._close_segment()
        raise


def _child_segment(ix: Index, reports: list[Report], conn) -> None:
    try:
        conn.send(("ok", _segment_of(ix, reports)))
    except BaseException as e:  # report, don't hang the parent
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def _segments_of(ix: Index, reports: list[Report], procs: int) -> tuple[list, int]:
    """Write ``reports`` as new segments, ``procs`` at a time (forked children), in report order."""
    chunks = _chunks(reports, procs)
    total = sum(len(r.agreements) for r in reports)
    if procs <= 1 or total < PARALLEL_MIN_UNITS or len(chunks) == 1 or "fork" not in mp.get_all_start_methods():
        results = [_segment_of(ix, chunk) for chunk in chunks]
    else:
        ctx = mp.get_context("fork")  # children inherit the reports: nothing is pickled but the segment
        # Frozen objects are never scanned by the collector, so a child's collections do not
        # touch (and copy, page by page) the parent's heap it inherited.
        gc.freeze()
        try:
            results: list = [None] * len(chunks)
            pending = list(enumerate(chunks))
            running: list = []
            while pending or running:
                while pending and len(running) < procs - 1:
                    i, chunk = pending.pop(0)
                    receive, send = ctx.Pipe(duplex=False)
                    proc = ctx.Process(target=_child_segment, args=(ix, chunk, send), daemon=True)
                    proc.start()
                    send.close()
                    running.append((i, proc, receive))
                if pending:  # the parent is a worker too
                    i, chunk = pending.pop(0)
                    results[i] = _segment_of(ix, chunk)
                for i, proc, receive in running:
                    try:
                        status, value = receive.recv()
                    except EOFError:
                        status, value = "error", f"index worker exited with code {proc.exitcode}"
                    proc.join()
                    if status != "ok":
                        raise IndexStoreError(f"index worker failed: {value}")
                    results[i] = value
                running = []
        finally:
            gc.unfreeze()
    segments = [seg for seg, _n in results if seg is not None]
    return segments, sum(n for _seg, n in results)


def write_reports(ix: Index, reports: Iterable[Report], remove_ids: Iterable[str] = (),
                  procs: int = 1) -> int:
    """Replace the units of ``reports`` (and delete ``remove_ids``) in one commit. Returns units added.

    Old units are deleted with one ``delete_by_term`` per report (a term lookup each, one searcher
    for all), the new units go to new segments; small segments are merged when there are more than
    MAX_SEGMENTS."""
    reports = list(reports)
    writer = ix.writer()
    try:
        # One searcher for all the deletions: without it Whoosh opens a fresh reader of every
        # segment per call (measured: ~0.25 s per report on a 100k-unit index).
        with writer.searcher() as searcher:
            for report_id in dict.fromkeys(list(remove_ids) + [r.id for r in reports]):
                writer.delete_by_term("report_id", report_id, searcher=searcher)
        segments, added = _segments_of(ix, reports, procs)
        kept = [s for s in writer.segments if s.deleted_count() < s.doc_count_all()]
        writer._close_segment()
        writer._commit_toc(kept + segments)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    if merge_due(kept + segments):
        try:
            merge_small_segments(ix)
        except OSError as e:  # the update is committed; the merge is retried after the next one
            log.warning("could not merge the small index segments (they stay as they are): %s", e)
    return added


def merge_due(segments: list) -> bool:
    """Whether small segments (under SMALL_SEGMENT_UNITS live units) have piled up: more than
    MAX_SMALL_SEGMENTS of them, or more than MAX_SEGMENTS segments in all and two small ones."""
    small = sum(s.doc_count() < SMALL_SEGMENT_UNITS for s in segments)
    return (small > MAX_SMALL_SEGMENTS or len(segments) > MAX_SEGMENTS) and small > 1


def segments_to_merge(segments: list, of_this_format: Callable[[object], bool]) -> list:
    """The segments a due merge rewrites: the small ones, and any segment not of this format (Whoosh
    merged it, or an older version of ours wrote it), which searches read through Whoosh's slower
    structures. Large segments of ours are never rewritten, so a unit is rewritten only while its
    segment is small (a few times at most), and an archive grown ingest by ingest keeps few
    segments (every search looks each of its words up once per segment)."""
    if not merge_due(segments):
        return []
    return [s for s in segments if s.doc_count() < SMALL_SEGMENT_UNITS or not of_this_format(s)]


def merge_small_segments(ix: Index) -> int:
    """Rewrite the segments ``segments_to_merge`` picks as segments of ours, in one commit; returns
    how many were merged.

    Whoosh's own merge (MERGE_SMALL) wrote segments without our hit fields and raw arrays, read
    through its slow structures until the next reindex (measured at 10k units: searches 1.4-3.6x
    slower), and by its Fibonacci rule left segments of a few hundred units each unmerged, so the
    count grew with every ingest. The units are read back from the segments themselves
    (``documents.stored_units``) and analysed again, SEGMENT_UNITS at a time."""
    writer = ix.writer()
    try:
        merged = segments_to_merge(writer.segments, lambda segment: of_this_format(segment, ix.storage))
        if not merged:
            writer.cancel()
            return 0
        units = _units_of(ix, merged)
        written = []
        while chunk := list(islice(units, SEGMENT_UNITS)):
            segment, _added = _segment_of_units(ix, chunk)
            if segment is not None:
                written.append(segment)
        writer._close_segment()
        writer._commit_toc([s for s in writer.segments if s not in merged] + written)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    log.info("merged %d small segments into %d", len(merged), len(written))
    return len(merged)


def _units_of(ix: Index, segments: list) -> Iterable[UnitDoc]:
    for segment in segments:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            yield from stored_units(reader)
        finally:
            reader.close()


def build_generation(index_dir: Path, reports: Iterable[Report], procs: int = 1,
                     limitmb: int = 256) -> int:
    """Write all ``reports`` into a fresh generation and make it current. Returns units indexed.

    ``limitmb`` is accepted for compatibility; the writer's memory is bounded by SEGMENT_UNITS."""
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = read_pointer(index_dir)
    name = _next_generation_name(index_dir)
    gen_dir = index_dir / name
    gen_dir.mkdir()
    try:
        ix = whoosh_index.create_in(str(gen_dir), build_schema())
        added = write_reports(ix, reports, procs=procs)
        ix.close()
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    _write_pointer(index_dir, Pointer(name, SCHEMA_VERSION, glossary_digest()))
    _remove_old_generations(index_dir, keep={name, previous.generation if previous else name})
    log.info("index rebuilt: %d units in %s", added, gen_dir)
    return added


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.glob("g[0-9]*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
