"""The fast highlighter (index.snippets: candidate words found in C, only those tokenised) gives the
same HTML as the plain algorithm it replaced -- every word of the text tokenised and compared --
kept as the oracle in ``bench.snippet_reference``, on the corpus units, the index fixtures and generated texts, with term sets
the real query compiler makes (words, phrases, prefixes, entities, translations, stop words)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.glossary import glossary
from index.analysis import HYPHENS, iter_word_tokens, stem_english, stem_spanish
from index.compiler import compile_query
from index.expansion import expand_query
from index.query import QuerySyntaxError, parse_query
from index.snippets import SNIPPET_CHARS, HighlightTerms, make_snippet, match_spans
from bench.snippet_reference import reference_snippet, reference_spans, reference_tokens
from ingest.split import split_agreements
from tests.index.conftest import ENGLISH_2010, SPANISH_2011, UNDATED

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def assert_same(text: str, terms: HighlightTerms, language: str | None, max_chars: int = SNIPPET_CHARS) -> None:
    assert match_spans(text, terms, language) == reference_spans(text, terms, language), (text, terms, language)
    assert make_snippet(text, terms, language, max_chars) == reference_snippet(text, terms, language, max_chars), (
        text, terms, language, max_chars)


# --- texts and term sets ------------------------------------------------------------------------


def corpus_texts() -> list[str]:
    """Every unit of the corpus reports (the real splitter), and of the index fixtures."""
    texts = [a.text for path in sorted(CORPUS.glob("*.txt"))
             for a in split_agreements(path.read_text(encoding="utf-8"))]
    texts += [line for fixture in (ENGLISH_2010, SPANISH_2011, UNDATED) for line in fixture.splitlines() if line]
    return texts


TEXTS = corpus_texts()
LANGUAGES = ("es", "en", None)

# Queries as users type them: words (accents or not, plural or not, English), phrases, hyphenated
# and glued spellings, prefixes, wildcards, fuzzy terms, acronyms and glossary names, stop words only.
QUERIES = [
    "migrantes", "migracion", "MIGRACIÓN", "secretaria tecnica", "Secretaría", "países miembros", "red",
    "trata personas", '"trata de personas"', '"red de funcionarios de enlace"', "pro-tempore",
    "protempore", "extrarregional", "extra-regional", "2014-2020", "migra*", "secret*", "pa*", "niñ?",
    "migrantez~1", "acuerdo~2", "RROCM", "OIM", "ST", "CRM", "UNODC", "de la", "the", "no", "sin documentos",
    "countries", "agreements", "trafficking persons", '"member countries"', "processes", "vez", "luces",
    "caso -casa", "Canada", "attended", "Tela", "Estados Unidos", "Grupo Regional de Consulta",
    "Organización Internacional para las Migraciones", "Red de Funcionarios de Enlace en Protección Consular",
    "c", "y", "z", "1", "2008", "año", "ano", "niñez",
] + [form for entity in glossary().entities[:30] for form in entity.forms[:2]]


def compiled_marks(vocabulary, text: str, translate: bool = False, entity_field: bool = False) -> HighlightTerms | None:
    """What the real parser, expansion and compiler mark for ``text``; None if it is no query."""
    try:
        parsed = parse_query(text)
        expanded = expand_query(parsed, translate=translate, entity_field=entity_field)
        _compiled, marks = compile_query(vocabulary, expanded.parsed.node)
    except QuerySyntaxError:
        return None
    return marks


@pytest.fixture(scope="module")
def vocabulary(seed_index):
    return seed_index._current().vocabulary


# --- the tests ----------------------------------------------------------------------------------


def test_tokens_are_those_of_the_whole_text_scan():
    for text in TEXTS:
        assert list(iter_word_tokens(text)) == list(reference_tokens(text))


@pytest.mark.parametrize("translate, entity_field", [(False, False), (True, False), (False, True)])
def test_corpus_units_with_compiled_queries(vocabulary, translate, entity_field):
    for query in QUERIES:
        marks = compiled_marks(vocabulary, query, translate, entity_field)
        if not marks:
            continue
        for text in TEXTS:
            for language in LANGUAGES:
                assert_same(text, marks, language)
                assert_same(text, marks, language, max_chars=80)


def test_corpus_units_with_each_of_their_words(vocabulary):
    # A query of each word of a unit, and of each pair of its words as a phrase: every unit is
    # highlighted where its own words are.
    for text in TEXTS:
        words = [token for token, _p, _s, _e, joined in iter_word_tokens(text) if not joined]
        for i, word in enumerate(words[:60]):
            queries = [word, f'"{" ".join(words[i:i + 2])}"', word[:3] + "*"]
            for query in queries:
                marks = compiled_marks(vocabulary, query)
                if marks:
                    assert_same(text, marks, "es")
                    assert_same(text, marks, "en")


# Generated texts: the corpus's own words as written, made-up words of accented and odd letters
# (ß, æ, ½, İ, Cyrillic, CJK, modifier letters fold to more, less or other than one letter), glued
# and hyphenated words, digits, acronyms, and punctuation that html.escape changes.
_LETTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZáéíóúñüÁÉÍÓÚÑÜçãõâêôàèÇØøĀāŁłŠšŽžẞß"
            "æÆœ½²³ºªİıʼǅⅣ①дЖ中ﬁ0123456789_")
_VOCABULARY = sorted({text[s:e] for text in TEXTS for _t, _p, s, e, _j in iter_word_tokens(text)})
_GLUED = ["Canadaattended", "inTela", "laOIM", "EstadosUnidos", "Statesagreed", "dePersonas", "McAllen",
          "migrantesde", "Tapachula", "luces", "veces", "countries", "ONGs", "RROCM", "ST", "st"]
_SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", " - ", "--", " — ", "\u00ad", "?", " & ", "<b>", '"', "'",
               "(", ") ", "…", "_", "\u00a0", " 3. ", "/"]

words = st.one_of(
    st.sampled_from(_VOCABULARY),
    st.sampled_from(_GLUED),
    st.text(alphabet=_LETTERS, min_size=1, max_size=12),
)
compounds = st.one_of(
    words, words, words,
    st.builds(lambda parts, hyphen: hyphen.join(parts), st.lists(words, min_size=2, max_size=3),
              st.sampled_from(HYPHENS)),
)
texts = st.builds(
    lambda pieces: "".join(piece for pair in pieces for piece in pair),
    st.lists(st.tuples(compounds, st.sampled_from(_SEPARATORS)), max_size=60),
)


@st.composite
def text_and_terms(draw):
    """A text and term sets made from its own tokens (so they match), from other words, and from
    stems of all kinds (one letter, z -> c, -ies -> -y)."""
    text = draw(texts)
    tokens = [t for t, _p, _s, _e, _j in iter_word_tokens(text)] or ["migrantes"]
    plain = [t for t, _p, _s, _e, joined in iter_word_tokens(text) if not joined] or ["migrantes"]
    own = st.sampled_from(tokens)
    other = st.one_of(own, st.sampled_from(["c", "y", "z", "de", "the", "luz", "country", "pais", "r", "rr"]),
                      st.text(alphabet="abcdeilnorstuyz0123456789", min_size=1, max_size=6))
    phrase_start = draw(st.integers(0, len(plain) - 1))
    phrase = tuple(plain[phrase_start:phrase_start + draw(st.integers(1, 4))])
    terms = HighlightTerms(
        stems_es={stem_spanish(w) for w in draw(st.lists(other, max_size=4))},
        stems_en={stem_english(w) for w in draw(st.lists(other, max_size=4))},
        exact=set(draw(st.lists(other, max_size=4))),
        phrases={phrase} | {tuple(p) for p in draw(st.lists(st.lists(other, min_size=2, max_size=3), max_size=2))},
    )
    return text, terms


@settings(max_examples=400, deadline=None)
@given(text_and_terms(), st.sampled_from(LANGUAGES), st.sampled_from([SNIPPET_CHARS, 60, 120, 20]))
def test_generated_texts_and_terms(case, language, max_chars):
    text, terms = case
    assert list(iter_word_tokens(text)) == list(reference_tokens(text))
    assert_same(text, terms, language, max_chars)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts, st.data())
def test_generated_texts_with_compiled_queries(vocabulary, text, data):
    tokens = [text[s:e] for _t, _p, s, e, _j in iter_word_tokens(text)]
    word = st.sampled_from(tokens) if tokens else st.sampled_from(_VOCABULARY)
    query = data.draw(st.one_of(
        word,
        st.builds(lambda a, b: f"{a} {b}", word, word),
        st.builds(lambda a, b: f'"{a} {b}"', word, word),
        st.builds(lambda a: a[:3] + "*", word),
        st.sampled_from(QUERIES),
    ))
    marks = compiled_marks(vocabulary, query, translate=data.draw(st.booleans()))
    if marks:
        for language in LANGUAGES:
            assert_same(text, marks, language, max_chars=data.draw(st.sampled_from([SNIPPET_CHARS, 60])))
