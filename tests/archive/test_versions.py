"""Language versions and format copies, decided from real ingests (txt, and .docx/.pdf made with python-docx
and reportlab) into a tmp archive: what is linked, what is not, and how the links reach export and the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.archive import Archive
from archive.models import Meeting, Report
from archive.versions import KINDS_FILE, document_kind, link_versions, load_document_kinds
from tests.conftest import export, ingested_into, run_cli
from tests.fixtures_docs import text_to_docx, text_to_pdf

SPANISH = """CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)
CONCLUSIONES DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN
Tegucigalpa, Honduras, 12 y 13 de junio de 2013

El Grupo Regional de Consulta sobre Migración, reunido en Tegucigalpa con la participación de Belice, Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, acordó lo siguiente:

1. Agradecer al Gobierno de Honduras por la organización de la reunión y a la OIM por su apoyo técnico.

2. Sobre la trata de personas:
a. Solicitar a la Secretaría Técnica que compile las 12 leyes nacionales antes del 30 de agosto de 2013.
b. Instar a los países a fortalecer la protección consular de los migrantes.

3. Aprobar el plan de trabajo 2013-2014 de la Red Regional de Organizaciones Civiles para las Migraciones (RROCM) y del ACNUR sobre niñez migrante no acompañada.

4. Encargar a la Presidencia Pro Tempore la preparación de un informe sobre el retorno de 350 migrantes tras el huracán.
"""

ENGLISH = """REGIONAL CONFERENCE ON MIGRATION (RCM)
CONCLUSIONS OF THE MEETING OF THE REGIONAL CONSULTATION GROUP ON MIGRATION
Tegucigalpa, Honduras, June 12-13, 2013

The Regional Consultation Group on Migration, meeting in Tegucigalpa with the participation of Belize, Canada, Costa Rica, El Salvador, the United States, Guatemala, Honduras, Mexico, Nicaragua, Panama and the Dominican Republic, agreed as follows:

1. To thank the Government of Honduras for organizing the meeting and the IOM for its technical support.

2. On trafficking in persons:
a. To request the Technical Secretariat to compile the 12 national laws by August 30, 2013.
b. To urge the countries to strengthen the consular protection of migrants.

3. To approve the 2013-2014 work plan of the Regional Network of Civil Organizations for Migration (RNCOM) and of UNHCR on unaccompanied migrant children.

4. To entrust the Pro Tempore Presidency with preparing a report on the return of 350 migrants after the hurricane.
"""

# The same week, another document: a network's report.
NETWORK_SAME_WEEK = """REGIONAL CONFERENCE ON MIGRATION (RCM)
REPORT OF THE MEETING OF THE LIAISON OFFICERS NETWORK ON CONSULAR PROTECTION
Tegucigalpa, Honduras, June 11, 2013

The Liaison Officers Network on Consular Protection, meeting in Tegucigalpa, agreed:

1. To thank the Government of Honduras for hosting the meeting.

2. To ask the Technical Secretariat to update the directory of consulates before September 2013.

3. To review the Regional Guidelines on Consular Protection at its next meeting.
"""

# The same meeting and body: the extraordinary declaration adopted beside the conclusions.
EXTRAORDINARY = SPANISH.replace("CONCLUSIONES DE LA REUNIÓN", "DECLARACIÓN EXTRAORDINARIA DE LA REUNIÓN")


def ingest(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    return ingested_into(data, folder)


def links_by_source(data: Path) -> dict[str, tuple[list[str], list[str]]]:
    reports = export(data)["reports"]
    source = {r["id"]: r["source"] for r in reports}
    return {r["source"]: (sorted(source[i] for i in r["versions"]), sorted(source[i] for i in r["same_as"]))
            for r in reports}


def test_a_spanish_english_pair_is_linked_both_ways_and_a_same_week_document_is_not(tmp_path):
    data = ingest(tmp_path, {"gr-es.txt": SPANISH, "gr-en.txt": ENGLISH, "red-en.txt": NETWORK_SAME_WEEK})
    assert links_by_source(data) == {
        "gr-es.txt": (["gr-en.txt"], []),
        "gr-en.txt": (["gr-es.txt"], []),
        "red-en.txt": ([], []),
    }


def test_a_declaration_and_the_extraordinary_one_of_the_same_meeting_are_different_documents(tmp_path):
    data = ingest(tmp_path, {"gr-es.txt": SPANISH, "extra-es.txt": EXTRAORDINARY, "gr-en.txt": ENGLISH})
    links = links_by_source(data)
    assert links["gr-en.txt"] == (["gr-es.txt"], [])
    assert links["extra-es.txt"] == ([], [])


def test_an_undated_version_is_linked_by_its_content(tmp_path):
    undated = "\n".join(line for line in ENGLISH.splitlines() if "2013" not in line or "laws" in line or "plan" in line)
    assert "June 12-13" not in undated
    data = ingest(tmp_path, {"gr-es.txt": SPANISH, "gr-en-undated.txt": undated, "red-en.txt": NETWORK_SAME_WEEK})
    reports = {r["source"]: r for r in export(data)["reports"]}
    assert reports["gr-en-undated.txt"]["date"] is None
    links = links_by_source(data)
    assert links["gr-es.txt"] == (["gr-en-undated.txt"], [])
    assert links["red-en.txt"] == ([], [])


def test_the_docx_and_the_pdf_of_one_text_are_the_same_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_to_docx(SPANISH, folder / "gr-es.docx")
    text_to_pdf(SPANISH, folder / "gr-es.pdf")
    (folder / "gr-en.txt").write_text(ENGLISH, encoding="utf-8")
    text_to_pdf(NETWORK_SAME_WEEK, folder / "red-en.pdf")
    data = tmp_path / "data"
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    assert links_by_source(data) == {
        "gr-es.docx": (["gr-en.txt"], ["gr-es.pdf"]),
        "gr-es.pdf": (["gr-en.txt"], ["gr-es.docx"]),
        "gr-en.txt": (["gr-es.docx", "gr-es.pdf"], []),
        "red-en.pdf": ([], []),
    }
    # the human views say it too
    code, out, _ = run_cli(data, "show", next(r["id"] for r in export(data)["reports"] if r["source"] == "gr-es.pdf"))
    assert code == 0 and "same as" in out


def test_matching_agreements_follow_aligned_structures(tmp_path):
    data = ingest(tmp_path, {"gr-es.txt": SPANISH, "gr-en.txt": ENGLISH})
    with Archive(data) as archive:
        ids = {r.source: r.id for r in archive.reports(texts=False)}
        ((other, label),) = archive.matching_agreements(ids["gr-es.txt"], "2.a")
        assert other.id == ids["gr-en.txt"] and label == "2.a"
        assert "Technical Secretariat" in other.agreement(label).text
        links = archive.version_links()
        assert archive.version_links() is links  # cached while the catalog does not change



def test_version_links_follow_a_report_another_process_adds(tmp_path):
    data = ingest(tmp_path, {"gr-es.txt": SPANISH})
    with Archive(data) as archive:
        (spanish,) = [r.id for r in archive.reports(texts=False)]
        assert archive.version_links().versions_of(spanish) == ()
        english = tmp_path / "later" / "gr-en.txt"
        english.parent.mkdir()
        english.write_text(ENGLISH, encoding="utf-8")
        code, out, err = run_cli(data, "ingest", str(english))
        assert code == 0, out + err
        # the catalog's change sequence moved: the links are computed again, with the new version
        (other,) = archive.version_links().versions_of(spanish)
        assert archive.report(other).source == "gr-en.txt"


def test_the_listing_of_reports_follows_the_catalog_and_is_the_callers_own(tmp_path):
    data = ingest(tmp_path, {"gr-es.txt": SPANISH})
    with Archive(data) as archive:
        listed = archive.reports(texts=False)
        assert [r.source for r in listed] == ["gr-es.txt"] and listed[0].agreements
        listed.clear()  # a caller's list: the kept listing is not changed
        assert len(archive.reports(texts=False)) == 1
        english = tmp_path / "later" / "gr-en.txt"
        english.parent.mkdir()
        english.write_text(ENGLISH, encoding="utf-8")
        code, out, err = run_cli(data, "ingest", str(english))  # another process
        assert code == 0, out + err
        assert sorted(r.source for r in archive.reports(texts=False)) == ["gr-en.txt", "gr-es.txt"]
        assert archive.reports(texts=False) == archive.catalog.reports(texts=False)


def test_document_kinds_data_file_and_reading_a_title():
    raw = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    assert set(raw) == {"about", "kinds", "modifiers"}
    for entry in raw["kinds"] + raw["modifiers"]:
        assert set(entry) == {"key", "es", "en"} and entry["es"] and entry["en"]
    load_document_kinds()

    def kind(title: str) -> str | None:
        return document_kind(Report("x", "x.txt", "0" * 64, "txt", "es", Meeting(title=title)))

    assert kind("DECLARACIÓN DE LA XIX REUNIÓN VICEMINISTERIAL") == kind("Declaration of the XIX Meeting") == "declaration"
    assert kind("Declaración Extraordinaria") == kind("Special Declaration") == "declaration+extraordinary"
    assert kind("Informe de la reunión") == kind("Report of the meeting") == "report"
    assert kind("Conclusiones") == "conclusions"


def test_link_versions_without_reports_is_empty():
    assert link_versions([]).versions == {} and link_versions([]).same_as == {}


@pytest.mark.parametrize("api_path", ["/api/reports", "/api/reports/{id}"])
def test_the_api_carries_versions_and_same_as(tmp_path, api_path):
    from tests.conftest import open_app

    data = ingest(tmp_path, {"gr-es.txt": SPANISH, "gr-en.txt": ENGLISH})
    with open_app(data) as app:
        client = app.test_client()
        reports = client.get("/api/reports").get_json()["reports"]
        spanish = next(r for r in reports if r["source"] == "gr-es.txt")
        english = next(r for r in reports if r["source"] == "gr-en.txt")
        body = client.get(api_path.format(id=spanish["id"])).get_json()
        record = body if "id" in body else next(r for r in body["reports"] if r["id"] == spanish["id"])
        assert record["versions"] == [english["id"]] and record["same_as"] == []
