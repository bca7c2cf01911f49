"""The glossary data file: its schema, unique forms, and the matching rules of ``Glossary.find``."""

import json

import pytest

from archive.glossary import DATA_FILE, KINDS, glossary, load_glossary, _fold_words


def test_schema_of_the_data_file():
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert set(raw) >= {"entities", "kinds"}
    assert tuple(raw["kinds"]) == KINDS
    keys = [e["key"] for e in raw["entities"]]
    assert len(keys) == len(set(keys)), "entity keys are unique"
    for e in raw["entities"]:
        assert set(e) <= {"key", "kind", "es", "en", "acronyms", "variants", "member", "specificity"}, e["key"]
        assert e["kind"] == "body" or "specificity" not in e, e["key"]
        assert e["kind"] in KINDS and e["es"].strip() and e["en"].strip(), e["key"]
        assert set(e.get("acronyms", {})) <= {"es", "en"}, e["key"]


def test_every_spelled_out_form_folds_to_one_entity():
    seen: dict[str, str] = {}
    for e in glossary().entities:
        for name in e.names:
            folded = _fold_words(name)
            assert seen.setdefault(folded, e.key) == e.key, f"{name!r} names {seen[folded]} and {e.key}"


def test_find_matches_names_without_accents_and_acronyms_only_as_written():
    g = glossary()
    text = "La Secretaria Tecnica y la OIM; la st no es una sigla. Canadá y CANADA."
    keys = [m.key for m in g.find(text)]
    assert keys == ["secretaria_tecnica", "oim", "canada", "canada"]
    first = g.find(text)[0]
    assert text[first.start : first.end] == first.form == "Secretaria Tecnica"


def test_lookup_in_either_language():
    g = glossary()
    assert g.lookup("IOM").key == g.lookup("Organización Internacional para las Migraciones").key == "oim"
    assert g.lookup("no such thing") is None


def test_a_malformed_file_is_refused_with_the_entity_named(tmp_path):
    bad = tmp_path / "g.json"
    bad.write_text(json.dumps({"kinds": list(KINDS), "entities": [{"key": "x", "kind": "planet", "es": "a", "en": "b"}]}))
    with pytest.raises(ValueError, match="entity x"):
        load_glossary(bad)


def test_the_glossary_names_what_the_issue_asks_for():
    g = glossary()
    assert len(g.entities) >= 60
    for form in ("CRM", "RCM", "Proceso Puebla", "Puebla Process", "Reunión Viceministerial", "GRCM", "RCGM", "RROCM",
                 "RNCOM", "Secretaría Técnica", "Technical Secretariat", "ST", "TS", "PPT", "OIM", "IOM", "ACNUR", "UNHCR",
                 "UNODC", "ONUDD", "OEA", "OAS", "CIDH", "IACHR", "UNICEF", "OACNUDH", "OHCHR", "OIT", "ILO", "CEPAL",
                 "ECLAC", "SICA", "Protocolos de Palermo", "Palermo Protocols", "Belize", "Canadá"):
        assert g.lookup(form) is not None, form
    assert {e.kind for e in g.entities} == set(KINDS)
    # the liaison officer network, trafficking and smuggling in either order
    both = ["Red de Funcionarios de Enlace para el Combate a la Trata de Personas y al Tráfico Ilícito de Migrantes",
            "RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS",
            "Liaison Officer Network to Combat Trafficking in Persons and Smuggling of Migrants"]
    assert {g.lookup(name).key for name in both} == {"red_trafico_trata"}


def test_ambiguous_acronyms_are_listed_acronyms_and_only_name_an_entity_as_written():
    g = glossary()
    every_acronym = {a for e in g.entities for a in e.acronyms}
    assert g.ambiguous_acronyms and g.ambiguous_acronyms <= every_acronym
    assert g.lookup_query("ST").key == "secretaria_tecnica"
    assert g.lookup_query("st") is None and g.lookup_query("ppt") is None
    assert g.lookup_query("rrocm").key == g.lookup_query("Rncom").key == "rrocm"
    assert g.lookup_query("oim").key == "oim"


def test_names_match_across_hyphens_and_line_breaks():
    g = glossary()
    text = "la Presidencia Pro-Tempore y la\nSecretaría\n  Técnica; the Vice Ministerial Meeting"
    assert [m.key for m in g.find(text)] == ["presidencia_pro_tempore", "secretaria_tecnica", "viceministerial"]
    assert g.lookup("Pro-Tempore Presidency").key == "presidencia_pro_tempore"


def test_every_body_has_a_specificity():
    bodies = glossary().by_kind("body")
    assert bodies and all(b.specificity in (1, 2, 3) for b in bodies)
    assert glossary().get("grcm").specificity > glossary().get("viceministerial").specificity
