"""The glossary page and API, entity expansion and translation in the UI and the API, and the links between
language versions -- over a real archive: corpus/ plus a synthetic Spanish/English pair, ingested by the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient

from tests.archive.test_versions import ENGLISH, NETWORK_SAME_WEEK, SPANISH
from tests.conftest import CORPUS, ingested_into, open_app, run_cli

from .conftest import parse_page


@pytest.fixture(scope="module")
def bilingual_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bilingual-src")
    for seed in CORPUS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    (folder / "gr-es.txt").write_text(SPANISH, encoding="utf-8")
    (folder / "gr-en.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "red-en.txt").write_text(NETWORK_SAME_WEEK, encoding="utf-8")
    data = tmp_path_factory.mktemp("bilingual") / "data"
    return ingested_into(data, folder)


@pytest.fixture(scope="module")
def client(bilingual_data: Path) -> Iterator[FlaskClient]:
    with open_app(bilingual_data) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def ids(client: FlaskClient) -> dict[str, str]:
    return {r["source"]: r["id"] for r in client.get("/api/reports").get_json()["reports"]}


def html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- the glossary -------------------------------------------------------------------------------------


def test_glossary_page_lists_entities_by_kind_with_mentions_linking_to_search_and_timeline(client):
    page = parse_page(html(client, "/glosario"))
    text = page.plain_text
    for heading in ("Órganos de la CRM", "Organizaciones", "Programas e iniciativas", "Funciones", "Países", "Instrumentos"):
        assert heading in text
    assert "Red Regional de Organizaciones Civiles para las Migraciones · Regional Network of Civil Organizations" in text
    hrefs = [a.get("href") or "" for a in page.find("a")]
    assert "/buscar?q=RROCM" in hrefs and "/timeline?q=RROCM" in hrefs
    years = [h for h in hrefs if h.startswith("/buscar?q=RROCM&")]
    assert {parse_qs(urlparse(h).query)["desde"][0] for h in years} == {"2008", "2013", "2014"}
    assert page.find("a", href="/glosario", **{"aria-current": "page"})


def test_glossary_page_in_english(client):
    text = parse_page(html(client, "/glosario?lang=en")).plain_text
    assert "CRM glossary" in text and "RCM bodies" in text and "Instruments" in text
    assert "Regional Network of Civil Organizations for Migration · Red Regional de Organizaciones" in text
    client.get("/glosario?lang=es")  # back to Spanish for the other tests (the cookie remembers)


def test_api_glossary_follows_its_openapi_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    data = client.get("/api/glossary").get_json()
    assert "/api/glossary" in spec["paths"]
    assert data["total"] == len(data["entities"]) >= 60 and data["kinds"] == spec["components"]["schemas"][
        "GlossaryEntity"]["properties"]["kind"]["enum"]
    allowed = set(spec["components"]["schemas"]["GlossaryEntity"]["properties"])
    for entity in data["entities"]:
        assert set(entity) <= allowed and set(entity) >= set(spec["components"]["schemas"]["GlossaryEntity"]["required"])
    rrocm = next(e for e in data["entities"] if e["key"] == "rrocm")
    assert set(rrocm["mentions"]["by_year"]) == {"2008", "2013", "2014"} and rrocm["mentions"]["reports"] == 4


def test_cli_glossary_human_and_json(bilingual_data):
    code, out, _ = run_cli(bilingual_data, "glossary", "--kind", "organisation")
    assert code == 0 and "OIM, IOM" in out and "entities" in out.splitlines()[-1]
    code, out, _ = run_cli(bilingual_data, "glossary", "--json")
    assert code == 0
    data = json.loads(out)
    assert {e["key"] for e in data["entities"]} >= {"oim", "acnur", "protocolos_palermo", "crm", "proceso_puebla"}


# --- expansion and translation --------------------------------------------------------------------------


def test_search_says_what_it_expanded_and_offers_the_literal_form(client, ids):
    page = parse_page(html(client, "/buscar?q=RROCM"))
    text = page.plain_text
    assert "También: RNCOM , Red Regional de Organizaciones Civiles para las Migraciones" in text
    literal = page.find("a", **{"class": "literal"})[0]["href"]
    assert parse_qs(urlparse(literal).query)["q"] == ['"RROCM"']
    literal_page = parse_page(html(client, literal))
    assert "También:" not in literal_page.plain_text
    # The English report names the network only as RNCOM: found by RROCM, not by the literal form.
    api = client.get("/api/search?q=RROCM&per_page=100").get_json()
    assert ids["gr-en.txt"] in {h["report_id"] for h in api["hits"]}
    assert api["expansions"][0]["key"] == "rrocm" and api["expansions"][0]["literal"] == '"RROCM"'
    literal_api = client.get('/api/search?q="RROCM"&per_page=100').get_json()
    assert ids["gr-en.txt"] not in {h["report_id"] for h in literal_api["hits"]} and literal_api["expansions"] == []


def test_translate_checkbox_is_kept_in_the_url_and_finds_english(client, ids):
    plain = client.get("/api/search?q=trata%20de%20personas&per_page=100").get_json()
    assert plain["translate"] is False and plain["facets"]["language"] == {"es": plain["total"]}
    api = client.get("/api/search?q=trata%20de%20personas&translate=1&per_page=100").get_json()
    assert api["translate"] is True and api["facets"]["language"]["en"] >= 1
    assert api["expansions"][0]["kind"] == "concept"
    assert {"trafficking in persons", "human trafficking"} <= {a["form"] for a in api["expansions"][0]["also"]}
    assert any(h["report_id"] == ids["gr-en.txt"] and h["language"] == "en" for h in api["hits"])
    assert sum(api["by_year"].values()) == api["total"] > plain["total"]

    page = parse_page(html(client, "/buscar?q=trata+de+personas&traducir=1"))
    box = page.find("input", id="traducir")[0]
    assert "checked" in box and box["value"] == "1"
    facet_links = [a["href"] for a in page.find("a") if (a.get("href") or "").startswith("/buscar?") and "idioma=" in a["href"]]
    assert facet_links and all("traducir=1" in href for href in facet_links)
    assert "inglés" in [t.strip() for t in page.text]  # the English hit says its language
    untranslated = page.find("a", **{"class": "untranslated"})[0]["href"]
    assert "traducir" not in untranslated
    unchecked = parse_page(html(client, "/buscar?q=trata+de+personas"))
    assert "checked" not in unchecked.find("input", id="traducir")[0]

    timeline = client.get("/api/timeline?q=trata%20de%20personas&translate=1").get_json()
    assert timeline["translate"] is True
    assert sum(y["agreements"] for y in timeline["years"]) == api["total"]


# --- versions -------------------------------------------------------------------------------------------


def test_report_page_links_the_other_language_and_the_agreement_its_match(client, ids):
    spanish, english = ids["gr-es.txt"], ids["gr-en.txt"]
    page = parse_page(html(client, f"/r/{spanish}"))
    assert page.find("a", href=f"/r/{english}", rel="alternate", hreflang="en")
    assert "Versión en inglés" in page.plain_text
    back = parse_page(html(client, f"/r/{english}?lang=en"))
    assert back.find("a", href=f"/r/{spanish}?lang=en", rel="alternate", hreflang="es")
    assert "Spanish version" in back.plain_text
    client.get("/?lang=es")
    agreement = parse_page(html(client, f"/r/{spanish}/2.a"))
    assert agreement.find("a", href=f"/r/{english}/2.a", rel="alternate")
    assert "El mismo acuerdo en inglés: acuerdo 2.a" in agreement.plain_text
    network = parse_page(html(client, f"/r/{ids['red-en.txt']}"))
    assert not network.find("a", rel="alternate")


def test_meetings_and_search_show_a_documents_versions_once(client, ids):
    spanish, english = ids["gr-es.txt"], ids["gr-en.txt"]
    meetings = parse_page(html(client, "/reuniones"))
    listed = [a["href"] for a in meetings.find("a", **{"class": "meeting-link"})]
    assert f"/r/{spanish}" in listed and f"/r/{english}" not in listed  # Spanish heads the entry
    assert meetings.find("a", href=f"/r/{english}", hreflang="en")
    search = html(client, "/buscar?q=RNCOM")
    groups = search.count('class="meeting-group"')
    assert groups == 3  # 2008, 2014 and the 2013 document in two languages
    assert f'href="/r/{english}" hreflang="en"' in search or f'href="/r/{spanish}" hreflang="es"' in search


def test_timeline_page_honours_translate(client):
    plain = parse_page(html(client, "/anos?q=trata+de+personas"))
    translated = parse_page(html(client, "/anos?q=trata+de+personas&traducir=1"))
    assert "checked" in translated.find("input", id="traducir")[0]
    assert "checked" not in plain.find("input", id="traducir")[0]
    import re

    def total(page) -> int:
        return int(re.search(r"Total (\d+)", page.plain_text).group(1))

    assert total(translated) > total(plain)
    year_links = [a["href"] for a in translated.find("a") if "desde=2013" in (a.get("href") or "")]
    assert year_links and all("traducir=1" in href for href in year_links)


def test_cli_search_and_timeline_translate(bilingual_data, ids):
    code, out, _ = run_cli(bilingual_data, "search", "trata de personas", "--translate", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["translate"] is True and ids["gr-en.txt"] in {h["report_id"] for h in data["hits"]}
    code, out, _ = run_cli(bilingual_data, "search", "RROCM")
    assert code == 0 and "also: RNCOM" in out and "\"RROCM\"" in out
    code, out, _ = run_cli(bilingual_data, "search", "trata de personas", "--translate")
    assert code == 0 and "(en) 2. On trafficking in persons" in out
    code, out, _ = run_cli(bilingual_data, "timeline", "trata de personas", "--translate", "--json")
    plain_code, plain_out, _ = run_cli(bilingual_data, "timeline", "trata de personas", "--json")
    assert code == plain_code == 0
    assert json.loads(out)["total"] > json.loads(plain_out)["total"]
    code, out, _ = run_cli(bilingual_data, "show", ids["gr-es.txt"])
    assert code == 0 and f"versions      {ids['gr-en.txt']}" in out


def test_a_search_that_finds_nothing_says_what_the_other_language_finds(client):
    """"migrant smuggling" is in no report as written, but its Spanish equivalent is: the answer says how
    many searching the other language finds, and the page links to that search."""
    plain = client.get("/api/search?q=migrant%20smuggling").get_json()
    translated = client.get("/api/search?q=migrant%20smuggling&translate=1").get_json()
    assert plain["total"] == 0 and translated["total"] >= 1
    assert plain["translated_total"] == translated["total"] and translated["translated_total"] is None
    # Nothing in either language: no hint; something found as asked: no hint either.
    assert client.get("/api/search?q=zzyzx%20smuggling").get_json()["translated_total"] is None
    assert client.get("/api/search?q=trata%20de%20personas").get_json()["translated_total"] is None

    page = parse_page(html(client, "/buscar?q=migrant+smuggling"))
    assert page.find("p", **{"class": "suggestion translated"})
    assert f"Buscando también en el otro idioma hay {translated['total']} acuerdo" in page.plain_text
    links = [a["href"] for a in page.find("a") if "traducir=1" in (a.get("href") or "")]
    assert [parse_qs(urlparse(link).query) for link in links] == [{"q": ["migrant smuggling"], "traducir": ["1"]}]
    assert f"{translated['total']} acuerdo" in parse_page(html(client, links[0])).plain_text
