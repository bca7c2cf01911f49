"""Web hardening: escaped document text and queries, strict headers, originals by id only, size limits,
read-only methods. Over an archive holding a report whose text, title AND file name carry markup."""

from __future__ import annotations

import http.client
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import MANAGUA, ingested_into, open_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
HOSTILE_NAME = '"><img src=x onerror=alert(3)>.txt'
# Raw tags only: the same words escaped (&lt;img src=x onerror=...&gt;) are harmless text.
RAW_MARKUP = re.compile(r"<script>alert|<img src=x|<iframe", re.I)

HOSTILE_TEXT = f"""CONFERENCIA REGIONAL SOBRE MIGRACIÓN
INFORME DE LA REUNIÓN {SCRIPT} DEL GRUPO REGIONAL {IMG} DE CONSULTA SOBRE MIGRACIÓN

San José, Costa Rica
12 de marzo de 2010

El Grupo Regional de Consulta sobre Migración, en reunión celebrada en San José, acordó lo siguiente:

1. Tomar nota del informe {SCRIPT} sobre migrantes y niñez no acompañada.

2. Agradecer a la Secretaría Técnica {IMG} por el apoyo logístico de la reunión.

a. Solicitar a la ST <iframe src=javascript:alert(4)></iframe> un informe &amp; un plan.

3. La Secretaría Técnica enviará el informe {SCRIPT} a más tardar el 30 de abril de 2010 {IMG}.
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-src")
    (folder / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    shutil.copy(MANAGUA, folder / MANAGUA.name)
    data = tmp_path_factory.mktemp("hostile") / "data"
    return ingested_into(data, folder)


@pytest.fixture(scope="module")
def app(data: Path) -> Iterator[Flask]:
    with open_app(data) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def hostile_id(app: Flask) -> str:
    reports = app.test_client().get("/api/reports").get_json()["reports"]
    return next(r["id"] for r in reports if r["source"] == HOSTILE_NAME)


def _pages(hostile_id: str) -> list[str]:
    return [
        "/", "/buscar?q=informe", "/buscar?q=script", "/buscar?q=onerror", "/buscar?q=alert",
        "/buscar?q=" + quote(SCRIPT), "/buscar?q=" + quote(IMG), "/buscar?q=migrantes&idioma=es",
        "/reuniones", "/reuniones?anio=" + quote(IMG), f"/r/{hostile_id}", f"/r/{hostile_id}/1",
        f"/r/{hostile_id}/2", f"/r/{hostile_id}/2.a", f"/r/{hostile_id}/preamble", "/anos?q=" + quote(SCRIPT),
        "/timeline?q=informe", "/r/" + quote(SCRIPT, safe=""), f"/r/{hostile_id}/" + quote(IMG, safe=""),
        "/buscar?q=informe&lang=en", "/buscar?organo=" + quote(SCRIPT) + "&pais=" + quote(IMG),
        # the research pages: the hostile report's commitment (point 3) and its country, hostile filters
        "/compromisos", "/compromisos?lang=en", "/compromisos?actor=" + quote(SCRIPT) + "&anio=" + quote(IMG)
        + "&antes=" + quote(IMG) + "&estado=" + quote(SCRIPT) + "&organo=" + quote(IMG),
        "/participacion", "/participacion?organo=" + quote(SCRIPT) + "&desde=" + quote(IMG), "/pais/costa_rica",
        "/pais/" + quote(SCRIPT, safe=""), f"/r/{hostile_id}/" + quote(IMG, safe="") + "/cita.bib",
        f"/r/{hostile_id}/cita." + quote(SCRIPT, safe=""),
    ]


def test_document_text_title_name_and_queries_are_escaped_everywhere(client: FlaskClient, hostile_id: str) -> None:
    for url in _pages(hostile_id):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        body = response.get_data(as_text=True)
        assert not RAW_MARKUP.search(body), f"{url}: {RAW_MARKUP.search(body).group(0)!r} unescaped"


def test_the_hostile_report_is_shown_with_its_markup_as_text(client: FlaskClient, hostile_id: str) -> None:
    body = client.get(f"/r/{hostile_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    hits = client.get("/buscar?q=onerror").get_data(as_text=True)
    assert "onerror" in hits and "&lt;img" in hits


def test_the_json_api_carries_the_text_verbatim_as_json(client: FlaskClient, hostile_id: str) -> None:
    response = client.get(f"/api/reports/{hostile_id}")
    assert response.mimetype == "application/json"
    report = response.get_json()
    assert report["source"] == HOSTILE_NAME
    assert SCRIPT in report["agreements"][1]["text"]


@pytest.mark.parametrize("path", ["/", "/buscar?q=trata", "/reuniones", "/no-such-page", "/api/search?q=trata",
                                  "/api/reports/nope", "/static/style.css", "/buscar.csv?q=trata"])
def test_security_headers_on_every_kind_of_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in directives.get("script-src", "") and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    response.close()


def test_an_original_is_served_by_id_with_a_safe_content_disposition(client: FlaskClient, hostile_id: str,
                                                                     data: Path) -> None:
    response = client.get(f"/r/{hostile_id}/original")
    assert response.status_code == 200
    assert response.get_data() == HOSTILE_TEXT.encode("utf-8")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    plain = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert not set(plain) & set('"\\/;\r\n')
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2  # the quotes of the file name cannot break out of the header value
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize("path", [
    "/r/../original", "/r/..%2F..%2F..%2Fetc%2Fpasswd/original", "/r/%2e%2e/original", "/r/%2Fetc%2Fpasswd/original",
    "/r//etc/passwd/original", "/r/..%252F..%252Fetc%252Fpasswd/original", "/r/catalog.sqlite3/original",
    "/r/%00/original", "/r/..\\..\\etc\\passwd/original", "/r/originals/original",
    "/static/../catalog.sqlite3", "/static/..%2F..%2Farchive%2Fcli.py", "/static/%2Fetc%2Fpasswd",
    "/r/000_cf50010547db6d03/original/../../../../etc/passwd",
])
def test_no_path_from_the_request_reaches_the_file_system(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    body = response.get_data()
    assert response.status_code in (404, 400, 308, 301), (path, response.status_code)
    assert b"root:" not in body and b"SQLite format" not in body and b"import click" not in body
    response.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/buscar", "/api/search", "/r/x/original", "/static/style.css", "/nope"])
def test_the_app_is_read_only(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, data=b"q=x")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_a_large_request_body_is_refused_not_read(client: FlaskClient) -> None:
    response = client.post("/buscar", data=b"x" * (5 * 1024 * 1024), content_type="application/octet-stream")
    assert response.status_code in (405, 413)
    response = client.get("/buscar?q=trata", data=b"x" * (5 * 1024 * 1024), content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 413)


# -- the real server (waitress) enforces request size limits too --------------------------------------------


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[tuple[str, int]]:
    import waitress

    served = waitress.create_server(app, host="127.0.0.1", port=0, threads=2, ident="crm-archive",
                                    max_request_header_size=64 * 1024, max_request_body_size=1024 * 1024)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield "127.0.0.1", served.effective_port
    served.close()
    thread.join(5)


def _raw(server: tuple[str, int], request: bytes) -> bytes:
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.connect()
    try:
        conn.sock.sendall(request)
        chunks = []
        while chunk := conn.sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        conn.close()
    return b"".join(chunks)


def test_server_refuses_oversized_headers_and_bodies(server: tuple[str, int]) -> None:
    huge_url = b"GET /buscar?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = _raw(server, huge_url)
    assert answer.split(b" ", 2)[1] in (b"431", b"400", b"414"), answer[:200]
    big_body = (b"POST /buscar HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5000000\r\n\r\n"
                + b"x" * 100_000)
    answer = _raw(server, big_body)
    assert answer.split(b" ", 2)[1] in (b"413", b"405"), answer[:200]
    ok = _raw(server, b"GET /buscar?q=trata HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200")


def test_the_hostile_commitment_is_listed_with_its_markup_as_text(client: FlaskClient, hostile_id: str) -> None:
    body = client.get("/compromisos?actor=secretaria_tecnica").get_data(as_text=True)
    assert f'href="/r/{hostile_id}/3"' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body


@pytest.mark.parametrize("suffix", ["cita.bib", "cita.ris", "cita.csl.json", "cita.txt", "3/cita.bib", "3/cita.txt"])
def test_citation_downloads_are_never_html(client: FlaskClient, hostile_id: str, suffix: str) -> None:
    """The hostile title is in the citation as written; served as a download of its own type, never as a page."""
    response = client.get(f"/r/{hostile_id}/{suffix}")
    assert response.status_code == 200
    assert not response.mimetype.startswith("text/html")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/compromisos.csv", "/compromisos.ics", "/participacion.csv", "/api/commitments",
                                  "/api/participation", "/api/countries/costa_rica"])
def test_research_data_is_never_html(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and not response.mimetype.startswith("text/html")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
