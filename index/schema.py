"""The Whoosh schema: one document per agreement unit (preamble, point, sub-point, bullet).

Field roles:

* ``text`` / ``text_en`` -- the unit text, stemmed with the Spanish (resp. English) analyzer. A unit
  fills exactly one of them, by report language; a query word looks in both, so a Spanish query
  finds English reports only where the words coincide, and English reports get English stemming.
  Frequencies only: no phrase is ever run on them.
* ``exact`` -- folded, unstemmed, every word kept, frequencies only: quoted single words, prefix,
  wildcard and fuzzy terms, and the "did you mean" vocabulary (no positions since schema 4: phrases
  are checked on ``pairs``, and position data made every prefix/fuzzy search read ~2x the bytes).
  It also STORES the original text for display (with its list marker, which is not indexed).
* ``pairs`` -- adjacent word pairs of ``exact``, with positions (a pair sits at its second word's
  position): a 2-word phrase is one term lookup; a longer one intersects its pairs and checks
  their positions on the survivors -- pair posting lists are short, while checking positions on
  ``exact`` read the whole posting list of every stop word ("de": ~all units).
* ``capitals`` -- standalone tokens of 2-5 capital letters AS WRITTEN ("ST", "PPT"), one posting per unit
  and token: an ambiguous acronym of the glossary counts only where it is capitalised (index.expansion).
* ``entities`` -- the keys of the glossary entities a unit names under any form (index.expansion.
  entity_keys), one posting per unit and entity: an entity query is one posting list, not one per form.
  The pointer records the glossary it was built with; another glossary means a rebuild.
* ``report_id`` -- indexed (deleting a report's units is one term) and a column.
* ``version`` -- "report_id:sha256", indexed on the FIRST unit of each report only (one posting per
  report instead of one per unit), so ``indexed_versions`` reads the lexicon.
* filters/facets -- ``year``, ``date_ordinal``, ``body_key``, ``body_terms``, ``country_key``,
  ``city_key``, ``language``: per-document COLUMNS only, not indexed. Every filter and facet is
  counted against per-docnum arrays the searcher loads once per generation, so indexing them as
  terms only cost postings (schema 1 spent ~40 of its ~120 postings per unit on them; numeric
  fields alone add 8 trie terms each).

Bump ``SCHEMA_VERSION`` on any change of fields or analysis: ``needs_rebuild`` then says so.
"""

from __future__ import annotations

import re

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import ENGLISH_ANALYZER, EXACT_ANALYZER, PAIR_ANALYZER, SPANISH_ANALYZER, fold

SCHEMA_VERSION = 9  # 2: list markers not indexed; facets as columns only; version once per report
# 3: word pairs carry positions (phrases of 3+ words are verified on the pairs, not on ``exact``)
# 4: ``exact`` without positions (nothing reads them any more)
# 5: ``capitals``: capitalised short tokens as written (ambiguous acronyms: "ST" but not "st")
# 6: ``entities``: glossary entity keys per unit
# 7: ``entities``: non-ambiguous acronyms in any case
# 8: hit fields and raw posting arrays beside Whoosh's in every segment (index.segments)
# 9: hit fields as a tuple in ``STORED_FIELDS`` order (a dict's keys cost more to load than its values)

_NON_KEY = re.compile(r"[^a-z0-9]+")

# Text fields in the order the writer fills them (index.store writes their postings itself).
TEXT_FIELDS = ("exact", "pairs", "text", "text_en")
# String columns (few distinct values: RefBytes stores each value once per segment).
STRING_COLUMNS = ("body_key", "body_terms", "city_key", "country_key", "language", "report_id")
INT_COLUMNS = ("year", "date_ordinal")


def facet_key(value: str) -> str:
    """Canonical key of a country, city or body value: folded, words joined by "_".

    "México" -> "mexico", "Costa Rica" -> "costa_rica", "San José" -> "san_jose".
    """
    return _NON_KEY.sub("_", fold(value)).strip("_")


def build_schema() -> Schema:
    return Schema(
        unit_id=STORED(),
        report_id=ID(stored=True, sortable=columns.RefBytesColumn()),
        version=ID(),
        capitals=KEYWORD(lowercase=False, scorable=False),
        entities=KEYWORD(scorable=True),
        source=STORED(),
        label=STORED(),
        parent=STORED(),
        page=STORED(),
        ocr=STORED(),
        title=STORED(),
        body=STORED(),
        city=STORED(),
        country=STORED(),
        date=STORED(),
        year=COLUMN(columns.NumericColumn("H", default=0)),
        date_ordinal=COLUMN(columns.NumericColumn("I", default=0)),
        body_key=COLUMN(columns.RefBytesColumn()),
        body_terms=COLUMN(columns.RefBytesColumn()),
        country_key=COLUMN(columns.RefBytesColumn()),
        city_key=COLUMN(columns.RefBytesColumn()),
        language=COLUMN(columns.RefBytesColumn()),
        text=TEXT(analyzer=SPANISH_ANALYZER, phrase=False, vector=None),
        text_en=TEXT(analyzer=ENGLISH_ANALYZER, phrase=False, vector=None),
        exact=TEXT(analyzer=EXACT_ANALYZER, stored=True, phrase=False),
        pairs=TEXT(analyzer=PAIR_ANALYZER, phrase=True, vector=None),
    )


# The stored fields, in the order a segment's hit fields hold their values (index.segments).
STORED_FIELDS: tuple[str, ...] = tuple(sorted(name for name, field in build_schema().items() if field.stored))
