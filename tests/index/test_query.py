"""The forgiving query parser: syntax table, filters, and hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.query import (
    AllOf, AnyOf, Compound, FieldFilter, Fuzzy, Not, Phrase, Prefix, QuerySyntaxError, Wildcard, Word,
    parse_query, parse_year_range,
)


def node(text):
    return parse_query(text).node


def words(*ws):
    return tuple(Word(w) for w in ws)


def strip_spans(n):
    """The tree without source spans, for comparing shapes."""
    if isinstance(n, Word):
        return Word(n.text)
    if isinstance(n, Fuzzy):
        return Fuzzy(n.word, n.distance)
    if isinstance(n, (AllOf, AnyOf)):
        return type(n)(tuple(strip_spans(c) for c in n.nodes))
    if isinstance(n, Not):
        return Not(strip_spans(n.node))
    return n


@pytest.mark.parametrize("text, expected", [
    ("trata", Word("trata")),
    ("Tráfico ILÍCITO", AllOf(words("trafico", "ilicito"))),
    ("trata AND personas", AllOf(words("trata", "personas"))),
    ('"trata de personas"', Phrase(("trata", "de", "personas"))),
    ('"Migrantes"', Phrase(("migrantes",))),  # one quoted word: exact, unstemmed
    ("\u201cSecretaría Técnica\u201d", Phrase(("secretaria", "tecnica"))),
    ("trata OR tráfico", AnyOf(words("trata", "trafico"))),
    ("trata | tráfico", AnyOf(words("trata", "trafico"))),
    ("red trata OR tráfico", AllOf((Word("red"), AnyOf(words("trata", "trafico"))))),
    ("trata -tráfico", AllOf((Word("trata"), Not(Word("trafico"))))),
    ("trata NOT tráfico", AllOf((Word("trata"), Not(Word("trafico"))))),
    ("(trata OR tráfico) red", AllOf((AnyOf(words("trata", "trafico")), Word("red")))),
    ("migra*", Prefix("migra")),
    ("mig?ante", Wildcard("mig?ante")),
    ("migrantez~", Fuzzy("migrantez", 1)),
    ("migrantez~2", Fuzzy("migrantez", 2)),
    ("migrantez~9", Fuzzy("migrantez", 2)),
    ("pro-tempore", Compound(("pro", "tempore"))),
    ("2008-2014", Compound(("2008", "2014"))),  # a bare range is text
    ("foo:bar", AllOf(words("foo", "bar"))),  # unknown field: text
    ("OIM/ST", AllOf(words("oim", "st"))),
])
def test_syntax(text, expected):
    assert strip_spans(node(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("año:2008", FieldFilter("year", (2008, 2008))),
    ("ano:2008..2014", FieldFilter("year", (2008, 2014))),
    ("year:2008-2014", FieldFilter("year", (2008, 2014))),
    ("AÑO:2014..2008", FieldFilter("year", (2008, 2014))),
    ("year:2010..", FieldFilter("year", (2010, None))),
    ("cuerpo:red", FieldFilter("body", "red")),
    ("body:Viceministerial", FieldFilter("body", "viceministerial")),
    ("país:México", FieldFilter("country", "mexico")),
    ("pais:\"Costa Rica\"", FieldFilter("country", "costa rica")),
    ("country:mexico", FieldFilter("country", "mexico")),
    ("idioma:inglés", FieldFilter("language", "en")),
    ("lang:es", FieldFilter("language", "es")),
    ("language:English", FieldFilter("language", "en")),
    ("ciudad:Tela", FieldFilter("city", "tela")),
    ("-pais:mexico", FieldFilter("country", "mexico", exclude=True)),
])
def test_filters(text, expected):
    parsed = parse_query(f"trata {text}")
    assert parsed.filters == (expected,)
    assert strip_spans(parsed.node) == Word("trata")


def test_filters_alone_are_a_query():
    parsed = parse_query("año:2008")
    assert parsed.node is None and parsed.filters == (FieldFilter("year", (2008, 2008)),)


def test_empty_box_is_no_query():
    assert parse_query("   ").node is None


@pytest.mark.parametrize("text, expected", [
    ('"trata de personas', Phrase(("trata", "de", "personas"))),  # unbalanced quote closes at the end
    ("(trata OR tráfico", AnyOf(words("trata", "trafico"))),  # unbalanced (
    ("trata) personas)", AllOf(words("trata", "personas"))),  # unbalanced )
    ("OR trata", Word("trata")),
    ("trata OR", Word("trata")),
    ("trata AND", Word("trata")),
    ("trata -", Word("trata")),
    ("tra\u202eta\u200b", Word("trata")),  # bidi and zero-width characters removed
    ("tra\x00ta", AllOf(words("tra", "ta"))),  # control characters are separators
])
def test_forgiving(text, expected):
    assert strip_spans(node(text)) == expected


@pytest.mark.parametrize("text", [
    "*", "?*", "a*", "*trata", "??", "AND", "OR", "-", "NOT", "( )", '""', "~", "x" * 10_001,
    "año:abc", "year:20", "pais:",
])
def test_hostile_input_raises_a_user_message(text):
    try:
        parse_query(text)
    except QuerySyntaxError as e:
        message = str(e)
        assert message and "\n" not in message
    # A result is fine too: what matters is that nothing else escapes.


@pytest.mark.parametrize("text", ["*", "a*", "x" * 10_001, "año:abc", "AND", "-"])
def test_meaningless_input_is_refused(text):
    with pytest.raises(QuerySyntaxError):
        parse_query(text)


def test_word_spans_point_into_the_cleaned_query():
    parsed = parse_query("trata  migrantez")
    assert [(w.text, parsed.cleaned[w.span[0]:w.span[1]]) for w in parsed.words] == \
        [("trata", "trata"), ("migrantez", "migrantez")]


@pytest.mark.parametrize("raw, expected", [
    ("2008", (2008, 2008)), ("2008..2014", (2008, 2014)), ("2008-2014", (2008, 2014)),
    ("2008–2014", (2008, 2014)), ("..2014", (None, 2014)), ("2010..", (2010, None)),
])
def test_year_ranges(raw, expected):
    assert parse_year_range(raw) == expected


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_query_syntax_error(text):
    try:
        parse_query(text)
    except QuerySyntaxError:
        pass


@pytest.mark.parametrize("text", ["año:", "trata pais:", "idioma: trata", "-cuerpo:"])
def test_a_filter_without_a_value_says_what_is_missing(text):
    with pytest.raises(QuerySyntaxError, match="Missing value"):
        parse_query(text)


# --- the plain-words fast path gives what the parser gives -----------------------------------------

PLAIN_CASES = [
    "cosecha", "exhumación", "trata personas", "protección consular países", "RROCM", "OIM 2014",
    "Secretaría Técnica", "covid19", "año", "O", "Y", "NOT", "trata O personas", "trata Y personas",
    "pro-tempore", "e-mail", "niñez", "ÆSIR", "straße", "½", "x²", "١٢٣", "日本語", "a b c d e f",
]


@pytest.mark.parametrize("text", PLAIN_CASES)
def test_plain_words_parse_as_the_parser_does(text):
    from index.query import _parse, _plain_words, clean_query, with_a_latin_word

    def outcome(parse, text):
        try:
            return parse(text)
        except QuerySyntaxError as e:
            return str(e)

    cleaned = clean_query(text)
    fast = _plain_words(cleaned)
    assert fast is None or fast == _parse(cleaned)
    assert outcome(parse_query, text) == outcome(lambda c: with_a_latin_word(_parse(c)), cleaned)


def test_plain_words_take_the_fast_path():
    from index.query import _plain_words

    assert _plain_words("trata personas") == parse_query("trata personas")
    assert _plain_words("trata personas") is not None
    assert _plain_words("trata OR personas") is None
    assert _plain_words("trata  personas") is None  # two spaces: the parser's business


@given(st.lists(st.text(alphabet="aeiouáéñüÆß²½1 -_~*?:\"()OYRNT", min_size=1, max_size=8), min_size=1, max_size=5))
def test_plain_words_agree_with_the_parser_on_any_words(chunks):
    from index.query import _parse, _plain_words, clean_query, with_a_latin_word

    try:
        cleaned = clean_query(" ".join(chunks))
        expected = _parse(cleaned)
    except QuerySyntaxError:
        return  # the fast path accepts only plain words, which never raise
    fast = _plain_words(cleaned)
    assert fast is None or fast == expected
