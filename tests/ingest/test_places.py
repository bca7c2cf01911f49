"""Countries and venues: canonical keys, header lines, prose, and what must not be read as a place."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from index.analysis import fold
from ingest.places import (
    COUNTRIES,
    MEMBER_STATES,
    country_key,
    country_name,
    find_countries,
    fold_for_matching,
    place_in_line,
    place_in_prose,
    written_places,
)

COUNTRY_NAMES = [
    ("Belice", "belice"),
    ("Belize", "belice"),
    ("Canadá", "canada"),
    ("CANADA", "canada"),
    ("Costa Rica", "costa_rica"),
    ("El Salvador", "el_salvador"),
    ("Estados Unidos", "estados_unidos"),
    ("Estados Unidos de América", "estados_unidos"),
    ("EE.UU.", "estados_unidos"),
    ("EUA", "estados_unidos"),
    ("United States of America", "estados_unidos"),
    ("the United States", "estados_unidos"),
    ("Guatemala", "guatemala"),
    ("Honduras", "honduras"),
    ("México", "mexico"),
    ("Mexico", "mexico"),
    ("Estados Unidos Mexicanos", "mexico"),
    ("Nicaragua", "nicaragua"),
    ("Panamá", "panama"),
    ("Panama", "panama"),
    ("República Dominicana", "republica_dominicana"),
    ("REPÚBLICA  DOMINICANA", "republica_dominicana"),
    ("Dominican Republic", "republica_dominicana"),
    ("Perú", "peru"),
    ("Jamaica", "jamaica"),
    ("Salvador", "el_salvador"),
    ("Atlantis", None),
    ("usa", None),  # the Spanish verb, not the acronym
    ("", None),
]


@pytest.mark.parametrize(("name", "key"), COUNTRY_NAMES)
def test_country_key(name: str, key: str | None) -> None:
    assert country_key(name) == key


def test_eleven_member_states_with_spanish_and_english_names() -> None:
    assert len(MEMBER_STATES) == 11
    assert country_name("estados_unidos") == "Estados Unidos"
    assert country_name("estados_unidos", "en") == "United States"
    assert country_name("panama") == "Panamá"
    for key in COUNTRIES:
        assert country_key(country_name(key)) == key
        assert country_key(country_name(key, "en")) == key


def test_country_name_of_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        country_name("atlantis")


def test_find_countries_prefers_the_longest_name() -> None:
    found = find_countries("Estados Unidos Mexicanos, Estados Unidos de América, EE.UU. y la República Dominicana")
    assert [(c.as_written, c.key) for c in found] == [
        ("Estados Unidos Mexicanos", "mexico"),
        ("Estados Unidos de América", "estados_unidos"),
        ("EE.UU.", "estados_unidos"),
        ("República Dominicana", "republica_dominicana"),
    ]


LINES = [
    ("Managua, Nicaragua", ("Managua", "Nicaragua")),
    ("MANAGUA, NICARAGUA", ("Managua", "Nicaragua")),
    ("Tela, Honduras", ("Tela", "Honduras")),
    ("Ciudad de Panamá", ("Ciudad de Panamá", "Panamá")),
    ("Ciudad de Panamá, Panamá, 23 y 24 de junio de 2013", ("Ciudad de Panamá", "Panamá")),
    ("Washington, D.C.", ("Washington, D.C.", "Estados Unidos")),
    ("Washington, D.C., Estados Unidos de América", ("Washington, D.C.", "Estados Unidos")),
    ("San José, Costa Rica", ("San José", "Costa Rica")),
    ("Ciudad de Guatemala", ("Ciudad de Guatemala", "Guatemala")),
    ("Guatemala, Guatemala", ("Ciudad de Guatemala", "Guatemala")),
    ("Guatemala, 10 de mayo de 2005", ("Ciudad de Guatemala", "Guatemala")),
    ("México, D.F.", ("Ciudad de México", "México")),
    ("México, D.F., 5 de junio de 2009", ("Ciudad de México", "México")),
    ("Tegucigalpa, M.D.C., Honduras", ("Tegucigalpa", "Honduras")),
    ("Santo Domingo, República Dominicana", ("Santo Domingo", "República Dominicana")),
    ("Ottawa, Canada", ("Ottawa", "Canadá")),
    ("Ottawa, Canada, November 24-25, 2014", ("Ottawa", "Canadá")),
    ("Panama City, Panama", ("Ciudad de Panamá", "Panamá")),
    ("Antigua Guatemala, Guatemala", ("Antigua Guatemala", "Guatemala")),
    ("San Pedro Sula, 12 de marzo de 2009", ("San Pedro Sula", "Honduras")),
    ("Villa Nueva, Guatemala", ("Villa Nueva", "Guatemala")),  # unknown city, country written
    ("Honduras, 6 de mayo de 2008", (None, "Honduras")),
    ("Washington D.C., 7 y 8 de abril de 2016", ("Washington, D.C.", "Estados Unidos")),
    ("Washington, DC", ("Washington, D.C.", "Estados Unidos")),
    ("México, D. F.", ("Ciudad de México", "México")),
    ("Ciudad de Guatemala, Guatemala, 15 de mayo de 2013", ("Ciudad de Guatemala", "Guatemala")),
    ("Lugar y fecha: Managua, Nicaragua, 24 de noviembre de 2014", ("Managua", "Nicaragua")),
    ("Tegucigalpa, Honduras, C.A.", ("Tegucigalpa", "Honduras")),
    ("XVIII Conferencia Regional sobre Migración, Ciudad de Panamá, 23 y 24 de junio de 2013", ("Ciudad de Panamá", "Panamá")),
    (
        "Regional Conference on Migration — Report of the Regional Consultation Group on Migration, Ottawa, Canada, November 24-25, 2014",
        ("Ottawa", "Canadá"),
    ),
]

NOT_PLACES = [
    "CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)",
    "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)",
    "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE",
    "Belice, Canadá, Costa Rica, El Salvador",  # a list of countries is not a place
    "24 de noviembre de 2014",
    "Villa Nueva",  # unknown city on its own: no country, and not even sure it is a place
    "DECLARACIÓN DE SAN JOSÉ",
    "",
]


@pytest.mark.parametrize(("line", "expected"), LINES)
def test_place_in_header_line(line: str, expected: tuple[str | None, str | None]) -> None:
    assert place_in_line(line) == expected


@pytest.mark.parametrize("line", NOT_PLACES)
def test_no_place_in_header_line(line: str) -> None:
    assert place_in_line(line) is None


PROSE = [
    ("en reunión celebrada el 24 de noviembre de 2014 en Managua, Nicaragua, con la participación de", ("Managua", "Nicaragua")),
    ("reunidos en la Ciudad de Panamá los días 23 y 24 de junio", ("Ciudad de Panamá", "Panamá")),
    ("reunidos en la ciudad de Panamá", ("Ciudad de Panamá", "Panamá")),
    ("celebrada en Antigua Guatemala", ("Antigua Guatemala", "Guatemala")),
    ("held in Ottawa, Canada, on November 24-25, 2014", ("Ottawa", "Canadá")),
    ("met in Washington, D.C. on", ("Washington, D.C.", "Estados Unidos")),
    ("se reunió en la ciudad de Tela, Honduras", ("Tela", "Honduras")),
    ("celebrada en Roatán el 3 de marzo", ("Roatán", "Honduras")),
    ("celebrada en Puerto Barrios, el 3 de marzo", ("Puerto Barrios", None)),  # unknown city after a meeting verb
    ("celebrada en Honduras", (None, "Honduras")),
    ("celebrada en Guatemala", (None, "Guatemala")),  # in prose a lone country is the country
]

NO_PROSE_PLACE = [
    "La Red de Funcionarios de Enlace en Protección Consular acordó",
    "con la participación de los representantes de Belice, Canadá y México",
    "se reunió en el Hotel Intercontinental",
    "celebrada en noviembre de 2014",
    "trabajar en Materia de Trata",
]


@pytest.mark.parametrize(("text", "expected"), PROSE)
def test_place_in_prose(text: str, expected: tuple[str | None, str | None]) -> None:
    assert place_in_prose(text) == expected


@pytest.mark.parametrize("text", NO_PROSE_PLACE)
def test_no_place_in_prose(text: str) -> None:
    assert place_in_prose(text) is None


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Ñandú ÁÉÍÓÚ", "nandu aeiou"), ("1° de junio", "1° de junio"), ("1º", "1o"), ("a—b", "a-b"), ("D.C.", "d.c.")],
)
def test_fold_for_matching(text: str, folded: str) -> None:
    assert fold_for_matching(text) == folded


@given(st.text(max_size=200))
def test_folding_keeps_offsets(text: str) -> None:
    assert len(fold_for_matching(text)) == len(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_folding_agrees_with_the_index_folding(text: str) -> None:
    # Wherever the index's fold maps each character to one character, both folds must be identical.
    if all(len(fold(ch)) == 1 for ch in text):
        assert fold_for_matching(text) == fold(text)


@pytest.mark.parametrize("text", ["Secretaría Técnica", "MIGRACIÓN", "niñez", "Países Miembros", "Cancún, México", "1º"])
def test_folding_agrees_with_the_index_folding_on_report_words(text: str) -> None:
    assert fold_for_matching(text) == fold(text)


# "City, Country" as written: the pairs that state a venue's country (else it is inferred from venues.json).
WRITTEN_PLACES = [
    ("se celebró en Santo Domingo, República Dominicana, el 12 de marzo de 2015", [("Santo Domingo", "República Dominicana")]),
    ("SANTO DOMINGO, REPÚBLICA DOMINICANA", [("Santo Domingo", "República Dominicana")]),
    ("reunidos en Tegucigalpa, M.D.C., Honduras, los días", [("Tegucigalpa", "Honduras")]),
    ("held in Ottawa, Canada, on November 24-25, 2014", [("Ottawa", "Canadá")]),
    ("Washington, D.C., United States, January 26, 2000", [("Washington, D.C.", "Estados Unidos")]),
    ("en Tela y La Ceiba, Honduras", [("La Ceiba", "Honduras")]),
    ("San José, Costa Rica, 3 de mayo; Managua, Nicaragua", [("San José", "Costa Rica"), ("Managua", "Nicaragua")]),
    ("Santo Domingo, 12 de marzo de 2015", []),  # the city alone
    ("reunidos en Managua, con la participación de Belice, Nicaragua y Panamá", []),  # a list is no place
    ("con la participación de Belice, Canadá, México", []),
    ("Honduras, Nicaragua", []),
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN_PLACES)
def test_written_places(text: str, expected: list[tuple[str, str]]) -> None:
    assert written_places(text) == expected


@given(st.text(max_size=200))
def test_place_readers_never_raise(text: str) -> None:
    for place in (place_in_line(text), place_in_prose(text)):
        assert place is None or len(place) == 2
    assert all(len(p) == 2 for p in written_places(text))


def test_venue_data_file_schema_and_unique_spellings() -> None:
    import json

    from ingest.places import COUNTRIES, VENUES_FILE, _venue_key, load_venues

    raw = json.loads(VENUES_FILE.read_text(encoding="utf-8"))
    assert set(raw) == {"about", "venues"}
    seen: dict[str, str] = {}
    for item in raw["venues"]:
        assert set(item) <= {"city", "country", "aliases"} and item["country"] in COUNTRIES, item
        for spelling in (item["city"], *item.get("aliases", ())):
            assert seen.setdefault(_venue_key(spelling), item["city"]) == item["city"], spelling
    assert len(load_venues()) == len(raw["venues"])


def test_a_malformed_venue_file_is_refused(tmp_path) -> None:
    import json

    import pytest

    from ingest.places import load_venues

    bad = tmp_path / "venues.json"
    bad.write_text(json.dumps({"venues": [{"city": "Atlantis", "country": "nowhere"}]}))
    with pytest.raises(ValueError, match="Atlantis"):
        load_venues(bad)
