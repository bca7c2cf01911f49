"""The research pages in a real Chromium (through Playwright) against `crm-archive serve`, with screenshots.

Screenshots of /compromisos, /participacion and a country page at desktop width and at 375 px go to
test-output/screenshots/ (research-*.png) for a person to look at.
"""

from __future__ import annotations

import pytest

from .conftest import MANAGUA_ID, TELA_ID
from .test_browser import browser_context, page, shot  # noqa: F401  (fixtures shared with the UI tests; server is in conftest)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_commitments_page_filters_and_links_to_the_agreement(server: str, page: object) -> None:
    page.goto(server + "/compromisos")
    shot(page, "research-01-commitments")
    rows = page.locator("li.commitment")
    assert rows.count() == 4
    dues = rows.locator("time").all_inner_texts()
    assert dues == ["27 de febrero de 2015", "27 de febrero de 2015", "31 de marzo de 2015", "30 de abril de 2015"]
    assert "24 al 30 de abril de 2015" in rows.nth(3).inner_text()
    assert "Países Miembros" in rows.nth(0).inner_text() and "Secretaría Técnica" in rows.nth(2).inner_text()
    page.get_by_label("Quién debe actuar").select_option("secretaria_tecnica")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**/compromisos?actor=secretaria_tecnica*")
    assert page.locator("li.commitment").count() == 1
    page.locator("a.commitment-link").click()
    page.wait_for_url(f"**/r/{MANAGUA_ID}/4.b")
    assert "31 de marzo de 2015" in page.locator("blockquote").inner_text()


def test_commitments_in_english_and_the_calendar_link(server: str, page: object) -> None:
    page.goto(server + "/compromisos?lang=en")
    assert page.locator("h1").inner_text() == "Commitments and deadlines"
    assert page.locator("li.commitment time").first.inner_text() == "February 27, 2015"
    assert "Member States" in page.locator("li.commitment").first.inner_text()
    href = page.get_by_role("link", name="Calendar (iCalendar)").get_attribute("href")
    assert href.startswith("/compromisos.ics")
    shot(page, "research-02-commitments-en")
    page.goto(server + "/reuniones?lang=es")  # the cookie back to Spanish for the other tests


def test_participation_matrix(server: str, page: object) -> None:
    page.goto(server + "/participacion")
    shot(page, "research-03-participation")
    headers = page.locator("table.matrix thead th.country-col").all_inner_texts()
    assert len(headers) == 11 and "Belice" in headers and "República Dominicana" in headers
    rows = page.locator("table.matrix tbody tr:not(.year-row)")
    assert rows.count() == 2
    tela, managua = rows.nth(0), rows.nth(1)
    assert "Tela" in tela.locator("th").inner_text() and "Managua" in managua.locator("th").inner_text()
    assert tela.locator("td.total-col").inner_text() == "10" and managua.locator("td.total-col").inner_text() == "11"
    belize = headers.index("Belice")
    assert tela.locator("td.cell").nth(belize).get_attribute("class") == "cell absent"
    assert managua.locator("td.cell").nth(belize).get_attribute("class") == "cell participant"
    page.goto(server + "/participacion?lang=en")
    headers = page.locator("table.matrix thead th.country-col").all_inner_texts()
    assert "Belize" in headers and "Dominican Republic" in headers
    shot(page, "research-04-participation-en")
    page.goto(server + "/reuniones?lang=es")


def test_country_page_from_the_matrix(server: str, page: object) -> None:
    page.goto(server + "/participacion")
    page.locator("th.country-col a", has_text="Belice").click()
    page.wait_for_url("**/pais/belice")
    assert page.locator("h1").inner_text() == "Belice"
    items = page.locator("li.country-meeting")
    assert items.count() == 2
    assert "ausente o sin dato" in items.nth(0).inner_text() and "participó" in items.nth(1).inner_text()
    shot(page, "research-05-country-belice")
    page.goto(server + "/pais/nicaragua")
    assert "sede" in page.locator("li.country-meeting").nth(1).inner_text()


def test_citation_downloads_from_the_agreement_page(server: str, page: object) -> None:
    page.goto(f"{server}/r/{TELA_ID}/3")
    links = page.locator("p.citation-downloads a")
    assert links.all_inner_texts() == ["CSL-JSON", "BibTeX", "RIS", "Texto"]
    with page.expect_download() as info:
        links.nth(1).click()
    assert info.value.suggested_filename == f"crm-{TELA_ID}-3.bib"
    assert "consultado el" in page.locator("pre.cite-block").inner_text()


def test_phone_width(server: str, browser_context: object) -> None:
    phone = browser_context.new_page()  # type: ignore[attr-defined]
    try:
        phone.set_viewport_size({"width": 375, "height": 812})
        for url, name in [("/compromisos", "research-06-phone-commitments"),
                          ("/participacion", "research-07-phone-participation"),
                          ("/pais/belice", "research-08-phone-country")]:
            phone.goto(server + url)
            # Only the matrix scrolls sideways, inside its own box; the page itself never does.
            assert phone.evaluate("document.documentElement.scrollWidth") <= 375, url
            shot(phone, name)
    finally:
        phone.close()
