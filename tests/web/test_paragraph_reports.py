"""Reports that number nothing, in the UI and the API: paragraph units with anchors and permalinks, a
display title for every report (the meetings page shows no "—"), country_inferred in the export."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.backends import Backend
from tests.conftest import ingested_into, open_app, run_cli

from .conftest import parse_page

MESSY = Path(__file__).resolve().parents[1] / "ingest" / "messy"
UNTITLED = (
    "Managua, Nicaragua\n24 de noviembre de 2014\n\n"
    "Los Viceministros de Belice, Canadá y México, reunidos en Managua el 24 de noviembre de 2014, acordaron:\n\n"
    "Aprobar el informe del GRCM.\n\nInstar a los países a intercambiar información.\n\nAgradecer a Nicaragua.\n"
)


@pytest.fixture(scope="module")
def paragraph_data(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Path:
    folder = tmp_path_factory.mktemp("paragraph-src")
    for name in ("synthetic-grcm-conclusions-bullets", "synthetic-joint-communique-en", "synthetic-flattened-glued-two-cities-en"):
        shutil.copy(MESSY / f"{name}.txt", folder / f"{name}.txt")
    (folder / "sin-titulo.txt").write_text(UNTITLED, encoding="utf-8")
    data = backend.new_archive(tmp_path_factory.mktemp(f"paragraph-{backend.name}") / "data")
    return ingested_into(data, folder)


@pytest.fixture(scope="module")
def pclient(paragraph_data: Path) -> Iterator[FlaskClient]:
    with open_app(paragraph_data) as app:
        yield app.test_client()


def test_export_has_display_title_and_country_inferred(paragraph_data: Path) -> None:
    code, out, _ = run_cli(paragraph_data, "export", "--json")
    assert code == 0
    reports = {r["source"]: r for r in json.loads(out)["reports"]}
    untitled = reports["sin-titulo.txt"]
    assert untitled["title"] is None
    assert untitled["display_title"] == "Reunión Viceministerial — Managua, 2014"
    communique = reports["synthetic-joint-communique-en.txt"]
    assert communique["country_inferred"] is True and communique["country"] == "Estados Unidos"
    assert [a["label"] for a in reports["synthetic-grcm-conclusions-bullets.txt"]["agreements"]][:4] == ["preamble", "p1", "p1-1", "p1-2"]
    assert all(r["display_title"] for r in reports.values())


def test_meetings_page_shows_a_title_for_every_report(pclient: FlaskClient) -> None:
    html = pclient.get("/reuniones").get_data(as_text=True)
    links = re.findall(r'<a class="meeting-link"[^>]*>([^<]*)</a>', html)
    assert len(links) == 4
    assert all(text.strip() and text.strip() != "—" for text in links), links
    assert "Reunión Viceministerial — Managua, 2014" in links
    # GRCM conclusions: 3 headings over 5 bullets, a heading and a paragraph: the headings that only head a
    # list are not agreements (p1, p2 are not counted; p1-1..p1-3, p2-1, p2-2, p3, p4 are).
    assert "7 acuerdos" in html


def test_report_page_has_paragraph_units_with_anchors_and_permalinks(pclient: FlaskClient) -> None:
    report_id = "synthetic-grcm-conclusions-bullets"
    html = pclient.get(f"/r/{report_id}").get_data(as_text=True)
    page = parse_page(html)
    for label in ("p1", "p1-1", "p1-3", "p2-2", "p4"):
        assert page.find("li", id=f"a-{label}"), label
        assert f'href="/r/{report_id}/{label}"' in html, label
    agreement = pclient.get(f"/r/{report_id}/p1-2")
    assert agreement.status_code == 200
    text = parse_page(agreement.get_data(as_text=True)).plain_text
    assert "Elaborar un módulo de capacitación" in text and "párrafo 1-2" in text


def test_api_report_carries_display_title(pclient: FlaskClient) -> None:
    data = pclient.get("/api/reports/sin-titulo").get_json()
    assert data["display_title"] == "Reunión Viceministerial — Managua, 2014"
    assert data["country_inferred"] is False


def test_glued_words_are_found_and_highlighted_inside_the_glued_token(pclient: FlaskClient) -> None:
    data = pclient.get("/api/search?q=attended").get_json()
    hits = [h for h in data["hits"] if h["report_id"] == "synthetic-flattened-glued-two-cities-en"]
    assert hits, data
    assert "Canada<mark>attended</mark>" in hits[0]["snippet"] or "<mark>attended</mark>" in hits[0]["snippet"]
    tela = pclient.get("/api/search?q=Tela").get_json()
    assert any("<mark>Tela</mark>" in h["snippet"] for h in tela["hits"]), tela["hits"]
