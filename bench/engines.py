"""The three engines of the benchmark behind one small interface.

* **whoosh** -- OUR search: ``Archive.search(SearchQuery(...))``, which returns the top 20 with
  snippets + the total + per-year counts over all matches, and the facets when the class asks for
  them (``SearchQuery.facets``), as the references count them only then. Nothing of it is
  re-implemented here.
* **fts5** -- SQLite FTS5 as a Datasette / sqlite-utils user would set it up: an external-content
  FTS5 table over a ``units`` table, ``tokenize = 'unicode61 remove_diacritics 2'``, top 20 by
  ``rank`` (bm25) with ``snippet()``, then ``count(*)`` and ``GROUP BY year`` (and, for the facet
  class, ``GROUP BY`` body / country / language) as separate queries, the way Datasette runs facets.
* **tantivy** -- PyPI ``tantivy``: simple tokenizer + lowercase + ASCII folding (the FTS5 analysis),
  top 20 with count and a snippet, per-year counts and facets with terms aggregations on fast fields.

The reference engines index the SAME units our splitter produced (exported from our catalog into a
JSON-lines file, see :func:`export_units`), so every engine answers over identical text.

Analysis differs on purpose and is part of what is compared: our words are stemmed lightly (number and
gender), FTS5 and tantivy match the folded word as written. Hit counts are compared on exact forms
(quoted words and phrases), where all three must agree.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from index.analysis import fold

FTS5_TOKENIZE = "unicode61 remove_diacritics 2"
TOP = 20
FACETS = ("body", "country", "language")
KINDS = ("words", "phrase", "prefix", "fuzzy")


@dataclass(frozen=True)
class BenchQuery:
    """One query of a class, in a form every engine can translate.

    ``kind``: "words" (all of them), "phrase" (consecutive, exact), "prefix" (``words[0]`` is the
    prefix), "fuzzy" (``words[0]`` within ``distance`` edits).
    """

    klass: str
    kind: str
    words: tuple[str, ...]
    year_from: int | None = None
    year_to: int | None = None
    facets: bool = False
    distance: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown query kind {self.kind!r}")

    @property
    def label(self) -> str:
        text = whoosh_text(self)
        if self.year_from is not None:
            text += f" [{self.year_from}-{self.year_to}]"
        return text


@dataclass(frozen=True)
class Answer:
    """What an engine returned: the size of the page, the total, per-year counts, facets."""

    shown: int
    total: int
    by_year: dict[int, int]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def search(self, query: BenchQuery) -> Answer | None:
        """None when the engine cannot express the query (e.g. fuzzy in FTS5)."""

    def close(self) -> None: ...


# -- the units every engine indexes ----------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    id: int
    report_id: str
    label: str
    year: int | None
    body: str | None
    country: str | None
    language: str | None
    text: str


def export_units(data_dir: Path, out: Path) -> int:
    """Write every agreement unit of our catalog as one JSON line; returns the number of units."""
    from archive.archive import Archive

    count = 0
    with Archive(data_dir) as archive, out.open("w", encoding="utf-8") as f:
        for report in archive.reports():
            for agreement in report.agreements:
                count += 1
                unit = Unit(count, report.id, agreement.label, report.year, report.meeting.body_key,
                            report.meeting.country, report.language, agreement.text)
                f.write(json.dumps(unit.__dict__, ensure_ascii=False) + "\n")
    return count


def read_units(path: Path) -> Iterator[Unit]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield Unit(**json.loads(line))


# -- query translation -----------------------------------------------------------------------------


def whoosh_text(q: BenchQuery) -> str:
    """The query as a user types it in our search box."""
    if q.kind == "words":
        return " ".join(q.words)
    if q.kind == "phrase":
        return '"' + " ".join(q.words) + '"'
    if q.kind == "prefix":
        return q.words[0] + "*"
    return f"{q.words[0]}~{q.distance}"


def fts5_match(q: BenchQuery) -> str | None:
    """FTS5 MATCH syntax; None for fuzzy, which FTS5 does not have."""
    if q.kind == "words":
        return " AND ".join(f'"{w}"' for w in q.words)
    if q.kind == "phrase":
        return '"' + " ".join(q.words) + '"'
    if q.kind == "prefix":
        return f'"{q.words[0]}"*'
    return None


# -- our engine ------------------------------------------------------------------------------------


class WhooshEngine:
    """Our search, through the archive facade exactly as the web app and the CLI call it."""

    name = "whoosh"

    def __init__(self, data_dir: Path):
        from archive.archive import Archive

        self.archive = Archive(data_dir)

    def search(self, query: BenchQuery) -> Answer:
        from index import SearchQuery

        result = self.archive.search(SearchQuery(whoosh_text(query), year_from=query.year_from,
                                                 year_to=query.year_to, per_page=TOP, facets=query.facets))
        return Answer(len(result.hits), result.total, dict(result.by_year),
                      {k: dict(v) for k, v in result.facets.items() if k in FACETS})

    def drop_caches(self) -> None:
        drop_search_caches(self.archive)

    def close(self) -> None:
        self.archive.close()


def drop_search_caches(archive) -> None:
    """Forget an archive's cached results and posting sets, so a repeated query is measured doing its
    work (FTS5 and tantivy keep no result cache). Reaches into private attributes on purpose and
    tolerates their absence: the caches are an implementation detail of index.search."""
    index = getattr(archive, "_index", None)
    if index is None:
        return
    results = getattr(index, "_results", None)
    if results is not None:
        results.clear()
    generation = getattr(index, "_generation", None)
    for name in ("term_cache", "filter_cache"):
        cache = getattr(generation, name, None)
        if cache is not None:
            cache.clear()
    from index import snippets  # the highlighter's per-query verdicts ("is this word a match?")

    matcher = getattr(snippets, "_matcher", None)
    if matcher is not None:
        matcher.cache_clear()


# -- SQLite FTS5 -----------------------------------------------------------------------------------


def build_fts5(units_path: Path, db_path: Path) -> int:
    """Build the FTS5 database from the units file (from scratch); returns the units indexed."""
    db_path.unlink(missing_ok=True)
    conn = sqlite3.connect(db_path)
    try:
        conn.executescript(f"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE units (id INTEGER PRIMARY KEY, report_id TEXT, label TEXT, year INTEGER,
                                body TEXT, country TEXT, language TEXT, text TEXT);
            CREATE INDEX units_year ON units(year);
            CREATE VIRTUAL TABLE units_fts USING fts5(text, content='units', content_rowid='id',
                                                      tokenize='{FTS5_TOKENIZE}');
        """)
        with conn:
            conn.executemany(
                "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((u.id, u.report_id, u.label, u.year, u.body, u.country, u.language, u.text)
                 for u in read_units(units_path)))
            conn.execute("INSERT INTO units_fts(units_fts) VALUES ('rebuild')")
        count = conn.execute("SELECT count(*) FROM units").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return count


class Fts5Engine:
    name = "fts5"

    def __init__(self, db_path: Path):
        self.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)

    def search(self, query: BenchQuery) -> Answer | None:
        match = fts5_match(query)
        if match is None:
            return None
        where = "units_fts MATCH :match"
        params: dict[str, object] = {"match": match}
        if query.year_from is not None or query.year_to is not None:
            where += " AND units.year BETWEEN :lo AND :hi"
            params.update(lo=query.year_from or 0, hi=query.year_to or 9999)
        base = f"FROM units_fts JOIN units ON units.id = units_fts.rowid WHERE {where}"
        top = self.conn.execute(
            f"SELECT units.id, units.report_id, units.label, units.year, "
            f"snippet(units_fts, 0, '<mark>', '</mark>', '…', 24) {base} ORDER BY units_fts.rank LIMIT {TOP}",
            params).fetchall()
        total = self.conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        by_year = dict(self.conn.execute(
            f"SELECT units.year, count(*) {base} AND units.year IS NOT NULL GROUP BY units.year", params).fetchall())
        facets = {}
        if query.facets:
            for column in FACETS:
                facets[column] = dict(self.conn.execute(
                    f"SELECT units.{column}, count(*) AS n {base} AND units.{column} IS NOT NULL "
                    f"GROUP BY units.{column} ORDER BY n DESC", params).fetchall())
        return Answer(len(top), total, by_year, facets)

    def close(self) -> None:
        self.conn.close()


# -- tantivy ---------------------------------------------------------------------------------------


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="folded")
    builder.add_text_field("report_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("label", stored=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    for name in FACETS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    return builder.build()


def _register_folding(index) -> None:
    # Custom analyzers are not stored in the index: register on every open.
    import tantivy

    index.register_tokenizer("folded", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build())


def build_tantivy(units_path: Path, index_dir: Path, heap_bytes: int = 128_000_000) -> int:
    """Build the tantivy index from the units file (from scratch); returns the units indexed."""
    import tantivy

    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    schema = _tantivy_schema()
    index = tantivy.Index(schema, path=str(index_dir))
    _register_folding(index)
    writer = index.writer(heap_size=heap_bytes)
    count = 0
    for u in read_units(units_path):
        doc = {"text": u.text, "report_id": u.report_id, "label": u.label}
        if u.year is not None:
            doc["year"] = u.year
        for name in FACETS:
            value = getattr(u, name)
            if value:
                doc[name] = value
        writer.add_document(tantivy.Document(**doc))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class TantivyEngine:
    name = "tantivy"

    def __init__(self, index_dir: Path):
        import tantivy

        self._t = tantivy
        self.index = tantivy.Index.open(str(index_dir))
        _register_folding(self.index)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _query(self, q: BenchQuery):
        t, schema = self._t, self.schema
        words = [fold(w) for w in q.words]
        if q.kind == "words":
            parts = [t.Query.term_query(schema, "text", w) for w in words]
            text_query = parts[0] if len(parts) == 1 else t.Query.boolean_query([(t.Occur.Must, p) for p in parts])
        elif q.kind == "phrase":
            text_query = (t.Query.term_query(schema, "text", words[0]) if len(words) == 1
                          else t.Query.phrase_query(schema, "text", words))
        elif q.kind == "prefix":
            text_query = t.Query.regex_query(schema, "text", re.escape(words[0]) + ".*")
        else:
            text_query = t.Query.fuzzy_term_query(schema, "text", words[0], distance=q.distance,
                                                  transposition_cost_one=True, prefix=False)
        if q.year_from is None and q.year_to is None:
            return text_query
        years = t.Query.range_query(schema, "year", t.FieldType.Integer, q.year_from or 0, q.year_to or 9999)
        return t.Query.boolean_query([(t.Occur.Must, text_query), (t.Occur.Must, years)])

    def search(self, query: BenchQuery) -> Answer:
        t, searcher = self._t, self.searcher
        tq = self._query(query)
        result = searcher.search(tq, limit=TOP, count=True)
        snippets = t.SnippetGenerator.create(searcher, tq, self.schema, "text")
        for _score, address in result.hits:
            snippets.snippet_from_doc(searcher.doc(address)).to_html()
        aggs = {"year": {"terms": {"field": "year", "size": 500}}}
        if query.facets:
            aggs.update({name: {"terms": {"field": name, "size": 500}} for name in FACETS})
        buckets = searcher.aggregate(tq, aggs)
        by_year = {int(b["key"]): b["doc_count"] for b in buckets["year"]["buckets"]}
        facets = {name: {b["key"]: b["doc_count"] for b in buckets[name]["buckets"]}
                  for name in FACETS if name in buckets}
        return Answer(len(result.hits), result.count, by_year, facets)

    def close(self) -> None:
        self.searcher = None
        self.index = None
