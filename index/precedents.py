"""Precedents: for one agreement, the most similar agreements of EARLIER meetings.

Similarity is a weighted OR query of the agreement's most distinctive words (tf x idf over the
folded, unstemmed field, so a rare acronym such as "RROCM" weighs most), run on the stemmed fields
with BM25 and restricted to units of other reports dated strictly before this report's date.
Units without a date can never be "earlier", so they are never precedents; a report without a date
has no precedents. ``AgreementIndex.precedents`` runs this.
"""

from __future__ import annotations

import math
from collections import Counter

from whoosh import query as wq

from index.analysis import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, iter_word_tokens, stem_english, stem_spanish

KEY_TERMS = 25  # 15 left out the shared words of long units (measured on Tela 2008 point 3)


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


def similarity_query(weighted: list[tuple[str, float]]) -> wq.Query:
    """OR of the words' stems in both stemmed fields, each boosted by its weight."""
    subs: list[wq.Query] = []
    for word, weight in weighted:
        subs.append(wq.Term("text", stem_spanish(word), boost=weight))
        subs.append(wq.Term("text_en", stem_english(word), boost=weight))
    return wq.Or(subs)
