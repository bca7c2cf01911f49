"""A real Chromium (Debian's, through Playwright) against the app served by waitress (`crm-archive serve`).

These tests must run, not skip: a missing browser is a failure with a clear message. Screenshots go to
test-output/screenshots/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import data_args
from tests.conftest import ROOT

from .conftest import MANAGUA_ID, TELA_ID

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


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


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, locale="es-ES", java_script_enabled=False)
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context: object) -> Iterator[object]:
    page = browser_context.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    page.close()
    # A CSP violation or a missing asset shows up as a console error.
    assert not errors, errors


def shot(page: object, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


def test_search_rrocm_then_follow_the_2008_hit(server: str, page: object) -> None:
    page.goto(server + "/")
    shot(page, "01-home")
    page.get_by_label("Buscar en los acuerdos").fill("rrocm")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_url("**/buscar?q=rrocm*")
    groups = page.locator("section.meeting-group")
    assert groups.count() == 2
    assert "2 acuerdos encontrados" in page.locator("#results-heading").inner_text()
    meta = " ".join(groups.locator("h3 .when").all_inner_texts())
    assert "2008" in meta and "2014" in meta
    bars = page.locator("svg.bar-chart a.bar")
    assert bars.count() == 2
    assert page.locator("svg.bar-chart a.bar rect").first.bounding_box()["height"] > 10
    shot(page, "02-search-rrocm")

    tela = groups.filter(has_text="2008")
    tela.locator("a.hit-label").first.click()
    page.wait_for_url(f"**/r/{TELA_ID}/3")
    assert page.locator("h1").inner_text().lower() == "acuerdo 3"
    assert "Red Regional de Organizaciones Civiles" in page.locator("blockquote").inner_text()
    assert "6 de mayo de 2008, acuerdo 3" in page.locator("pre.cite-block").inner_text()
    assert page.locator("section.precedents").is_visible()
    shot(page, "03-agreement-tela-3")

    page.get_by_role("link", name="Ver el informe completo").click()
    page.wait_for_url(f"**/r/{TELA_ID}#a-3")
    assert page.locator("#a-3").is_visible()
    assert page.locator("dl.facts").is_visible()
    shot(page, "04-report-tela")


def test_precedents_lead_to_the_earlier_meeting(server: str, page: object) -> None:
    page.goto(f"{server}/r/{MANAGUA_ID}/5")
    precedents = page.locator("section.precedents ol a")
    assert precedents.count() >= 1
    page.locator(f"section.precedents a[href='/r/{TELA_ID}/3']").click()
    page.wait_for_url(f"**/r/{TELA_ID}/3")
    shot(page, "05-precedent-followed")


def test_switch_to_english(server: str, page: object) -> None:
    page.goto(server + "/buscar?q=rrocm")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("a.lang-switch").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "2 agreements found" in page.locator("#results-heading").inner_text()
    assert "November 24, 2014" in page.locator("main").inner_text()
    shot(page, "06-search-english")
    # The cookie remembers the choice on a bare URL; switch back so the other tests see Spanish.
    page.goto(server + "/reuniones")
    assert page.locator("h1").inner_text() == "Meetings"
    page.locator("a.lang-switch").click()
    assert page.locator("h1").inner_text() == "Reuniones"


def test_hostile_query_shows_a_message(server: str, page: object) -> None:
    page.goto(server + "/")
    page.get_by_label("Buscar en los acuerdos").fill('"((')
    page.get_by_label("Buscar en los acuerdos").press("Enter")
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "No se pudo entender la búsqueda" in alert.inner_text()
    shot(page, "07-hostile-query")


def test_keyboard_skip_link_and_focus(server: str, page: object) -> None:
    page.goto(server + "/buscar?q=trata")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0  # it slides into view when focused
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"


def test_phone_width(server: str, browser_context: object) -> None:
    page = browser_context.new_page()  # type: ignore[attr-defined]
    try:
        page.set_viewport_size({"width": 375, "height": 812})
        for url, name in [("/buscar?q=trata", "08-phone-search"), (f"/r/{MANAGUA_ID}/2.d", "09-phone-agreement"),
                          (f"/r/{MANAGUA_ID}", "10-phone-report"), ("/anos?q=trata", "11-phone-timeline")]:
            page.goto(server + url)
            # Nothing wider than the screen: no sideways scrolling of the page itself.
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
            shot(page, name)
            shot(page, name + "-top", full_page=False)
    finally:
        page.close()


def test_timeline_page(server: str, page: object) -> None:
    page.goto(server + "/anos?q=rrocm")
    assert page.locator("svg.bar-chart a.bar").count() == 2
    assert page.locator("table.data-table tbody a").count() == 2  # years without matches are rows without links
    shot(page, "12-timeline")
    page.locator("table.data-table a").first.click()
    page.wait_for_url("**/buscar?q=rrocm&desde=2008&hasta=2008")
    assert "1 acuerdo encontrado" in page.locator("#results-heading").inner_text()


def test_meetings_filter_form_works_without_javascript(server: str, page: object) -> None:
    page.goto(server + "/reuniones")
    shot(page, "13-meetings")
    page.get_by_label("Año").select_option("2008")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**/reuniones?anio=2008*")
    links = page.locator("a.meeting-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert f"/r/{TELA_ID}" in hrefs and f"/r/{MANAGUA_ID}" not in hrefs
