"""The table of bodies, and which body a title or header names (the most specific wins)."""

from __future__ import annotations

import re

import pytest

from ingest.bodies import BODIES, OTHER, ORDINAL, body_key_of, body_of, find_bodies, ordinal_value
from ingest.places import fold_for_matching

TITLES = [
    # (text, expected key) — real-style titles and headers, Spanish and English
    ("INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS", "red_trafico_trata"),
    ("Informe de la Reunión de la Red de Funcionarios de Enlace para el Combate a la Trata de Personas y al Tráfico Ilícito de Migrantes", "red_trafico_trata"),
    ("INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL\nTRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS", "red_trafico_trata"),
    ("Report of the Meeting of the Liaison Officer Network to Combat Smuggling of Migrants and Trafficking in Persons", "red_trafico_trata"),
    ("Regional Network of Liaison Officers to Combat Trafficking in Persons and Smuggling of Migrants", "red_trafico_trata"),
    ("Informe de la Reunión de la Red de Funcionarios de Enlace en Protección Consular", "red_proteccion_consular"),
    ("Report of the Liaison Officers Network on Consular Protection", "red_proteccion_consular"),
    ("INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN", "grcm"),
    ("Report of the Regional Consultation Group on Migration (RCGM)", "grcm"),
    ("Reunión del GRCM", "grcm"),
    ("XIX Reunión Viceministerial de la Conferencia Regional sobre Migración", "viceministerial"),
    ("Nineteenth Vice-Ministerial Meeting of the Regional Conference on Migration", "viceministerial"),
    ("Declaración de la XX RVM", "viceministerial"),
    ("VII Conferencia Regional sobre Migración", "viceministerial"),
    ("Seventh Regional Conference on Migration", "viceministerial"),
    ("Informe de la Reunión del Grupo ad hoc sobre Niñez Migrante", "grupo_ad_hoc"),
    ("Grupo de Trabajo ad hoc sobre Retorno", "grupo_ad_hoc"),
    ("Report of the Ad Hoc Working Group on Migrant Children", "grupo_ad_hoc"),
    ("Declaración de la Red Regional de Organizaciones Civiles para las Migraciones (RROCM)", "rrocm"),
    ("Declaración de la RROCM ante la XIX Reunión Viceministerial", "rrocm"),
    ("Statement by the Regional Network of Civil Organizations for Migration", "rrocm"),
    ("Pronunciamiento de la sociedad civil", "rrocm"),
    ("RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES", "rrocm"),
    # The most specific body wins: the Managua header names the GRCM, then the network that reports to it.
    (
        "CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)\nGRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)\n\n"
        "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS",
        "red_trafico_trata",
    ),
    ("Informe del GRCM a la XIX Reunión Viceministerial", "grcm"),
]

NO_BODY = [
    "CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)",  # the umbrella, not a body that meets
    "Agradecer a la Red Regional de Organizaciones Civiles para las Migraciones (RROCM) por su presentación",
    "e instar a los Países Miembros a consultar con la sociedad civil regularmente.",
    "Managua, Nicaragua",
    "Plan de Acción",
    "",
]


@pytest.mark.parametrize(("text", "key"), TITLES)
def test_body_of(text: str, key: str) -> None:
    found = body_of(text)
    assert found is not None
    assert found[1] == key


@pytest.mark.parametrize("text", NO_BODY)
def test_no_body(text: str) -> None:
    assert body_of(text) is None


def test_body_as_written_keeps_the_text_spelling_with_spaces_normalised() -> None:
    text = "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL\nTRÁFICO  ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS"
    assert body_of(text) == (
        "RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS",
        "red_trafico_trata",
    )
    assert body_of("Grupo ad hoc sobre Niñez Migrante, celebrada en") == ("Grupo ad hoc sobre Niñez Migrante", "grupo_ad_hoc")


def test_table_has_both_languages_for_every_body() -> None:
    assert set(BODIES) == {
        "viceministerial", "grcm", "red_trafico_trata", "red_proteccion_consular", "grupo_ad_hoc", "rrocm", OTHER,
    }  # fmt: skip
    for key, body in BODIES.items():
        assert body.key == key and body.name_es and body.name_en
        if key != OTHER:
            assert body_key_of(body.name_es) == key, body.name_es
            assert body_key_of(body.name_en) == key, body.name_en
    assert BODIES["grcm"].acronym_es == "GRCM" and BODIES["grcm"].acronym_en == "RCGM"


def test_every_glossary_form_of_a_body_is_found_as_written() -> None:
    # The data file is the one list of names: a variant added there ("Regional Consultative Group on Migration",
    # "... sobre Migraciones") is found whole, without a pattern of its own in ingest/bodies.py.
    from archive.glossary import glossary

    for entity in glossary().by_kind("body"):
        for form in entity.forms:
            found = find_bodies(form)
            assert [(m.key, m.as_written) for m in found] == [(entity.key, form)], form
    assert body_of("Report of the Meeting of the Regional Consultative Group on Migration") == (
        "Regional Consultative Group on Migration", "grcm",
    )


def test_unknown_body_name_is_other() -> None:
    assert body_key_of("Comisión Centroamericana de Directores de Migración") == OTHER


def test_find_bodies_reports_every_mention_in_order() -> None:
    found = find_bodies("El GRCM recibió el informe de la Red de Funcionarios de Enlace en Protección Consular y lo elevó a la RVM")
    assert [m.key for m in found] == ["grcm", "red_proteccion_consular", "viceministerial"]


ORDINALS = [
    ("XIX", 19), ("VII", 7), ("XX", 20), ("IV", 4), ("XL", 40), ("I", 1), ("décimo novena", 19), ("decimonovena", 19),
    ("Vigésima Primera", 21), ("primera", 1), ("Undécima", 11), ("décima", 10), ("nineteenth", 19), ("Twenty-first", 21),
    ("seventh", 7), ("19th", 19), ("19a", 19), ("19ª", 19), ("1°", 1), ("3rd", 3), ("vi", None), ("xix", None), ("0", None),
]  # fmt: skip


@pytest.mark.parametrize(("token", "value"), ORDINALS)
def test_ordinal_value(token: str, value: int | None) -> None:
    m = re.fullmatch(ORDINAL, fold_for_matching(token))
    assert m is not None
    assert ordinal_value(m, token) == value


def test_events_data_file_schema_and_unique_words() -> None:
    import json

    from ingest.bodies import EVENTS, EVENTS_FILE, load_events

    raw = json.loads(EVENTS_FILE.read_text(encoding="utf-8"))
    assert set(raw) == {"about", "events"}
    seen: dict[str, str] = {}
    for item in raw["events"]:
        assert set(item) == {"key", "es", "en"} and item["es"] + item["en"], item
        for word in item["es"] + item["en"]:
            assert seen.setdefault(fold_for_matching(word), item["key"]) == item["key"], word
    assert set(EVENTS) == {item["key"] for item in raw["events"]} and load_events() == EVENTS


def test_a_malformed_events_file_is_refused(tmp_path) -> None:
    from ingest.bodies import load_events

    path = tmp_path / "events.json"
    path.write_text('{"events": [{"key": "workshop", "es": [], "en": []}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="bad event"):
        load_events(path)


@pytest.mark.parametrize("title", ["Taller regional sobre retorno", "Workshop on Return", "SEMINARIO-TALLER DE TRATA", "Foro"])
def test_an_event_is_no_body_of_the_table(title: str) -> None:
    # Workshops and seminars are classed by ingest.metadata (the catch-all body), never found as a body here.
    assert body_of(title) is None and body_key_of(title) == OTHER
