"""Compiling: the parsed query tree (``index.query``) -> a Whoosh query over index terms.

Each node kind has one method; ``Compiler.word_query`` is THE place where one parsed word becomes
index terms (its Spanish and English stems). A query-expansion step (thesaurus, glossary) plugs
in at ``Compiler._word``: replace the word by an OR of the word and its expansions, each compiled
with ``word_query`` / ``phrase_query``, so expansions are matched, ranked and highlighted exactly
as typed words are.

The compiler also records what the query matched (``marks``) for the highlighter; excluded words
are compiled with a throwaway mark set, so they are never highlighted.
"""

from __future__ import annotations

import re
from itertools import islice

from whoosh import query as wq

from index.analysis import (
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    fold,
    iter_word_tokens,
    joined_forms,
    pair_term,
    stem_english,
    stem_spanish,
)
from index.expansion import Cased, EntityRef, Name, Stemmed
from index.query import (
    AllOf,
    AnyOf,
    Compound,
    Fuzzy,
    Node,
    Not,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Wildcard,
    Word,
)
from index.snippets import HighlightTerms
from index.vocabulary import Vocabulary, closeness

MAX_EXPANSION = 256  # terms a prefix/wildcard/fuzzy term may expand to
MAX_WILDCARD_SCAN = 20_000  # lexicon entries a wildcard may look at


class Compiler:
    def __init__(self, vocabulary: Vocabulary, stop_word_fallback: bool = False):
        self.vocabulary = vocabulary  # the index's folded words: what prefixes and fuzzy terms expand to
        self.stop_word_fallback = stop_word_fallback
        self.marks = HighlightTerms()

    def compile(self, node: Node | None) -> wq.Query | None:
        if node is None:
            return None
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _word(self, node: Word) -> wq.Query | None:
        return self.word_query(node.text)

    def word_query(self, word: str) -> wq.Query | None:
        """One folded word -> its index terms: the Spanish stem in ``text`` OR the English stem in
        ``text_en`` (None for a stop word, unless the whole query is stop words)."""
        # A query has no language, so a stop word of either language is a stop word ("de" must
        # not be required in English units, nor "the" in Spanish ones).
        if word in SPANISH_STOP_WORDS or word in ENGLISH_STOP_WORDS:
            if not self.stop_word_fallback:
                return None
            self.marks.exact.add(word)
            return wq.Term("exact", word)
        es, en = stem_spanish(word), stem_english(word)
        self.marks.stems_es.add(es)
        self.marks.stems_en.add(en)
        return wq.Or([wq.Term("text", es), wq.Term("text_en", en)])

    def _stemmed(self, node: Stemmed) -> wq.Query | None:
        # A thesaurus term in one language (index.expansion): its stems in that language's field only.
        stems = node.stems()
        if not stems:
            return None
        (self.marks.stems_en if node.language == "en" else self.marks.stems_es).update(stems)
        terms = [wq.Term(node.field, s) for s in stems]
        return terms[0] if len(terms) == 1 else wq.And(terms)

    def _name(self, node: Name) -> wq.Query:
        # A glossary name (index.expansion): a phrase, but of 3+ words its pairs without the position check.
        if len(node.words) <= 2:
            return self.phrase_query(node.words)
        self.marks.phrases.add(tuple(node.words))
        return wq.And([wq.Term("pairs", p) for p in dict.fromkeys(
            pair_term(a, b) for a, b in zip(node.words, node.words[1:]))])

    def _entityref(self, node: EntityRef) -> wq.Query:
        # A glossary entity (index.expansion) by its key in the ``entities`` field; its forms are marked
        # for the highlighter as the form-by-form expansion would mark them.
        for alt in node.forms:
            words = tuple(w for w, _p, _s, _e, joined in iter_word_tokens(alt.form) if not joined)
            if len(words) == 1:
                self.marks.exact.add(words[0])
            elif words:
                self.marks.phrases.add(words)
        return wq.Term("entities", node.key)

    def _cased(self, node: Cased) -> wq.Query:
        # An ambiguous acronym (index.expansion): the token as written, capitalised ("ST", never "st").
        self.marks.exact.add(fold(node.form))
        return wq.Term("capitals", node.form)

    def _compound(self, node: Compound) -> wq.Query | None:
        subs = [self.phrase_query(node.parts)]
        if not all(p.isdigit() for p in node.parts):
            subs.extend(q for j in joined_forms(list(node.parts)) if (q := self.word_query(j)) is not None)
        return wq.Or(subs)

    def _phrase(self, node: Phrase) -> wq.Query | None:
        return self.phrase_query(node.words)

    def phrase_query(self, words: tuple[str, ...]) -> wq.Query:
        """Folded words in a row -> a term of ``exact`` (one word), of ``pairs`` (two), or the AND of
        the pairs plus a position check (three or more; see ``index.phrases``)."""
        if len(words) == 1:
            self.marks.exact.add(words[0])
            return wq.Term("exact", words[0])
        pairs = list(dict.fromkeys(pair_term(a, b) for a, b in zip(words, words[1:])))
        self.marks.phrases.add(tuple(words))
        terms = [wq.Term("pairs", p) for p in pairs]
        if len(words) == 2:
            return terms[0]
        # The Phrase is a marker for index.matching, which checks it on the pairs' positions; it
        # never reaches Whoosh (``exact`` has no positions) -- bm25.ranking_query drops it.
        return wq.And(terms + [wq.Phrase("exact", list(words))])

    def _expansion(self, terms: list[str], what: str) -> list[str]:
        """``terms``, checked: too many is an error; they are what to highlight."""
        if len(terms) > MAX_EXPANSION:
            raise QuerySyntaxError(f"«{what}» abarca demasiadas palabras; escriba más letras "
                                   f"/ «{what}» matches too many words; type more letters.")
        self.marks.exact.update(terms)
        return terms

    def _prefix(self, node: Prefix) -> wq.Query:
        terms = list(islice(self.vocabulary.with_prefix(node.prefix), MAX_EXPANSION + 1))
        return _any_word(self._expansion(terms, node.prefix + "*"))

    def _wildcard(self, node: Wildcard) -> wq.Query:
        literal = re.match(r"[a-z0-9]*", node.pattern).group(0)
        regex = re.compile(re.escape(node.pattern).replace(r"\*", ".*").replace(r"\?", ".") + r"\Z")
        matches = []
        for term in islice(self.vocabulary.with_prefix(literal), MAX_WILDCARD_SCAN):
            if regex.match(term):
                matches.append(term)
                if len(matches) > MAX_EXPANSION:
                    break
        return _any_word(self._expansion(matches, node.pattern))

    def _fuzzy(self, node: Fuzzy) -> wq.Query:
        terms = list(islice(self.vocabulary.within(node.word, node.distance, prefix=1), MAX_EXPANSION + 1))
        terms = self._expansion(terms, f"{node.word}~{node.distance}")
        if not terms:
            return wq.NullQuery
        return NearForms([wq.Term("exact", t, boost=closeness(node.word, t, node.distance)) for t in terms])

    def _not(self, node: Not) -> wq.Query | None:
        inner = self.compile_negative(node.node)
        return wq.AndNot(wq.Every(), inner) if inner is not None else None

    def compile_negative(self, node: Node) -> wq.Query | None:
        # Excluded words must not be highlighted: compile them with a throwaway mark set.
        saved = self.marks
        self.marks = HighlightTerms()
        try:
            return self.compile(node)
        finally:
            self.marks = saved

    def _allof(self, node: AllOf) -> wq.Query | None:
        positives = [q for n in node.nodes if not isinstance(n, Not) if (q := self.compile(n)) is not None]
        negatives = [q for n in node.nodes if isinstance(n, Not)
                     if (q := self.compile_negative(n.node)) is not None]
        if not positives and not negatives:
            return None
        positive = (positives[0] if len(positives) == 1 else wq.And(positives)) if positives else wq.Every()
        if not negatives:
            return positive
        return wq.AndNot(positive, negatives[0] if len(negatives) == 1 else wq.Or(negatives))

    def _anyof(self, node: AnyOf) -> wq.Query | None:
        subs = [q for n in node.nodes if (q := self.compile(n)) is not None]
        if not subs:
            return None
        return subs[0] if len(subs) == 1 else wq.Or(subs)


class NearForms(wq.Or):
    """A fuzzy term's words (``secretaria~1``: "secretaria", "secretariat"), each ``Term`` boosted
    by its closeness to the typed word (``vocabulary.closeness``). It matches as the OR it is;
    ``bm25.ranking_query`` ranks it with one document frequency for all its words, so that the
    closeness decides between them rather than which of them is rarer."""


def _any_word(terms: list[str]) -> wq.Query:
    """A prefix's or wildcard's words: any of them, all alike (no word is the one typed)."""
    return wq.Or([wq.Term("exact", t) for t in terms]) if terms else wq.NullQuery


def compile_query(vocabulary: Vocabulary, node: Node | None) -> tuple[wq.Query | None, HighlightTerms]:
    """``node`` compiled against the index's words (``Generation.vocabulary``), and what to
    highlight. A query of only stop words ("de la") is searched as written rather than find nothing."""
    compiler = Compiler(vocabulary)
    compiled = compiler.compile(node)
    if compiled is None and node is not None:
        compiler = Compiler(vocabulary, stop_word_fallback=True)
        compiled = compiler.compile(node)
    return compiled, compiler.marks
