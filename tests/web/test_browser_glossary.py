"""A real Chromium against `crm-archive serve` over a bilingual archive: the glossary page, an entity search
with its "también" line and the literal search, and the translate checkbox kept in the URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.test_browser import browser_context, page, shot  # noqa: F401  (fixtures; server is in conftest)
from tests.web.test_glossary_and_versions import bilingual_data
from web.i18n import translate

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
TRANSLATE = translate("es", "translate_checkbox")  # the checkbox's label


@pytest.fixture(scope="module")
def ingested_data(bilingual_data: Path) -> Iterator[Path]:  # the server fixture serves this archive
    yield bilingual_data



def test_glossary_page_to_an_entity_search_and_its_literal_form(server: str, page: object) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="Glosario").click()
    page.wait_for_url("**/glosario")
    assert page.locator("h1").inner_text() == "Glosario de la CRM"
    assert page.locator("section.glossary-kind").count() == 6
    entry = page.locator("dt#e-rrocm + dd")
    assert "RNCOM" in entry.inner_text()
    shot(page, "20-glossary")

    entry.locator("p.mentions a").first.click()
    page.wait_for_url("**/buscar?q=RROCM")
    expansions = page.locator("div.expansions").inner_text()
    assert "También:" in expansions and "RNCOM" in expansions
    assert page.locator("span.lang-badge").filter(has_text="inglés").count() >= 1
    shot(page, "21-search-entity-expanded")
    everything = page.locator("#results-heading").inner_text()

    page.locator("a.literal").click()
    page.wait_for_load_state()
    assert page.locator("div.expansions").count() == 0
    assert page.locator("#results-heading").inner_text() != everything


def test_translate_checkbox_kept_in_the_url(server: str, page: object) -> None:
    page.goto(server + "/")
    page.get_by_label("Buscar en los acuerdos").fill("trata de personas")
    page.get_by_label(TRANSLATE).check()
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_url("**traducir=1*")
    assert page.get_by_label(TRANSLATE).is_checked()
    assert "trafficking in persons" in page.locator("div.expansions").inner_text()
    english = page.locator("li.hit").filter(has_text="trafficking in persons")
    assert english.count() >= 1 and "inglés" in english.first.inner_text()
    shot(page, "22-search-translated")
    # a facet link keeps the choice
    page.locator("aside.facets a").first.click()
    page.wait_for_load_state()
    assert "traducir=1" in page.url and page.get_by_label(TRANSLATE).is_checked()


def test_english_version_link_on_the_report_page(server: str, page: object) -> None:
    page.goto(server + "/reuniones")
    page.locator("a.meeting-link", has_text="Grupo Regional de Consulta").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Versión en inglés").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"  # the UI stays Spanish...
    assert "Technical Secretariat" in page.locator("section.agreements").inner_text()  # ...the report is English
    shot(page, "23-english-version")
