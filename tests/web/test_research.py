"""Research pages and API over the ingested corpus: commitments, participation, countries, citations.

Every format the app emits here is read back by a real parser: csv, icalendar, bibtexparser, rispy, and
citeproc-py rendering the CSL-JSON in a standard style.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import icalendar
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from flask.testing import FlaskClient

from tests.conftest import run_cli

from .conftest import MANAGUA_ID, TELA_ID, parse_page

TODAY = "2015-03-15"  # between the Managua deadlines: two overdue, two pending


@pytest.fixture
def research(make_client: Callable[..., FlaskClient]) -> FlaskClient:
    return make_client(TODAY=TODAY)


def cli_json(data: Path, *args: str) -> dict:
    code, out, err = run_cli(data, *args, "--json")
    assert code == 0, err
    return json.loads(out)


# -- commitments ---------------------------------------------------------------------------------------


def test_api_commitments_are_the_cli_s(research: FlaskClient, ingested_data: Path) -> None:
    api = research.get("/api/commitments").get_json()
    assert api["today"] == TODAY and api["total"] == 4
    assert [(c["label"], c["due"], c["status"], c["actors"]) for c in api["commitments"]] == [
        ("2.a", "2015-02-27", "overdue", ["paises_miembros"]), ("4", "2015-02-27", "overdue", ["paises_miembros"]),
        ("4.b", "2015-03-31", "pending", ["secretaria_tecnica"]), ("4.b", "2015-04-30", "pending", ["paises_miembros"])]
    assert api["commitments"][3]["due_window"] == ["2015-04-24", "2015-04-30"]
    assert api["commitments"][0]["url"] == f"http://localhost/r/{MANAGUA_ID}/2.a"
    cli = cli_json(ingested_data, "commitments")
    strip = lambda items: [{k: v for k, v in c.items() if k not in ("url", "status")} for c in items]  # noqa: E731
    assert strip(cli["commitments"]) == strip(api["commitments"])


@pytest.mark.parametrize(("query", "labels"), [
    ("actor=secretaria_tecnica", ["4.b"]),
    ("status=overdue", ["2.a", "4"]),
    ("status=pending&actor=paises_miembros", ["4.b"]),
    ("due_after=2015-03-01&due_before=2015-03-31", ["4.b"]),
    ("year=2008", []),
    ("body=red_trafico_trata&year=2014", ["2.a", "4", "4.b", "4.b"]),
])
def test_api_commitment_filters(research: FlaskClient, query: str, labels: list[str]) -> None:
    data = research.get("/api/commitments?" + query).get_json()
    assert [c["label"] for c in data["commitments"]] == labels


@pytest.mark.parametrize("query", ["status=late", "year=abc", "due_before=2015-13-01", "due_after=yesterday",
                                   "actor=nobody", "actor=" + "x" * 500])
def test_api_commitment_filters_refuse_bad_values(research: FlaskClient, query: str) -> None:
    response = research.get("/api/commitments?" + query)
    assert response.status_code == 400 and response.get_json()["error"]


def test_commitments_page_lists_filters_and_links(research: FlaskClient) -> None:
    page = parse_page(research.get("/compromisos").get_data(as_text=True))
    assert "4 compromisos" in page.plain_text and "Estado al 15 de marzo de 2015" in page.plain_text
    links = [a["href"] for a in page.find("a", **{"class": "commitment-link"})]
    assert links == [f"/r/{MANAGUA_ID}/2.a", f"/r/{MANAGUA_ID}/4", f"/r/{MANAGUA_ID}/4.b", f"/r/{MANAGUA_ID}/4.b"]
    overdue = parse_page(research.get("/compromisos?estado=vencidos").get_data(as_text=True))
    assert "2 compromisos" in overdue.plain_text and "vencido" in overdue.plain_text
    assert overdue.find("a", href="/compromisos.ics?estado=vencidos")
    english = parse_page(research.get("/compromisos?lang=en&actor=secretaria_tecnica").get_data(as_text=True))
    assert "1 commitment" in english.plain_text and "Technical Secretariat" in english.plain_text
    assert "March 31, 2015" in english.plain_text


def test_the_report_page_lists_its_commitments(research: FlaskClient) -> None:
    page = parse_page(research.get(f"/r/{MANAGUA_ID}?lang=es").get_data(as_text=True))
    assert "Compromisos de esta reunión" in page.plain_text
    assert "31 de marzo de 2015 · Secretaría Técnica" in page.plain_text
    assert page.find("a", href="/pais/belice")  # participants lead to their country page
    tela = parse_page(research.get(f"/r/{TELA_ID}?lang=es").get_data(as_text=True))
    assert "Compromisos de esta reunión" not in tela.plain_text


def test_the_agreement_page_shows_the_deadlines_it_sets(research: FlaskClient) -> None:
    page = parse_page(research.get(f"/r/{MANAGUA_ID}/4.b?lang=es").get_data(as_text=True))
    assert "Plazos que fija este acuerdo" in page.plain_text
    assert "31 de marzo de 2015 · Secretaría Técnica" in page.plain_text
    assert "30 de abril de 2015 (periodo: 24 al 30 de abril de 2015) · Países Miembros" in page.plain_text
    assert "Plazos que fija" not in parse_page(research.get(f"/r/{MANAGUA_ID}/4.a?lang=es").get_data(as_text=True)).plain_text


def test_a_bad_filter_on_the_page_is_a_message_not_an_error(research: FlaskClient) -> None:
    response = research.get("/compromisos?anio=abc&antes=2015-02-30&estado=%3Cb%3E")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "«abc»" in body and "«2015-02-30»" in body and "&lt;b&gt;" in body and "<b>" not in body
    assert "4 compromisos" in parse_page(body).plain_text  # the bad values were ignored, not applied


def test_commitments_csv(research: FlaskClient) -> None:
    response = research.get("/compromisos.csv?actor=paises_miembros")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["due"], r["label"], r["status"], r["actors"]) for r in rows] == [
        ("2015-02-27", "2.a", "overdue", "paises_miembros"), ("2015-02-27", "4", "overdue", "paises_miembros"),
        ("2015-04-30", "4.b", "pending", "paises_miembros")]
    assert rows[2]["window_first"] == "2015-04-24" and rows[0]["actor_names"] == "Países Miembros"
    assert rows[0]["url"] == f"http://localhost/r/{MANAGUA_ID}/2.a" and rows[0]["meeting_date"] == "2014-11-24"
    assert research.get("/compromisos.csv?anio=x").status_code == 400


def test_icalendar_feed(research: FlaskClient) -> None:
    response = research.get("/compromisos.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.get_data(as_text=True)
    calendar = icalendar.Calendar.from_ical(text)
    todos = list(calendar.walk("VTODO"))
    assert [t["DUE"].dt.isoformat() for t in todos] == ["2015-02-27", "2015-02-27", "2015-03-31", "2015-04-30"]
    assert [str(t["URL"]) for t in todos] == [f"http://localhost/r/{MANAGUA_ID}/{label}" for label in ("2.a", "4", "4.b", "4.b")]
    assert todos[3]["DTSTART"].dt.isoformat() == "2015-04-24"
    assert str(todos[0]["SUMMARY"]).startswith("Países Miembros: Instar a los Países Miembros")
    uids = [str(t["UID"]) for t in todos]
    assert len(set(uids)) == 4
    again = icalendar.Calendar.from_ical(research.get("/compromisos.ics").get_data(as_text=True))
    assert [str(t["UID"]) for t in again.walk("VTODO")] == uids  # stable: a subscribed calendar updates in place
    only_st = icalendar.Calendar.from_ical(research.get("/compromisos.ics?actor=secretaria_tecnica").get_data())
    assert [str(t["UID"]) for t in only_st.walk("VTODO")] == [uids[2]]


# -- participation and countries --------------------------------------------------------------------------


def test_api_participation_is_the_cli_s(research: FlaskClient, ingested_data: Path) -> None:
    api = research.get("/api/participation").get_json()
    assert api["filters"] == {"body": None, "year_from": None, "year_to": None}
    assert {k: v for k, v in api.items() if k != "filters"} == cli_json(ingested_data, "participation")
    meetings = {m["report_id"]: m for m in api["meetings"]}
    assert meetings[MANAGUA_ID]["attended"] == 11 and meetings[TELA_ID]["attended"] == 10
    assert meetings[TELA_ID]["cells"]["belice"] == "absent"
    names = {c["key"]: (c["name_es"], c["name_en"]) for c in api["countries"]}
    assert names["estados_unidos"] == ("Estados Unidos", "United States") and len(names) == 11
    assert research.get("/api/participation?year_from=2009").get_json()["meetings"][0]["report_id"] == MANAGUA_ID
    assert research.get("/api/participation?year_from=abc").status_code == 400


def test_participation_page_and_csv(research: FlaskClient) -> None:
    page = parse_page(research.get("/participacion").get_data(as_text=True))
    assert page.find("a", href="/pais/belice") and page.find("td", **{"class": "cell absent", "title": "Belice: ausente o sin dato"})
    english = research.get("/participacion?lang=en").get_data(as_text=True)
    assert "Belize" in english and "Dominican Republic" in english and "absent or unknown" in english
    rows = list(csv.DictReader(io.StringIO(research.get("/participacion.csv").get_data(as_text=True))))
    assert [(r["city"], r["attended"], r["belice"], r["honduras"]) for r in rows] == [
        ("Tela", "10", "absent", "host"), ("Managua", "11", "participant", "participant")]
    filtered = parse_page(research.get("/participacion?organo=grcm&lang=es").get_data(as_text=True))
    assert "No hay reuniones con estos filtros." in filtered.plain_text


def test_country_page_and_api(research: FlaskClient) -> None:
    page = parse_page(research.get("/pais/belice").get_data(as_text=True))
    assert "Belice" in page.plain_text and "Belize" in page.plain_text and "Estado miembro de la CRM" in page.plain_text
    assert "sede de 0, participante en 1, observador en 0" in page.plain_text
    data = research.get("/api/countries/nicaragua").get_json()
    assert data["name_en"] == "Nicaragua" and data["member"] is True
    assert [(m["report_id"], m["status"]) for m in data["meetings"]] == [(TELA_ID, "participant"), (MANAGUA_ID, "host")]
    assert data["totals"]["attended"] == 2 and data["totals"]["meetings"] == 2
    for url in ("/pais/nope", "/pais/oim", "/pais/%3Cscript%3E"):
        assert research.get(url).status_code == 404
    assert research.get("/api/countries/oim").status_code == 404


# -- citations ----------------------------------------------------------------------------------------------


def test_agreement_page_links_every_citation_format(research: FlaskClient) -> None:
    page = parse_page(research.get(f"/r/{TELA_ID}/3").get_data(as_text=True))
    hrefs = [a["href"] for a in page.find("a", download="")] + [a["href"] for a in page.find("a", download=None)]
    for ext in ("csl.json", "bib", "ris", "txt"):
        assert f"/r/{TELA_ID}/3/cita.{ext}" in hrefs
    assert "consultado el 15 de marzo de 2015" in page.plain_text
    report = parse_page(research.get(f"/r/{TELA_ID}").get_data(as_text=True))
    assert "Cita del informe" in report.plain_text and any(
        a.get("href") == f"/r/{TELA_ID}/cita.ris" for _, a in report.tags)


def test_downloads_read_back_by_real_parsers(research: FlaskClient) -> None:
    bib = research.get(f"/r/{MANAGUA_ID}/2.a/cita.bib")
    assert bib.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert f'filename="crm-{MANAGUA_ID}-2.a.bib"' in bib.headers["Content-Disposition"]
    library = bibtexparser.parse_string(bib.get_data(as_text=True))
    assert not library.failed_blocks
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert fields["url"] == f"http://localhost/r/{MANAGUA_ID}/2.a" and fields["urldate"] == TODAY
    assert "acuerdo 2.a" in fields["title"] and fields["address"] == "Managua, Nicaragua"

    [record] = rispy.loads(research.get(f"/r/{MANAGUA_ID}/cita.ris").get_data(as_text=True))
    assert record["type_of_reference"] == "RPRT" and record["urls"] == [f"http://localhost/r/{MANAGUA_ID}"]
    assert record["date"] == "2014/11/24/" and record["access_date"] == "2015/03/15/"

    items = json.loads(research.get(f"/r/{MANAGUA_ID}/2.a/cita.csl.json?lang=en").get_data(as_text=True))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    rendered = str(bibliography.bibliography()[0])
    assert rendered.startswith("Regional Conference on Migration (2014) Liaison Officer Network")
    assert "agreement 2.a" in rendered and f"Available at: http://localhost/r/{MANAGUA_ID}/2.a" in rendered
    assert "Accessed: March 15, 2015" in rendered

    text = research.get(f"/r/{TELA_ID}/3/cita.txt?lang=es").get_data(as_text=True)
    assert "6 de mayo de 2008, acuerdo 3." in text and "(consultado el 15 de marzo de 2015)" in text


def test_citation_api_and_links_in_the_agreement_api(research: FlaskClient) -> None:
    data = research.get(f"/api/reports/{MANAGUA_ID}/agreements/4.b/citation").get_json()
    assert data["permalink"] == f"http://localhost/r/{MANAGUA_ID}/4.b" and data["accessed"] == TODAY
    assert data["csl"]["type"] == "report" and set(data["formats"]) == {"csl-json", "bibtex", "ris", "text"}
    assert research.get(data["formats"]["ris"].replace("http://localhost", "")).status_code == 200
    agreement = research.get(f"/api/reports/{MANAGUA_ID}/agreements/4.b").get_json()
    assert agreement["citations"] == data["formats"]
    assert research.get(f"/api/reports/{MANAGUA_ID}/citation").get_json()["label"] is None
    for url in (f"/api/reports/{MANAGUA_ID}/agreements/99/citation", "/api/reports/nope/citation"):
        assert research.get(url).status_code == 404
    for url in (f"/r/{MANAGUA_ID}/cita.exe", f"/r/{MANAGUA_ID}/99/cita.bib", "/r/nope/cita.bib"):
        assert research.get(url).status_code == 404


def test_openapi_describes_the_research_parameters(research: FlaskClient) -> None:
    spec = research.get("/api/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/commitments"]["get"]["parameters"]}
    assert names == {"actor", "year", "status", "due_after", "due_before", "body"}
    listed = research.get("/api/commitments").get_json()["commitments"][0]
    commitment = spec["components"]["schemas"]["Commitment"]["properties"]
    extra = spec["components"]["schemas"]["ListedCommitment"]["allOf"][1]["properties"]
    assert set(listed) == set(commitment) | set(extra)


def test_commitments_page_pages_through_a_long_list(make_client: Callable[..., FlaskClient]) -> None:
    client = make_client(TODAY=TODAY, COMMITMENTS_PER_PAGE=3)
    first = parse_page(client.get("/compromisos?lang=es").get_data(as_text=True))
    assert len(first.find("a", **{"class": "commitment-link"})) == 3 and "Página 1 de 2" in first.plain_text
    assert first.find("a", rel="next", href="/compromisos?pagina=2")
    second = parse_page(client.get("/compromisos?pagina=2&lang=es").get_data(as_text=True))
    assert [a["href"] for a in second.find("a", **{"class": "commitment-link"})] == [f"/r/{MANAGUA_ID}/4.b"]
    beyond = client.get("/compromisos?pagina=9&lang=es").get_data(as_text=True)
    assert "La página 9 no existe" in beyond
