"""Precedents: for one agreement, the most similar agreements of EARLIER meetings.

Similarity is a weighted OR query of the agreement's most distinctive words (tf x idf over the
folded, unstemmed field, so a rare acronym such as "RROCM" weighs most), run on the stemmed fields
with BM25 and restricted to units of other reports dated strictly before this report's date.
Units without a date can never be "earlier", so they are never precedents; a report without a date
has no precedents. Very weak matches are not precedents (see the MIN_PRECEDENT_* thresholds), nor is
a report's preamble: it agrees nothing, and its lists of participants and its title share words with
any agreement of the same body (the Secretaría Técnica drafting an agreement wants agreements).

The other language counts too: the thesaurus concepts the agreement names add their terms in the other
language (each the AND of its stems in that language's field, ``index.expansion.other_language_terms``),
so a Spanish agreement on "trata de personas" finds the English precedent on "trafficking in persons".
"""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter

import numpy as np
from whoosh import query as wq

from archive.models import PREAMBLE, ArchiveError, Report
from index import bm25, docsets
from index.analysis import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, iter_word_tokens, stem_english, stem_spanish
from index.expansion import Stemmed, other_language_terms
from index.generation import Generation
from index.hits import make_hit
from index.postings import term_docnums
from index.results import Precedent
from index.schema import STORED_FIELDS
from index.snippets import HighlightTerms

_LABEL = STORED_FIELDS.index("label")

log = logging.getLogger(__name__)

KEY_TERMS = 25  # 15 left out the shared words of long units (measured on Tela 2008 point 3)
# A precedent shares at least this many of the unit's key terms (all of them if it has fewer)...
MIN_PRECEDENT_TERMS = 2
# ... carrying at least this share of their total weight (key terms are weighted by tf x idf) ...
MIN_PRECEDENT_SHARE = 0.1
# ... and scores at least this fraction of the best precedent.
MIN_PRECEDENT_RELATIVE_SCORE = 0.2
# A thesaurus equivalent in the other language weighs like a key term of this weight.
TRANSLATED_WEIGHT = 0.5


def find_precedents(gen: Generation, report: Report, label: str, limit: int = 10) -> list[Precedent]:
    """The agreements of EARLIER meetings most similar to ``report``'s unit ``label``."""
    agreement = report.agreement(label)
    if agreement is None:
        raise ArchiveError(f"El informe {report.id} no tiene el punto {label} "
                           f"/ report {report.id} has no unit {label}")
    if report.meeting.date is None:
        log.info("precedents: report %s has no date, so nothing is earlier", report.id)
        return []
    weighted = key_terms(gen.reader, agreement.text, gen.doc_count_all)
    if not weighted:
        return []
    marks = HighlightTerms()
    for word, _weight in weighted:
        marks.stems_es.add(stem_spanish(word))
        marks.stems_en.add(stem_english(word))
    cutoff = report.meeting.date.toordinal()
    dates = gen.date_array[gen.live]
    earlier = gen.live[(dates > 0) & (dates < cutoff)]
    report_codes, distinct = gen.codes("report_ids")
    if (report.id,) in distinct:
        earlier = earlier[report_codes[earlier] != distinct.index((report.id,))]
    if not len(earlier):
        return []
    translated = other_language_terms(agreement.text, report.language)
    # Scored by our BM25 over the posting arrays (Whoosh's formula and order, as a search ranks):
    # Whoosh's collector walked the 50 posting lists' matchers over a set of every earlier unit,
    # ~4 s at 100k units, on every agreement page.
    docs, values = bm25.scores(gen, similarity_query(weighted, translated), earlier)
    inside = docsets.members(docs, earlier)
    ranked = bm25.top(docs[inside], values[inside], limit * 3)
    if not ranked:
        return []
    # Very weak matches are not precedents: a unit that shares one common word (or, before
    # list markers were taken out of the index, just its number) with this one. Which key terms
    # each candidate shares is looked up in the terms' docsets, for the candidates only.
    candidates = docsets.of(docnum for docnum, _score in ranked)  # sorted, as docset functions want
    column = {docnum: i for i, docnum in enumerate(candidates.tolist())}
    term_docs = [(weight, docsets.union([term_docnums(gen, "text", stem_spanish(word)),
                                         term_docnums(gen, "text_en", stem_english(word))]))
                 for word, weight in weighted]
    total_weight = sum(weight for weight, _docs in term_docs)
    for term in translated:  # shared as a key term is shared, but not required of same-language precedents
        term_docs.append((TRANSLATED_WEIGHT, functools.reduce(
            docsets.intersect, [term_docnums(gen, term.field, s) for s in term.stems()])))
    holds = np.array([docsets.members(candidates, docs) for _weight, docs in term_docs])  # terms x candidates
    weights = np.array([weight for weight, _docs in term_docs])
    need_terms = min(MIN_PRECEDENT_TERMS, len(term_docs))
    best = None
    found: list[Precedent] = []
    for docnum, score in ranked:
        if gen.stored_values(docnum)[_LABEL] == PREAMBLE:
            continue  # read from the stored values before a hit and its snippet are made for nothing
        shares = holds[:, column[docnum]]
        if int(shares.sum()) < need_terms or float(weights[shares].sum()) < MIN_PRECEDENT_SHARE * total_weight:
            continue
        best = score if best is None else best
        if score < MIN_PRECEDENT_RELATIVE_SCORE * best:
            break
        found.append(Precedent(make_hit(gen, docnum, score, marks), float(score)))
        if len(found) == limit:
            break
    return found


def key_terms(reader, text: str, doc_count: int, number: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The ``number`` most distinctive folded words of ``text``, with weights in (0, 1]."""
    counts = Counter(tok for tok, _p, _s, _e, joined in iter_word_tokens(text)
                     if not joined and tok not in SPANISH_STOP_WORDS and tok not in ENGLISH_STOP_WORDS
                     and len(tok) > 2 and not tok.isdigit())
    scored = []
    for word, tf in counts.items():
        df = reader.doc_frequency("exact", word)
        idf = math.log((doc_count + 1) / (df + 1)) + 1.0
        scored.append((tf * idf, word))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    top = scored[:number]
    if not top:
        return []
    best = top[0][0]
    return [(word, score / best) for score, word in top]


def similarity_query(weighted: list[tuple[str, float]], translated: list[Stemmed] = ()) -> wq.Query:
    """OR of the words' stems in both stemmed fields, each boosted by its weight, and of the other
    language's thesaurus terms (the AND of their stems, boosted by TRANSLATED_WEIGHT)."""
    subs: list[wq.Query] = []
    for word, weight in weighted:
        subs.append(wq.Term("text", stem_spanish(word), boost=weight))
        subs.append(wq.Term("text_en", stem_english(word), boost=weight))
    for term in translated:
        stems = [wq.Term(term.field, s) for s in term.stems()]
        subs.append(stems[0] if len(stems) == 1 else wq.And(stems, boost=TRANSLATED_WEIGHT))
        if len(stems) == 1:
            stems[0].boost = TRANSLATED_WEIGHT
    return wq.Or(subs)
