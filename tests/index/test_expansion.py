"""Query expansion: glossary entities (always) and thesaurus concepts (``translate``), as pure rewrites and
against a real on-disk index holding Spanish and English reports."""

from __future__ import annotations

from datetime import date

import pytest

from index.expansion import Cased, Name, Stemmed, expand_query
from index.query import AnyOf, Word, parse_query
from index.search import AgreementIndex, SearchQuery
from tests.index.conftest import _report

ENGLISH_2014 = """REGIONAL NETWORK OF CIVIL ORGANIZATIONS FOR MIGRATION
1. The RNCOM presented its report to the Vice-Ministerial Meeting.
2. The IOM and the UNHCR offered technical support on trafficking in persons and human rights.
3. The RCGM approved the plan of action on irregular migration and the return of migrants after the hurricane.
"""
SPANISH_2015 = """GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN
1. El Grupo Regional de Consulta sobre Migración agradeció a la Organización Internacional para las Migraciones.
2. La st de la calle no es la Secretaría.
3. La Secretaría Técnica presentó el informe sobre trata de personas.
"""


def expansions(text: str, translate: bool = False):
    return expand_query(parse_query(text), translate=translate).expansions


@pytest.fixture(scope="module")
def bilingual_index(tmp_path_factory):
    ix = AgreementIndex(tmp_path_factory.mktemp("bilingual"))
    ix.update([
        _report("rncom2014", ENGLISH_2014, "en", date(2014, 6, 25), "Managua", "Nicaragua", "rrocm",
                "Regional Network of Civil Organizations for Migration", sha="1"),
        _report("grcm2015", SPANISH_2015, "es", date(2015, 3, 3), "San Salvador", "El Salvador", "grcm",
                "Grupo Regional de Consulta sobre Migración", sha="2"),
    ])
    yield ix
    ix.close()


def hits(ix, text: str, translate: bool = False) -> set[tuple[str, str]]:
    return {(h.report_id, h.label) for h in ix.search(SearchQuery(text, translate=translate, per_page=200)).hits}


# --- the rewrite ------------------------------------------------------------------------------------


def test_an_acronym_in_any_case_expands_to_every_form_of_its_entity():
    for typed in ("RROCM", "rrocm", "Rrocm"):
        (found,) = expansions(typed)
        forms = {a.form for a in found.alternatives}
        assert found.kind == "entity" and found.key == "rrocm" and found.typed == typed
        assert {"RNCOM", "Red Regional de Organizaciones Civiles para las Migraciones",
                "Regional Network of Civil Organizations for Migration"} <= forms
        assert found.literal == f'"{typed}"'


class _EveryWord(frozenset):
    def __contains__(self, word: object) -> bool:
        return True


def test_skipping_words_no_form_begins_with_changes_no_expansion(monkeypatch):
    # The rewrite looks up windows only from a word some entity form begins with (_first_words).
    # Every form of every entity, as written, lower and upper case, alone and inside a query:
    # the same expansions as looking up from every word.
    from archive.glossary import glossary
    from index import expansion

    texts = []
    for entity in glossary().entities:
        for form in entity.forms:
            texts += [form, form.lower(), form.upper(), f"informe {form} 2014", f"la {form.lower()} y"]
    texts += ["cosecha", "trata de personas", "exhumación", "Secretaría Técnica", "país miembro"]

    def all_expansions():
        return [expand_query(parse_query(text)).expansions for text in texts]

    skipping = all_expansions()
    monkeypatch.setattr(expansion, "_first_words", lambda source: _EveryWord())
    assert skipping == all_expansions()
    assert sum(1 for found in skipping if found) > len(texts) // 2  # most of them do expand


def test_a_name_in_either_language_expands_and_the_typed_words_stay_one_alternative():
    parsed = expand_query(parse_query("secretaria tecnica 2014")).parsed
    first = parsed.node.nodes[0]
    assert isinstance(first, AnyOf)
    assert [w.text for w in first.nodes[0].nodes] == ["secretaria", "tecnica"]  # as typed, stemmed
    assert Name(("technical", "secretariat")) in first.nodes and Cased("ST") in first.nodes
    assert parsed.node.nodes[1] == Word("2014", parsed.node.nodes[1].span)
    (found,) = expansions("Technical Secretariat")
    assert found.key == "secretaria_tecnica" and "Secretaría Técnica" in {a.form for a in found.alternatives}


def test_ambiguous_acronyms_expand_only_capitalised_and_quotes_are_literal():
    assert [e.key for e in expansions("ST")] == ["secretaria_tecnica"]
    assert expansions("st") == () and expansions("ppt") == ()
    assert [e.key for e in expansions("PPT")] == ["presidencia_pro_tempore"]
    assert expansions('"RROCM"') == () and expansions('"Secretaría Técnica"') == ()
    assert expansions("-RROCM migrantes") == ()  # an exclusion excludes what was typed


def test_translation_only_on_request_each_term_in_its_own_language():
    assert expansions("trata de personas") == ()
    (found,) = expansions("trata de personas", translate=True)
    assert found.kind == "concept" and found.key == "trata_personas" and found.literal == "trata de personas"
    by_form = {a.form: a for a in found.alternatives}
    assert by_form["trafficking in persons"].language == "en" and by_form["trafficking in persons"].analyzer == "stem"
    node = expand_query(parse_query("trata personas"), translate=True).parsed.node
    assert Stemmed(("trafficking", "in", "persons"), "en") in node.nodes
    assert Stemmed(("trafficking", "in", "persons"), "en").stems() == ("trafficking", "person")
    # English typed: the Spanish terms come back, stemmed as Spanish
    (back,) = expansions("human rights", translate=True)
    assert {a.form for a in back.alternatives} == {"derechos humanos"}


def test_longest_window_wins_and_entities_come_before_concepts():
    keys = [(e.kind, e.key) for e in expansions("Red de Funcionarios de Enlace en Protección Consular retorno",
                                                translate=True)]
    assert keys == [("entity", "red_proteccion_consular"), ("concept", "retorno")]


# --- against the index ----------------------------------------------------------------------------------


def test_rrocm_finds_the_english_report_that_says_only_rncom(bilingual_index):
    assert ("rncom2014", "1") in hits(bilingual_index, "RROCM")
    assert ("rncom2014", "1") not in hits(bilingual_index, '"RROCM"')  # literal: the typed form only
    result = bilingual_index.search(SearchQuery("RROCM"))
    hit = next(h for h in result.hits if (h.report_id, h.label) == ("rncom2014", "1"))
    assert "<mark>RNCOM</mark>" in hit.snippet  # the form that matched is the one marked
    assert [e.key for e in result.expansions] == ["rrocm"]


def test_oim_and_iom_find_each_other(bilingual_index):
    assert ("rncom2014", "2") in hits(bilingual_index, "OIM")
    assert ("grcm2015", "1") in hits(bilingual_index, "IOM")
    assert ("grcm2015", "1") in hits(bilingual_index, "international organization for migration")


def test_grcm_finds_its_spelled_out_name_and_the_english_acronym(bilingual_index):
    found = hits(bilingual_index, "GRCM")
    assert {("grcm2015", "1"), ("rncom2014", "3")} <= found
    snippet = next(h.snippet for h in bilingual_index.search(SearchQuery("GRCM")).hits
                   if (h.report_id, h.label) == ("grcm2015", "1"))
    assert "<mark>Grupo Regional de Consulta sobre Migración</mark>" in snippet


def test_st_capitalised_is_the_secretariat_lowercase_is_a_word(bilingual_index):
    assert ("grcm2015", "3") in hits(bilingual_index, "ST")
    assert hits(bilingual_index, "st") == {("grcm2015", "2")}


def test_translate_finds_the_english_report_on_trafficking_in_persons(bilingual_index):
    plain = hits(bilingual_index, "trata de personas")
    translated = bilingual_index.search(SearchQuery("trata de personas", translate=True, per_page=200))
    assert plain == {("grcm2015", "3")}
    assert {(h.report_id, h.label) for h in translated.hits} == {("grcm2015", "3"), ("rncom2014", "2")}
    assert translated.facets["language"] == {"en": 1, "es": 1}
    assert translated.by_year == {2014: 1, 2015: 1}
    english = next(h for h in translated.hits if h.language == "en")
    assert "<mark>trafficking</mark> in <mark>persons</mark>" in english.snippet
    assert [c.year for c in bilingual_index.timeline("trata de personas", translate=True)] == [2014, 2015]
    assert [c.year for c in bilingual_index.timeline("trata de personas")] == [2015]


@pytest.mark.parametrize("spanish, english_label", [
    ("huracán", "3"), ("plan de acción", "3"), ("migración irregular", "3"), ("retorno", "3"), ("derechos humanos", "2"),
])
def test_translate_finds_other_concepts_in_english(bilingual_index, spanish, english_label):
    assert ("rncom2014", english_label) not in hits(bilingual_index, spanish)
    assert ("rncom2014", english_label) in hits(bilingual_index, spanish, translate=True)


def test_an_ambiguous_acronym_counts_only_capitalised_in_the_documents_too(tmp_path):
    text = ("1. Los países de St. Kitts y Nevis y la st de la calle.\n"
            "2. La ST presentó su informe.\n"
            "3. La Secretaría Técnica presentó su informe.\n")
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update([_report("caribe", text, "es", date(2012, 1, 1), None, None, "grcm", "GRCM", sha="3")])
        assert hits(ix, "Secretaría Técnica") == {("caribe", "2"), ("caribe", "3")}
        assert hits(ix, "ST") == {("caribe", "2"), ("caribe", "3")}
        # typed lowercase it is a plain word (any case, "St." too), not the Secretariat
        assert hits(ix, "st") == {("caribe", "1"), ("caribe", "2")}


def test_precedents_consider_the_other_language(bilingual_index):
    from tests.index.conftest import _report as report_of

    spanish = report_of("grcm2015", SPANISH_2015, "es", date(2015, 3, 3), "San Salvador", "El Salvador", "grcm",
                        "Grupo Regional de Consulta sobre Migración", sha="2")
    found = [(p.hit.report_id, p.hit.label) for p in bilingual_index.precedents(spanish, "3")]
    assert ("rncom2014", "2") in found  # "trata de personas" -> "trafficking in persons"
    english_hit = next(p.hit for p in bilingual_index.precedents(spanish, "3") if p.hit.report_id == "rncom2014")
    assert english_hit.language == "en"


# --- properties ---------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from archive.glossary import glossary  # noqa: E402
from index.compiler import compile_query  # noqa: E402
from index.matching import docnums  # noqa: E402

_FORMS = sorted({f for e in glossary().entities for f in e.forms if f not in glossary().ambiguous_acronyms})[:400]
_PIECES = st.sampled_from(_FORMS + ["trata", "de", "personas", "migrantes", "OR", "-", '"', "retorno", "año:2010..2014",
                                    "human rights", "(", ")", "*", "red"])


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(_PIECES, min_size=1, max_size=6), translate=st.booleans(), entity_field=st.booleans())
def test_expansion_only_adds_matches(seed_index, pieces, translate, entity_field):
    """Whatever is typed, expanding never loses a match of the words as typed (an exclusion excludes only
    what was typed), and never turns a query the parser accepts into an error."""
    from index.query import QuerySyntaxError

    text = " ".join(pieces)
    try:
        parsed = parse_query(text)
    except QuerySyntaxError:
        return
    if parsed.node is None:
        return
    gen = seed_index._current()
    plain, _ = compile_query(gen.vocabulary, parsed.node)
    expanded, _ = compile_query(gen.vocabulary, expand_query(parsed, translate=translate, entity_field=entity_field).parsed.node)
    if plain is None:
        return
    assert expanded is not None
    assert set(docnums(gen, plain).tolist()) <= set(docnums(gen, expanded).tolist())
    seed_index.search(SearchQuery(text, translate=translate))  # the whole pipeline takes it too


def test_entities_are_indexed_by_key_and_a_changed_glossary_falls_back_to_forms(tmp_path, monkeypatch):
    import index.search as search_module
    from index.expansion import EntityRef, entity_keys

    assert entity_keys("La RNCOM y la Presidencia Pro-Tempore; la st, la ST y St. Kitts") == {
        "rrocm", "presidencia_pro_tempore", "secretaria_tecnica"}
    assert entity_keys("la rrocm y la Oim; la st y la ppt") == {"rrocm", "oim"}  # ambiguous ones only as written
    assert "acnur" in entity_keys("el Alto Comisionado de las Naciones Unidas para los Refugiados")
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update([_report("rncom2014", ENGLISH_2014, "en", date(2014, 6, 25), "Managua", "Nicaragua", "rrocm",
                           "Regional Network", sha="1")])
        assert not ix.needs_rebuild()
        node = expand_query(parse_query("RROCM"), entity_field=True).parsed.node
        assert isinstance(node, EntityRef) and node.key == "rrocm"  # a typed acronym: the entity's list alone
        named = expand_query(parse_query("Red Regional de Organizaciones Civiles para las Migraciones"),
                             entity_field=True).parsed.node
        assert isinstance(named, AnyOf) and isinstance(named.nodes[1], EntityRef)  # a name: as typed OR the entity
        by_key = ix.search(SearchQuery("RROCM"))
        assert ("rncom2014", "1") in {(h.report_id, h.label) for h in by_key.hits}
        # The glossary file changed since the index was built: rebuild pending, search by the forms meanwhile.
        monkeypatch.setattr(search_module, "glossary_digest", lambda: "another glossary")
        assert ix.needs_rebuild()
        by_forms = ix.search(SearchQuery("RROCM", page=1, per_page=19))
        assert {(h.report_id, h.label) for h in by_forms.hits} == {(h.report_id, h.label) for h in by_key.hits}
        assert [h.snippet for h in by_forms.hits if h.label == "1"] == [h.snippet for h in by_key.hits if h.label == "1"]
