"""The Whoosh schema: one document per agreement unit (preamble, point, sub-point, bullet).

Field roles:

* ``text`` / ``text_en`` -- the unit text, stemmed with the Spanish (resp. English) analyzer. A unit
  fills exactly one of them, by report language; a query word looks in both, so a Spanish query
  finds English reports only where the words coincide, and English reports get English stemming.
  Frequencies only: no phrase is ever run on them.
* ``exact`` -- folded, unstemmed, every word kept, with positions: quoted phrases (3+ words are
  verified on positions), prefix, wildcard and fuzzy terms, and the "did you mean" vocabulary.
  It also stores the original text for display.
* ``pairs`` -- adjacent word pairs of ``exact``: a 2-word phrase is one term lookup.
* filters/facets -- ``year`` (numeric), ``body_key``/``body_terms``, ``country_key``,
  ``city_key``, ``language``, ``participants``; sortable ones are Whoosh columns, which the searcher
  loads once per index generation into per-docnum arrays for counting facets.
* ``version`` -- "report_id:sha256" once per unit, so ``indexed_versions`` reads the lexicon.

Bump ``SCHEMA_VERSION`` on any change of fields or analysis: ``needs_rebuild`` then says so.
"""

from __future__ import annotations

import re

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import ENGLISH_ANALYZER, EXACT_ANALYZER, PAIR_ANALYZER, SPANISH_ANALYZER, fold

SCHEMA_VERSION = 1

_NON_KEY = re.compile(r"[^a-z0-9]+")


def facet_key(value: str) -> str:
    """Canonical key of a country, city or body value: folded, words joined by "_".

    "México" -> "mexico", "Costa Rica" -> "costa_rica", "San José" -> "san_jose".
    """
    return _NON_KEY.sub("_", fold(value)).strip("_")


def build_schema() -> Schema:
    return Schema(
        unit_id=ID(unique=True, stored=True),
        report_id=ID(stored=True, sortable=True),
        version=ID(),
        source=STORED(),
        label=ID(stored=True),
        parent=STORED(),
        page=STORED(),
        ocr=STORED(),
        title=STORED(),
        body=STORED(),
        city=STORED(),
        country=STORED(),
        date=STORED(),
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False, default=0),
        date_ordinal=NUMERIC(int, bits=32, sortable=True, signed=False, default=0),
        body_key=ID(stored=True, sortable=True),
        body_terms=KEYWORD(),
        country_key=ID(sortable=True),
        city_key=ID(),
        participants=KEYWORD(commas=True),
        language=ID(stored=True, sortable=True),
        text=TEXT(analyzer=SPANISH_ANALYZER, phrase=False, vector=None),
        text_en=TEXT(analyzer=ENGLISH_ANALYZER, phrase=False, vector=None),
        exact=TEXT(analyzer=EXACT_ANALYZER, stored=True, phrase=True),
        pairs=TEXT(analyzer=PAIR_ANALYZER, phrase=False, vector=None),
    )

