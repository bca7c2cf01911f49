"""Folding, tokenizing, stop words and light stemming: table-driven pairs plus properties."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.analysis import (
    ENGLISH_ANALYZER,
    EXACT_ANALYZER,
    SPANISH_ANALYZER,
    analyze,
    fold,
    iter_word_tokens,
    stem_english,
    stem_spanish,
    strip_list_marker,
)


@pytest.mark.parametrize("text, folded", [
    ("declaración", "declaracion"),
    ("MIGRACIÓN", "migracion"),
    ("Secretaría", "secretaria"),
    ("niñez", "ninez"),
    ("AÑO", "ano"),
    ("Pro Témpore", "pro tempore"),
    ("Canadá", "canada"),
    ("pingüino", "pinguino"),
    ("RROCM", "rrocm"),
    ("1º", "1o"),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("a, b", [
    # plural
    ("acuerdo", "acuerdos"), ("migrante", "migrantes"), ("país", "países"), ("red", "redes"),
    ("nacional", "nacionales"), ("organización", "organizaciones"), ("actividad", "actividades"),
    ("vez", "veces"), ("luz", "luces"), ("año", "años"), ("mes", "meses"), ("ley", "leyes"),
    ("avance", "avances"), ("responsable", "responsables"), ("mujer", "mujeres"), ("reunión", "reuniones"),
    ("ONG", "ONGs"), ("joven", "jóvenes"), ("migración", "migraciones"), ("caso", "casos"), ("casa", "casas"),
    # gender
    ("niño", "niña"), ("niño", "niños"), ("niña", "niñas"), ("migratorio", "migratoria"),
    ("técnico", "técnica"), ("jurídico", "jurídicas"),
    # accents and case
    ("Secretaría", "secretaria"), ("MIGRACIÓN", "migracion"), ("niñez", "ninez"), ("año", "ano"),
])
def test_spanish_pairs_conflate(a, b):
    assert analyze(a) == analyze(b), (a, b)


@pytest.mark.parametrize("a, b", [
    ("migración", "migrante"), ("trata", "tratado"), ("trata", "trato"), ("general", "género"),
    ("caso", "casa"), ("punto", "punta"), ("marco", "marca"), ("puerto", "puerta"), ("cargo", "carga"),
    ("plazo", "plaza"), ("país", "paisaje"), ("red", "reducir"), ("mes", "mesa"), ("nacional", "nación"),
    ("organización", "organismo"), ("presidente", "presidencia"), ("ilícito", "lícito"),
    ("nino", "ninez"),
])
def test_spanish_pairs_stay_apart(a, b):
    assert analyze(a) != analyze(b), (a, b)


@pytest.mark.parametrize("a, b", [
    ("agreement", "agreements"), ("country", "countries"), ("process", "processes"), ("issue", "issues"),
    ("measure", "measures"), ("church", "churches"), ("migrant", "migrants"),
])
def test_english_plurals_conflate(a, b):
    assert analyze(a, "en") == analyze(b, "en")


@pytest.mark.parametrize("word", ["status", "analysis", "crisis", "us", "process"])
def test_english_singulars_ending_in_s_are_left_alone(word):
    assert stem_english(word) == word


def test_acronyms_numbers_and_years_are_kept():
    assert analyze("La RROCM, la OIM, la ST y UNODC en 2014") == ["rrocm", "oim", "st", "unodc", "2014"]


def test_spanish_stop_words_keep_no_sin_contra():
    assert analyze("no aprobar sin consenso contra la trata de personas") == \
        ["no", "aprobar", "sin", "consens", "contr", "trata", "person"]


def test_english_stop_words_keep_us_and_may():
    assert analyze("the US and Mexico in May", "en") == ["us", "mexico", "may"]


@pytest.mark.parametrize("text, tokens", [
    ("Pro-Tempore", [("pro", 0, False), ("tempore", 1, False), ("protempore", 0, True)]),
    ("Trabajo-Archivo", [("trabajo", 0, False), ("archivo", 1, False), ("trabajoarchivo", 0, True)]),
    ("2014-2020", [("2014", 0, False), ("2020", 1, False)]),
    ("extra-regional", [("extra", 0, False), ("regional", 1, False), ("extraregional", 0, True),
                        ("extrarregional", 0, True)]),
    ("2014–2020", [("2014", 0, False), ("2020", 1, False)]),  # en dash
])
def test_hyphenated_words_give_parts_and_joined_forms(text, tokens):
    assert [(t, p, j) for t, p, _s, _e, j in iter_word_tokens(text)] == tokens


def test_token_offsets_point_into_the_original_text():
    text = "La Secretaría Técnica (ST)"
    spans = [(text[s:e], t) for t, _p, s, e, _j in iter_word_tokens(text)]
    assert spans == [("La", "la"), ("Secretaría", "secretaria"), ("Técnica", "tecnica"), ("ST", "st")]


def test_exact_analyzer_keeps_every_word_unstemmed():
    assert [t.text for t in EXACT_ANALYZER("Los Acuerdos de la Red")] == ["los", "acuerdos", "de", "la", "red"]


def test_analyzers_are_picklable():
    for analyzer in (SPANISH_ANALYZER, ENGLISH_ANALYZER, EXACT_ANALYZER):
        clone = pickle.loads(pickle.dumps(analyzer))
        assert [t.text for t in clone("Niños y niñas migrantes")] == [t.text for t in analyzer("Niños y niñas migrantes")]


@given(st.text())
def test_fold_is_idempotent_and_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded


@given(st.text())
def test_tokens_are_folded_ascii_words_with_valid_offsets(text):
    for token, _pos, start, end, _joined in iter_word_tokens(text):
        assert token and token.isascii() and token.isalnum() and token == token.lower()
        assert 0 <= start < end <= len(text)


@given(st.text(alphabet=st.characters(min_codepoint=97, max_codepoint=122) | st.sampled_from("áéíóúñ"), min_size=1))
def test_stemming_is_stable_and_never_empty(word):
    folded = fold(word)
    assert stem_spanish(folded)
    assert stem_spanish(folded) == stem_spanish(folded)


@pytest.mark.parametrize("text, indexed", [
    ("3. La Red Regional", "La Red Regional"),
    ("3) La Red", "La Red"),
    ("3.- La Red", "La Red"),
    ("3 - La Red", "La Red"),
    ("12 – La Red", "La Red"),
    ("1.2. La Red", "La Red"),
    ("a) aprobar", "aprobar"),
    ("b. aprobar", "aprobar"),
    ("(iii) aprobar", "aprobar"),
    ("(a) aprobar", "aprobar"),
    ("iv. aprobar", "aprobar"),
    ("XV. Reunión", "Reunión"),
    ("• aprobar", "aprobar"),
    ("- aprobar", "aprobar"),
    # Not markers: numbers and words that merely start the text.
    ("1.000 migrantes", "1.000 migrantes"),
    ("2008-2014 plan", "2008-2014 plan"),
    ("A la Secretaría", "A la Secretaría"),
    ("Civil society", "Civil society"),
    ("La Red", "La Red"),
    ("", ""),
])
def test_strip_list_marker(text, indexed):
    assert strip_list_marker(text) == indexed


@given(st.text(max_size=60))
def test_strip_list_marker_only_removes_a_prefix(text):
    stripped = strip_list_marker(text)
    assert text.endswith(stripped) and len(stripped) <= len(text)
