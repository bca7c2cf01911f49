"""Compression (gzip for HTML, JSON, CSV, CSS) and fingerprinted static files cached for a year."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from web import create_app
from web.delivery import STATIC_MAX_AGE, accepts_gzip, fingerprint
from web.views import close_shared_archive

from .conftest import MANAGUA_ID

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def get(client: FlaskClient, url: str, headers: dict | None = None):
    """GET, with the body read and the response closed (a static file is an open file until then)."""
    with client.get(url, headers=headers or {}) as response:
        response.get_data()
        return response


def stylesheet_url(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.mark.parametrize("url, mimetype", [
    ("/buscar?q=trata", "text/html"),
    ("/api/search?q=trata", "application/json"),
    ("/api/search.csv?q=trata", "text/csv"),
    (f"/r/{MANAGUA_ID}", "text/html"),
    ("/api/openapi.json", "application/json"),
])
def test_text_responses_are_gzipped_when_accepted(client: FlaskClient, url: str, mimetype: str) -> None:
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert plain.mimetype == packed.mimetype == mimetype
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2


def test_the_stylesheet_is_gzipped_too(client: FlaskClient) -> None:
    url = stylesheet_url(client)
    packed = get(client, url, GZIP)
    assert packed.mimetype == "text/css" and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == get(client, url).data


@pytest.mark.parametrize("header", [None, "identity", "gzip;q=0", "br", "*;q=0", "deflate, gzip;q=0"])
def test_no_gzip_unless_the_client_accepts_it(client: FlaskClient, header: str | None) -> None:
    response = client.get("/buscar?q=trata", headers={"Accept-Encoding": header} if header else {})
    assert "Content-Encoding" not in response.headers
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("header, expected", [
    ("gzip", True), ("GZIP", True), ("x-gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False),
    ("gzip;q=0.0, *", False), ("*;q=0", False), ("identity", False), ("", False), (None, False), ("gzip;q=abc", False),
    ("deflate;q=1, *;q=0.1", True),
])
def test_accept_encoding_is_read_with_its_q_values(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_originals_are_sent_byte_for_byte(client: FlaskClient) -> None:
    response = get(client, f"/r/{MANAGUA_ID}/original", GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_fingerprinted_static_files_are_immutable_for_a_year(client: FlaskClient, app) -> None:
    url = stylesheet_url(client)
    css = Path(app.static_folder) / "style.css"
    assert url == f"/static/style.css?v={fingerprint(css)}"
    response = get(client, url)
    assert response.status_code == 200
    control = response.cache_control
    assert control.public and control.immutable and control.max_age == STATIC_MAX_AGE == 365 * 24 * 3600
    # The same file by its bare URL, or by a fingerprint that is not its content's, is revalidated.
    for stale in ("/static/style.css", "/static/style.css?v=000000000000"):
        control = get(client, stale).cache_control
        assert control.no_cache and not control.immutable, stale


def test_the_url_changes_when_the_content_does(ingested_data: Path, tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(ingested_data), "TESTING": True})
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    try:
        client = app.test_client()
        before = stylesheet_url(client)
        (static / "style.css").write_text((static / "style.css").read_text() + "\n/* changed */\n")
        after = stylesheet_url(client)
        assert before != after and after == f"/static/style.css?v={fingerprint(static / 'style.css')}"
        assert get(client, after).cache_control.immutable
        assert not get(client, before).cache_control.immutable  # the old URL now names stale bytes
    finally:
        close_shared_archive(app)
