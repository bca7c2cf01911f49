"""What a reader sees in the language they chose, over a small real archive: a Spanish report of a meeting
in Mexico and an English RCM report of a meeting in Costa Rica, ingested by the CLI.

Country names are the glossary's in the UI language wherever the page names a country on its own account
(the host in a place line, the host-country facet and chips, the participants of a report written in the
other language); a report's own language is shown as the report writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import ingested_into, open_app

from .conftest import parse_page

MEXICO_2015 = """CONFERENCIA REGIONAL SOBRE MIGRACIÓN

INFORME DE LA XX REUNIÓN VICEMINISTERIAL DE LA CONFERENCIA REGIONAL SOBRE MIGRACIÓN

Ciudad de México, México
25 y 26 de junio de 2015

Los Viceministros y Jefes de Delegación de la Conferencia Regional sobre Migración, reunidos en la Ciudad de \
México los días 25 y 26 de junio de 2015, con la participación de Belice, Canadá, Costa Rica, El Salvador, \
Estados Unidos de América, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, acordaron:

1. Aprobar el informe del Grupo Regional de Consulta sobre Migración y los acuerdos en él contenidos.

2. Respecto a la niñez no acompañada, instar a los Países Miembros a fortalecer los mecanismos de protección \
consular y de retorno.

3. Agradecer a la RROCM su presentación sobre la situación de las personas migrantes en tránsito.
"""

SAN_JOSE_2016_EN = """REGIONAL CONFERENCE ON MIGRATION (RCM)

REPORT OF THE MEETING OF THE LIAISON OFFICERS NETWORK TO COMBAT MIGRANT SMUGGLING AND TRAFFICKING IN PERSONS

San José, Costa Rica
November 15, 2016

The Liaison Officers Network to Combat Migrant Smuggling and Trafficking in Persons of the RCM Member \
Countries, at the meeting held on November 15, 2016 in San José, Costa Rica, with the participation of \
representatives of Belize, Canada, Costa Rica, El Salvador, Guatemala, Honduras, Mexico, Nicaragua, Panama, \
the Dominican Republic and the United States of America, presents its report in the following points:

1. Request the Member Countries to send the Technical Secretariat their protocols for the return of \
unaccompanied children no later than March 31, 2017.

2. Thank the Regional Network of Civil Organizations for Migration (RNCOM) for its presentation on the \
identification of victims of trafficking in persons.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("ui-language-src")
    (folder / "mexico-2015.txt").write_text(MEXICO_2015, encoding="utf-8")
    (folder / "san-jose-2016-en.txt").write_text(SAN_JOSE_2016_EN, encoding="utf-8")
    data = ingested_into(tmp_path_factory.mktemp("ui-language") / "data", folder)
    with open_app(data) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def ids(client: FlaskClient) -> dict[str, str]:
    return {r["source"]: r["id"] for r in client.get("/api/reports").get_json()["reports"]}


def text_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse_page(response.get_data(as_text=True)).plain_text


def between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_participants_of_a_spanish_report_in_english_are_the_glossarys_english_names(client, ids):
    text = text_of(client, f"/r/{ids['mexico-2015.txt']}?lang=en")
    countries = between(text, "Participating countries", "File")
    for name in ("Belize", "Canada", "United States", "Mexico", "Panama", "Dominican Republic"):
        assert name in countries, (name, countries)
    for name in ("Belice", "Canadá", "Estados Unidos de América", "México", "Panamá", "República Dominicana"):
        assert name not in countries, (name, countries)


def test_participants_of_an_english_report_in_spanish_are_the_glossarys_spanish_names(client, ids):
    text = text_of(client, f"/r/{ids['san-jose-2016-en.txt']}?lang=es")
    countries = between(text, "Países participantes", "Archivo")
    for name in ("Belice", "Canadá", "México", "Panamá", "República Dominicana", "Estados Unidos"):
        assert name in countries, (name, countries)
    assert "Mexico" not in countries and "the Dominican Republic" not in countries


def test_a_report_in_the_ui_language_keeps_its_names_as_written(client, ids):
    es = between(text_of(client, f"/r/{ids['mexico-2015.txt']}?lang=es"), "Países participantes", "Archivo")
    assert "Estados Unidos de América" in es and "República Dominicana" in es
    en = between(text_of(client, f"/r/{ids['san-jose-2016-en.txt']}?lang=en"), "Participating countries", "File")
    assert "the Dominican Republic" in en and "United States of America" in en


def test_host_country_facet_chip_and_place_line_in_english(client, ids):
    response = client.get("/buscar?q=rrocm&lang=en")
    page = parse_page(response.get_data(as_text=True))
    facet_links = {a["href"]: a for a in page.find("a") if "pais=" in (a.get("href") or "")}
    assert facet_links, "no host-country facet"
    facets = between(page.plain_text, "Host country", "Document language")
    assert "Mexico" in facets and "México" not in facets, facets
    # The facet still filters by the catalog's value, and the chip names the country in English.
    chosen = text_of(client, "/buscar?q=rrocm&pais=M%C3%A9xico&lang=en")
    assert "Host country: Mexico" in chosen and "1 agreement found" in chosen
    typed = text_of(client, "/buscar?q=rrocm+pais:mexico&lang=en")
    assert "Host country: Mexico" in typed
    # In Spanish the catalog's Spanish name is the name.
    assert "País sede: México" in text_of(client, "/buscar?q=rrocm&pais=M%C3%A9xico&lang=es")


def test_place_line_names_the_host_in_english_without_repeating_a_city_that_names_it(client, ids):
    text = text_of(client, f"/r/{ids['san-jose-2016-en.txt']}?lang=en")
    assert "San José, Costa Rica" in text
    mexico = text_of(client, f"/r/{ids['mexico-2015.txt']}?lang=en")
    # "Ciudad de México" already names the country: no "Ciudad de México, Mexico".
    assert "Ciudad de México, Mexico" not in mexico and "Place Ciudad de México Date" in mexico


def test_ninez_no_acompanada_with_translate_finds_the_english_report(client, ids):
    """The commonest Spanish wording, without "migrante", is a thesaurus term: translate finds the English
    report's "unaccompanied children" in the API and on the page alike."""
    answer = client.get("/api/search?q=ni%C3%B1ez+no+acompa%C3%B1ada&translate=1").get_json()
    found = {(h["report_id"], h["label"]) for h in answer["hits"]}
    assert (ids["san-jose-2016-en.txt"], "1") in found and (ids["mexico-2015.txt"], "2") in found
    added = {a["form"] for e in answer["expansions"] for a in e["also"]}
    assert "unaccompanied children" in added
    page = text_of(client, "/buscar?q=ni%C3%B1ez+no+acompa%C3%B1ada&traducir=1&lang=en")
    assert f"{answer['total']} agreements found" in page and "unaccompanied children" in page
    # Without translate, only the Spanish wording, and the page says what translating would add.
    plain = client.get("/api/search?q=ni%C3%B1ez+no+acompa%C3%B1ada").get_json()
    assert {h["report_id"] for h in plain["hits"]} == {ids["mexico-2015.txt"]}


def test_a_search_groups_heading_shows_the_meetings_dates_as_the_report_page_does(client, ids):
    """A two-day meeting is "25 y 26 de junio de 2015" on its report page, the meetings list and the
    search results alike (a hit carries only the first day)."""
    for lang, dates in (("es", "25 y 26 de junio de 2015"), ("en", "June 25–26, 2015")):
        report = text_of(client, f"/r/{ids['mexico-2015.txt']}?lang={lang}")
        assert dates in report
        page = parse_page(client.get(f"/buscar?q=rrocm&lang={lang}").get_data(as_text=True))
        assert f"Ciudad de México · {dates}" in page.plain_text, page.plain_text
        # A one-day meeting stays one day.
        one_day = "15 de noviembre de 2016" if lang == "es" else "November 15, 2016"
        assert f"San José, Costa Rica · {one_day}" in page.plain_text
