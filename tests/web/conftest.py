"""Fixtures for the web tests: an app over corpus/ ingested by the real CLI, and helpers to read its HTML."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.backends import catalog_of, data_args
from tests.conftest import ROOT, ingested_into, open_app
from web import create_app
from web.views import close_shared_archive

MANAGUA_ID = "000_cf50010547db6d03"
TELA_ID = "003_5b39909ca16edb25"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(ingested_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`crm-archive --data DIR serve` on a free port, stopped at the end of the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [sys.executable, "-c", "from archive.cli import cli; cli()", *data_args(ingested_data), "serve",
               "--host", "127.0.0.1", "--port", str(port), "--threads", "4"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"crm-archive serve did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def app(ingested_data: Path) -> Iterator[Flask]:
    with open_app(ingested_data) as app:
        yield app


@pytest.fixture
def make_client(ingested_data: Path) -> Iterator[Callable[..., FlaskClient]]:
    """A client of an app with extra config over the ingested corpus, closed after the test."""
    apps: list[Flask] = []

    def make(**config: object) -> FlaskClient:
        app = create_app({"DATA_DIR": str(ingested_data), "CATALOG": catalog_of(ingested_data), "TESTING": True,
                          **config})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        close_shared_archive(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive whose only report carries markup in its text, to prove the UI escapes it."""
    folder = tmp_path_factory.mktemp("hostile-src")
    (folder / "hostile.txt").write_text(
        "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n\n"
        "San José, Costa Rica\n12 de marzo de 2010\n\n"
        "El Grupo Regional de Consulta sobre Migración acordó lo siguiente:\n\n"
        "1. Tomar nota del informe <script>alert('xss')</script> sobre migrantes y <b>niñez</b> no acompañada.\n\n"
        "2. Agradecer a la Secretaría Técnica \"comillas\" & ampersand por el apoyo logístico de la reunión.\n",
        encoding="utf-8",
    )
    data = tmp_path_factory.mktemp("hostile") / "data"
    return ingested_into(data, folder)


@pytest.fixture
def hostile_client(hostile_data: Path) -> Iterator[FlaskClient]:
    with open_app(hostile_data) as app:
        yield app.test_client()


class PageParser(HTMLParser):
    """Collects what the structural checks need: tags with attributes, headings, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "svg":
            self.svg_depth += 1
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.svg_depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def plain_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser
