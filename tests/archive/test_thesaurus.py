"""The thesaurus data file: its schema, the concepts the issue names, and one concept per term."""

import json

import pytest

from archive.thesaurus import DATA_FILE, load_thesaurus, thesaurus
from index.expansion import stem_key, words_of


def test_schema_of_the_data_file():
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert set(raw) == {"about", "concepts"}
    keys = [c["key"] for c in raw["concepts"]]
    assert len(keys) == len(set(keys)) >= 150
    for c in raw["concepts"]:
        assert set(c) == {"key", "es", "en"}, c["key"]
        for lang in ("es", "en"):
            assert c[lang] and all(isinstance(t, str) and t.strip() == t and t for t in c[lang]), c["key"]


def test_every_term_stems_to_one_concept_per_language():
    seen: dict[tuple[str, tuple[str, ...]], str] = {}
    for concept in thesaurus().concepts:
        for lang in ("es", "en"):
            for term in concept.terms(lang):
                key = stem_key(words_of(term), lang)
                assert key, f"{concept.key}: {term!r} is only stop words"
                assert seen.setdefault((lang, key), concept.key) == concept.key, \
                    f"{term!r} ({lang}) belongs to {seen[(lang, key)]} and {concept.key}"


@pytest.mark.parametrize("es, en", [
    ("trata de personas", "trafficking in persons"), ("trata de personas", "human trafficking"),
    ("tráfico ilícito de migrantes", "migrant smuggling"), ("derechos humanos", "human rights"),
    ("sociedad civil", "civil society"), ("protección consular", "consular protection"),
    ("niñez migrante no acompañada", "unaccompanied migrant children"), ("retorno", "return"),
    # How CRM reports most often write it, without "migrante" (the 2011 GRCM and 2019 declarations).
    ("niñez no acompañada", "unaccompanied children"), ("niños no acompañados", "unaccompanied minors"),
    ("huracán", "hurricane"), ("plan de acción", "plan of action"), ("migración irregular", "irregular migration"),
])
def test_the_concepts_the_issue_names(es, en):
    by_term = {(lang, t): c.key for c in thesaurus().concepts for lang in ("es", "en") for t in c.terms(lang)}
    assert by_term[("es", es)] == by_term[("en", en)]


def test_a_malformed_file_is_refused_with_the_concept_named(tmp_path):
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"concepts": [{"key": "retorno", "es": ["retorno"], "en": []}]}))
    with pytest.raises(ValueError, match="concept retorno"):
        load_thesaurus(bad)
