"""Scanned reports in the UI: agreements read by OCR are marked and link the image of their page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TELA, export, open_app, run_cli
from tests.scans import scan, write_scanned_pdf


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("scans")
    write_scanned_pdf(scan(TELA.read_text(encoding="utf-8")), folder / "tela-escaneado.pdf")
    (folder / TELA.name).write_bytes(TELA.read_bytes())
    data = tmp_path_factory.mktemp("ocr-web") / "data"
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    with open_app(data) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _report_id(app: Flask, source: str) -> str:
    reports = export(Path(app.config["DATA_DIR"]))["reports"]
    return next(r["id"] for r in reports if r["source"] == source)


def test_ocr_agreements_are_marked_and_link_their_page_image(app: Flask, client: FlaskClient) -> None:
    report_id = _report_id(app, "tela-escaneado.pdf")
    page = client.get(f"/r/{report_id}").get_data(as_text=True)
    assert "texto obtenido por OCR" in page
    assert f'href="/r/{report_id}/pagina/1"' in page
    agreement = client.get(f"/r/{report_id}/3").get_data(as_text=True)
    assert "texto obtenido por OCR" in agreement and f"/r/{report_id}/pagina/1" in agreement
    english = client.get(f"/r/{report_id}?lang=en").get_data(as_text=True)
    assert "text obtained by OCR" in english


def test_text_reports_are_not_marked(app: Flask, client: FlaskClient) -> None:
    report_id = _report_id(app, TELA.name)
    page = client.get(f"/r/{report_id}").get_data(as_text=True)
    assert "texto obtenido por OCR" not in page and "/pagina/" not in page


def test_page_image_is_a_png_served_by_id_and_page_number(app: Flask, client: FlaskClient) -> None:
    report_id = _report_id(app, "tela-escaneado.pdf")
    response = client.get(f"/r/{report_id}/pagina/1")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get(f"/r/{report_id}/pagina/99").status_code == 404
    assert client.get(f"/r/{report_id}/pagina/0").status_code == 404
    assert client.get(f"/r/{_report_id(app, TELA.name)}/pagina/1").status_code == 404  # a .txt has no pages
    assert client.get("/r/no-such-report/pagina/1").status_code == 404
