"""Query expansion: a query that names a glossary entity, or (on request) a thesaurus concept, also matches
the entity's other forms and the concept's terms in the other language.

A pure step between parsing (``index.query``) and compiling (``index.search``): ``expand_query`` rewrites the
parsed tree and says what it added, so the UI and the API can show "también: RNCOM, …" and offer the literal
search. The rules:

* **Entities** (``archive.glossary``, always on): a run of plain query words that names an entity — an acronym
  in any case ("rrocm"), a name or variant in either language with or without accents — becomes "the words as
  typed OR any other form": each acronym as an exact word, each name as an exact phrase (folded, unstemmed),
  so the highlighter marks the form that matched. An ambiguous acronym (``ambiguous_acronyms`` in the data:
  ST, TS, PPT, ...) names the entity only when typed capitalised as a standalone token.
* **Concepts** (``archive.thesaurus``, with ``translate``): a run of words whose light stems (stop words aside)
  equal a thesaurus term's in Spanish or in English also matches every term of the concept, each as the AND
  of its stems in its own language's field (``text`` for Spanish, ``text_en`` for English) — "trata de
  personas" finds English units on "trafficking in persons", stemmed as English ("persons" -> "person").
* **Literal**: quoted text is never expanded. ``"RROCM"`` searches that form only; every expansion carries
  the query with its words quoted (``literal``), the one-click way back.

The longest run wins ("Secretaría Técnica" is one entity, not two words); entities before concepts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

from archive.glossary import Entity, Glossary, glossary
from archive.thesaurus import Concept, Thesaurus, thesaurus
from index.analysis import (
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    fold,
    iter_word_tokens,
    stem_english,
    stem_spanish,
    word_tokens,
)
from index.query import AllOf, AnyOf, Node, Not, ParsedQuery, Phrase, Word

MAX_RUN = 24  # words: longer than the longest glossary name or thesaurus term


@dataclass(frozen=True)
class Stemmed:
    """A term in ONE language, matched by the AND of its words' stems in that language's field."""

    words: tuple[str, ...]  # folded
    language: str  # "es" or "en"

    @property
    def field(self) -> str:
        return "text_en" if self.language == "en" else "text"

    def stems(self) -> tuple[str, ...]:
        stops, stem = ((ENGLISH_STOP_WORDS, stem_english) if self.language == "en"
                       else (SPANISH_STOP_WORDS, stem_spanish))
        return tuple(dict.fromkeys(stem(w) for w in self.words if w not in stops))


@dataclass(frozen=True)
class Name:
    """A glossary name or variant: folded words in a row. Of 3+ words it is matched by ALL its word pairs
    without the position check of a typed phrase: every pair of a 5-8 word name present in one unit but
    not in a row does not happen in practice, and the check was most of an entity query's time
    (bench.expansion, 10k: "GRCM" 4.1x a literal query with it, see bench/RESULTS.md)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class EntityRef:
    """Every mention of a glossary entity, as the index found them (the ``entities`` field): one posting
    list instead of one per form. ``forms`` are only for the highlighter."""

    key: str
    forms: tuple[Alternative, ...]


@dataclass(frozen=True)
class Cased:
    """An ambiguous acronym: the token exactly as written, capitalised and standalone ("ST", not "st")."""

    form: str


@dataclass(frozen=True)
class Alternative:
    """One form a query part also matches: how it is shown, its language and how it is analysed."""

    form: str  # as written in the glossary / thesaurus
    language: str | None  # "es", "en", or None (an acronym or variant of either language)
    analyzer: str  # "exact" (folded, unstemmed word or phrase), "cased" (as written: an ambiguous acronym)
    # or "stem" (the language's light stemming)


@dataclass(frozen=True)
class Expansion:
    kind: str  # "entity" or "concept"
    key: str  # entity or concept key
    typed: str  # the query words as the user typed them
    alternatives: tuple[Alternative, ...]
    literal: str  # the query that searches the typed form only (entities: ``typed`` quoted; concepts: the
    # query itself, to be run without ``translate``)


@dataclass(frozen=True)
class ExpandedQuery:
    parsed: ParsedQuery  # the tree with the alternatives in it
    expansions: tuple[Expansion, ...]


# --- lookup tables ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def words_of(text: str) -> tuple[str, ...]:
    """The folded plain words of ``text`` (the parser's tokens, without joined forms)."""
    return tuple(w for w, _p, _s, _e, joined in iter_word_tokens(text) if not joined)


def stem_key(words: tuple[str, ...], language: str) -> tuple[str, ...]:
    return Stemmed(words, language).stems()


@dataclass(frozen=True)
class _ConceptIndex:
    by_key: dict[tuple[str, tuple[str, ...]], tuple[Concept, str]]  # (lang, stems) -> concept, the term
    longest: int  # stems in the longest term


_CONCEPT_INDEXES: dict[int, tuple[Thesaurus, _ConceptIndex]] = {}


def _concept_index(source: Thesaurus) -> _ConceptIndex:
    # Keyed by identity: a Thesaurus is a frozen dataclass, and hashing all its concepts by value on every
    # query cost more than the rest of the expansion.
    found = _CONCEPT_INDEXES.get(id(source))
    if found is None or found[0] is not source:
        found = _CONCEPT_INDEXES[id(source)] = (source, _build_concept_index(source))
    return found[1]


def _build_concept_index(source: Thesaurus) -> _ConceptIndex:
    by_key: dict[tuple[str, tuple[str, ...]], tuple[Concept, str]] = {}
    for concept in source.concepts:
        for lang in ("es", "en"):
            for term in concept.terms(lang):
                key = stem_key(words_of(term), lang)
                if key:
                    by_key.setdefault((lang, key), (concept, term))
    return _ConceptIndex(by_key, max((len(stems) for _lang, stems in by_key), default=1))


def concepts_in(text: str, language: str | None, source: Thesaurus | None = None) -> list[tuple[int, str]]:
    """(offset, concept key) of every thesaurus term in ``text``, read with ``language``'s stemming, longest
    first, in text order: "la trata de personas y el retorno" -> trata_personas at 3, retorno at 26."""
    lang = "en" if language == "en" else "es"
    stops, stem = (ENGLISH_STOP_WORDS, stem_english) if lang == "en" else (SPANISH_STOP_WORDS, stem_spanish)
    content = [(stem(tok), start) for tok, _p, start, _e, joined in iter_word_tokens(text)
               if not joined and tok not in stops and not tok.isdigit()]
    concept_index = _concept_index(source or thesaurus())
    index = concept_index.by_key
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(content):
        for n in range(min(concept_index.longest, len(content) - i), 0, -1):
            hit = index.get((lang, tuple(s for s, _ in content[i:i + n])))
            if hit is not None:
                found.append((content[i][1], hit[0].key))
                i += n
                break
        else:
            i += 1
    return found


def other_language_terms(text: str, language: str | None, source: Thesaurus | None = None) -> list[Stemmed]:
    """The other language's terms of the thesaurus concepts ``text`` names (each once): how a Spanish
    agreement meets its English precedents (index.precedents)."""
    concepts = source or thesaurus()
    other = "es" if language == "en" else "en"
    terms: dict[tuple[str, ...], Stemmed] = {}
    for _offset, key in concepts_in(text, language, concepts):
        for term in concepts.get(key).terms(other):
            stemmed = Stemmed(words_of(term), other)
            if stemmed.stems():
                terms.setdefault(stemmed.stems(), stemmed)
    return list(terms.values())


def entity_alternatives(entity: Entity, ambiguous: frozenset[str] = frozenset()) -> tuple[Alternative, ...]:
    """Every form of an entity as an alternative: names and variants as exact phrases, acronyms as words
    (an ambiguous acronym as written, capitalised). Computed once per entity (it was 2.6 ms a query)."""
    key = (id(entity), id(ambiguous))
    found = _ALTERNATIVES.get(key)
    if found is None or found[0] is not entity:
        found = _ALTERNATIVES[key] = (entity, _entity_alternatives(entity, ambiguous))
    return found[1]


_ALTERNATIVES: dict[tuple[int, int], tuple[object, tuple[Alternative, ...]]] = {}


def _entity_alternatives(entity: Entity, ambiguous: frozenset[str] = frozenset()) -> tuple[Alternative, ...]:
    """Every form of an entity as an alternative: names and variants as exact phrases, acronyms as words
    (an ambiguous acronym as written, capitalised)."""
    found: dict[tuple[str, ...], Alternative] = {}
    # Acronyms first: what the UI shows ("también: RNCOM, Red Regional de ...") reads best that way.
    for form, lang in (*((a, "es") for a in entity.acronyms_es), *((a, "en") for a in entity.acronyms_en)):
        found.setdefault(words_of(form), Alternative(form, lang, "cased" if form in ambiguous else "exact"))
    for form, lang in ((entity.name_es, "es"), (entity.name_en, "en"), *((v, None) for v in entity.variants)):
        found.setdefault(words_of(form), Alternative(form, lang, "exact"))
    return tuple(alt for words, alt in found.items() if words)


def concept_alternatives(concept: Concept) -> tuple[Alternative, ...]:
    found = _ALTERNATIVES.get((id(concept), 0))
    if found is None or found[0] is not concept:
        found = _ALTERNATIVES[(id(concept), 0)] = (concept, _concept_alternatives(concept))
    return found[1]


def _concept_alternatives(concept: Concept) -> tuple[Alternative, ...]:
    found: dict[tuple[str, tuple[str, ...]], Alternative] = {}
    for lang in ("es", "en"):
        for term in concept.terms(lang):
            key = stem_key(words_of(term), lang)
            if key:
                found.setdefault((lang, key), Alternative(term, lang, "stem"))
    return tuple(found.values())


def alternative_node(alt: Alternative) -> Node:
    words = words_of(alt.form)
    if alt.analyzer == "cased":
        return Cased(alt.form)  # type: ignore[return-value]
    if alt.analyzer == "stem":
        return Stemmed(words, alt.language or "es")  # type: ignore[return-value]
    return Name(words)  # type: ignore[return-value]


@dataclass(frozen=True)
class _EntityTables:
    names: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first folded word -> (words, key), longest first
    acronyms: dict[str, str]  # acronym as written -> key
    folded_acronyms: dict[str, str]  # a non-ambiguous acronym folded ("rrocm") -> key


@cache
def _entity_tables(source: Glossary) -> _EntityTables:
    names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for e in source.entities:
        for name in e.names:
            words = words_of(name)
            if words:
                names.setdefault(words[0], []).append((words, e.key))
    acronyms = {a: e.key for e in reversed(source.entities) for a in e.acronyms}
    folded = {w[0]: e.key for e in reversed(source.entities) for a in e.acronyms
              if a not in source.ambiguous_acronyms and len(w := words_of(a)) == 1}
    return _EntityTables({w: tuple(sorted(v, key=lambda x: -len(x[0]))) for w, v in names.items()}, acronyms, folded)


def entity_keys(text: str, source: Glossary | None = None) -> set[str]:
    """The keys of the glossary entities ``text`` names: a name or variant as folded words in a row (the
    index's own tokens, so "Pro-Tempore" and line breaks match as in search), an acronym in any case --
    except an ambiguous one, only as written ("ST", never "st"). So the entity's postings hold every unit
    the typed acronym finds, and an acronym query needs no other list (``_Rewriter.expanded``).
    Nested names count too ("Naciones Unidas" inside the UNHCR's name): a search for an entity finds the
    units that name it, as a search for its forms does. ~15 us per unit (the tokens are cached)."""
    tables = _entity_tables(source or glossary())
    tokens = [(tok, start, end) for tok, _p, start, end, joined in iter_word_tokens(text) if not joined]
    words = [tok for tok, _s, _e in tokens]
    found: set[str] = set()
    for i, (tok, start, end) in enumerate(tokens):
        key = tables.acronyms.get(text[start:end]) or tables.folded_acronyms.get(tok)
        if key is not None:
            found.add(key)
        for name, key in tables.names.get(tok, ()):
            if key not in found and tuple(words[i:i + len(name)]) == name:
                found.add(key)
    return found


def entity_query(entity: Entity, source: Glossary | None = None) -> str:
    """A query that matches exactly the mentions of ``entity`` under every form: its first non-ambiguous
    acronym (expanded to every form, and with a current index just the entity's postings), else each form
    quoted (literal) and ORed, an ambiguous acronym unquoted and capitalised (it expands to itself)."""
    source = source or glossary()
    ambiguous = source.ambiguous_acronyms
    for acronym in entity.acronyms:
        if acronym not in ambiguous and source.lookup_query(acronym) is entity:
            return acronym
    parts = [form if form in ambiguous else '"' + form.replace('"', " ") + '"' for form in entity.forms]
    return " OR ".join(parts)


def entity_search_text(entity: Entity) -> str:
    """What a person would type to search ``entity`` (its first acronym, else its Spanish name): the default
    search expands it to every form."""
    return (entity.acronyms or (entity.name_es,))[0]


# --- the rewrite --------------------------------------------------------------------------------------


def expand_query(parsed: ParsedQuery, translate: bool = False, source: Glossary | None = None,
                 concepts: Thesaurus | None = None, entity_field: bool = False) -> ExpandedQuery:
    """``parsed`` with entity forms (always) and, with ``translate``, thesaurus equivalents added.

    ``entity_field``: the index holds the ``entities`` postings of this glossary, so an entity is matched
    by its key (one posting list); otherwise by each of its forms (the same matches, more lists)."""
    if parsed.node is None:
        return ExpandedQuery(parsed, ())
    rewriter = _Rewriter(parsed.cleaned, source or glossary(), (concepts or thesaurus()) if translate else None,
                         entity_field)
    node = rewriter.rewrite(parsed.node)
    if not rewriter.expansions:
        return ExpandedQuery(parsed, ())
    return ExpandedQuery(replace(parsed, node=node), tuple(rewriter.expansions))


class _Rewriter:
    def __init__(self, cleaned: str, source: Glossary, concepts: Thesaurus | None, entity_field: bool = False):
        self.cleaned = cleaned
        self.entity_field = entity_field
        self.glossary = source
        self.concepts = _concept_index(concepts) if concepts is not None else None
        self.expansions: list[Expansion] = []

    def rewrite(self, node: Node) -> Node:
        if isinstance(node, Word):
            return self.rewrite_run([node])[0]
        if isinstance(node, AllOf):
            out: list[Node] = []
            run: list[Word] = []
            for child in node.nodes:
                if isinstance(child, Word) and child.span != (0, 0):
                    run.append(child)
                    continue
                out.extend(self.rewrite_run(run))
                run = []
                out.append(self.rewrite(child))
            out.extend(self.rewrite_run(run))
            return out[0] if len(out) == 1 else AllOf(tuple(out))
        if isinstance(node, AnyOf):
            return AnyOf(tuple(self.rewrite(child) for child in node.nodes))
        if isinstance(node, Not):
            return node  # an excluded entity excludes what was typed (expanding it would exclude more)
        return node

    def rewrite_run(self, run: list[Word]) -> list[Node]:
        """The words of ``run`` with every longest entity or concept window replaced by its alternatives."""
        out: list[Node] = []
        i = 0
        first_words = _first_words(self.glossary) if self.concepts is None else None
        while i < len(run):
            if first_words is not None and run[i].text not in first_words:
                out.append(run[i])  # no entity's form begins with this word: no look-up to make
                i += 1
                continue
            for j in range(min(len(run), i + MAX_RUN), i, -1):
                replaced = self.match(run[i:j])
                if replaced is not None:
                    out.append(replaced)
                    i = j
                    break
            else:
                out.append(run[i])
                i += 1
        return out

    def match(self, window: list[Word]) -> Node | None:
        start, end = window[0].span[0], window[-1].span[1]
        typed = self.cleaned[start:end]
        if not _contiguous(self.cleaned, window):
            return None
        entity = self.glossary.lookup_query(typed)
        if entity is not None:
            alternatives = entity_alternatives(entity, self.glossary.ambiguous_acronyms)
            acronym = len(window) == 1 and any(words_of(a) == (window[0].text,) for a in entity.acronyms)
            return self.expanded("entity", entity.key, typed, window, alternatives,
                                 EntityRef(entity.key, alternatives) if self.entity_field else None, acronym)
        if self.concepts is None:
            return None
        words = tuple(w.text for w in window)
        for lang in ("es", "en"):
            stops = ENGLISH_STOP_WORDS if lang == "en" else SPANISH_STOP_WORDS
            if words[0] in stops or words[-1] in stops:
                continue
            hit = self.concepts.by_key.get((lang, stem_key(words, lang)))
            if hit is not None:
                concept, _term = hit
                typed_key = (lang, stem_key(words, lang))
                alternatives = tuple(a for a in concept_alternatives(concept)
                                     if (a.language, stem_key(words_of(a.form), a.language or "es")) != typed_key)
                return self.expanded("concept", concept.key, typed, window, alternatives)
        return None

    def expanded(self, kind: str, key: str, typed: str, window: list[Word],
                 alternatives: tuple[Alternative, ...], ref: EntityRef | None = None, acronym: bool = False) -> Node:
        typed_words = tuple(w.text for w in window)
        start, end = window[0].span[0], window[-1].span[1]
        as_typed: Node = window[0] if len(window) == 1 else AllOf(tuple(window))
        if typed in self.glossary.ambiguous_acronyms:
            as_typed = Cased(typed)  # type: ignore[assignment]  # "ST" typed: only where written "ST"
        if kind == "entity":  # (a concept's alternatives are stemmed terms: none is typed or contained)
            alternatives = _pruned(alternatives, typed_words)
        # Entities: quoting the typed form searches it alone. Concepts: the same query without ``translate``.
        literal = f'{self.cleaned[:start]}"{typed}"{self.cleaned[end:]}' if kind == "entity" else self.cleaned
        self.expansions.append(Expansion(kind, key, typed, alternatives, literal))
        if ref is not None:
            # A typed acronym is one of the entity's forms, and the index holds every unit naming it in any
            # case under the entity (entity_keys): one posting list, fewer than the plain word's two.
            return ref if acronym else AnyOf((as_typed, ref))  # type: ignore[arg-type]
        return AnyOf((as_typed, *(alternative_node(a) for a in alternatives)))


_PRUNED: dict[tuple[int, tuple[str, ...]], tuple[tuple[Alternative, ...], tuple[Alternative, ...]]] = {}


def _pruned(alternatives: tuple[Alternative, ...], typed: tuple[str, ...]) -> tuple[Alternative, ...]:
    """The alternatives worth searching beside what was typed: not the typed form again, not a form that
    contains another (``_without_subsumed``). Kept per (alternatives, typed form): it was ~0.7 ms a query."""
    key = (id(alternatives), typed)
    found = _PRUNED.get(key)
    if found is None or found[0] is not alternatives:
        kept = tuple(a for a in alternatives if a.analyzer == "stem" or words_of(a.form) != typed)
        found = _PRUNED[key] = (alternatives, _without_subsumed(kept, typed))
    return found[1]


def _without_subsumed(alternatives: tuple[Alternative, ...], typed: tuple[str, ...]) -> tuple[Alternative, ...]:
    """Drop an exact form that contains another exact form (or the typed words) in a row: "Secretaría
    Técnica de la CRM" can only match where "Secretaría Técnica" does, so it only costs posting reads.
    The forms stay listed for the user in the glossary; the query just has fewer parts."""
    exact = [words_of(a.form) for a in alternatives if a.analyzer != "stem"] + [typed]

    def contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
        n = len(shorter)
        return n < len(longer) and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))

    return tuple(a for a in alternatives if a.analyzer == "stem"
                 or not any(contains(words_of(a.form), other) for other in exact))


_FIRST_WORDS: dict[int, tuple[Glossary, frozenset[str]]] = {}


def _first_words(source: Glossary) -> frozenset[str]:
    """The first word of every form of every entity, folded as the query parser folds typed words:
    a window of typed words names an entity only if it begins with one of them (``match`` looks up
    every window from every word otherwise, ~10 us a word)."""
    found = _FIRST_WORDS.get(id(source))
    if found is None or found[0] is not source:
        words = set()
        for entity in source.entities:
            for form in entity.forms:
                words.update(token for token, *_rest in word_tokens(form)[:1])
                words.update(fold(form).split()[:1])
        found = _FIRST_WORDS[id(source)] = (source, frozenset(words))
    return found[1]


def _contiguous(cleaned: str, window: list[Word]) -> bool:
    """The words follow each other in the typed text with only spaces or punctuation between them."""
    for before, after in zip(window, window[1:]):
        between = cleaned[before.span[1]:after.span[0]]
        if any(ch.isalnum() or ch in ':"' for ch in between):
            return False
    return True

