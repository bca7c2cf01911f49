"""The HTML pages through Flask's test client, over corpus/ ingested by the real CLI."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import CORPUS

from .conftest import MANAGUA_ID, TELA_ID, parse_page

MANAGUA_BODY = "Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas"

PAGES = [
    "/",
    "/buscar?q=rrocm",
    "/buscar?q=trata&lang=en",
    "/reuniones",
    f"/r/{MANAGUA_ID}",
    f"/r/{MANAGUA_ID}/2.d",
    f"/r/{TELA_ID}/3",
    "/anos?q=rrocm",
    "/timeline?q=trata",
    "/no-such-page",
]


def get_html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# -- every page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_accessible_and_obey_the_csp(client: FlaskClient, url: str) -> None:
    status = 404 if url == "/no-such-page" else 200
    page = parse_page(get_html(client, url, status))
    html_tag = page.find("html")[0]
    assert html_tag["lang"] in ("es", "en")
    assert page.find("a", **{"class": "skip-link", "href": "#content"})
    assert page.find("main", id="content")
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    # No heading level is skipped on the way down (h1 -> h3 without h2 confuses screen-reader navigation).
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, (url, page.headings)
    # The CSP allows no script and no inline style; SVG geometry uses presentation attributes, not style.
    assert not page.find("script")
    assert not [t for t, a in page.tags if "style" in a], url
    assert not [t for t, a in page.tags if any(k.startswith("on") for k in a)], url
    # Every form control has a label.
    labelled = {a.get("for") for a in page.find("label")}
    for tag, attrs in page.tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled, (url, attrs)
    # The language switch is on every page.
    assert page.find("a", **{"class": "lang-switch"})


@pytest.mark.parametrize("url", [*PAGES, "/static/style.css", "/api/reports", "/api/nope", f"/r/{MANAGUA_ID}/texto",
                                 f"/r/{MANAGUA_ID}/original", "/buscar.csv?q=rrocm"])
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    response.close()  # files are streamed: close so the file handle is released
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("url", ["/", "/buscar", "/api/search", "/static/style.css", f"/r/{MANAGUA_ID}"])
def test_the_app_is_read_only(client: FlaskClient, method: str, url: str) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_only_get_routes_are_declared(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        assert rule.methods is not None and rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    assert app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024


def test_head_works(client: FlaskClient) -> None:
    response = client.head("/buscar?q=rrocm")
    assert response.status_code == 200 and response.get_data() == b""


# -- search ----------------------------------------------------------------------------------------------


def test_home_has_a_labelled_box_and_example_queries(client: FlaskClient) -> None:
    html = get_html(client, "/")
    page = parse_page(html)
    box = page.find("input", id="q")[0]
    assert box["name"] == "q" and box["type"] == "search" and box["placeholder"]
    assert page.find("label", **{"for": "q"})
    assert page.find("form", role="search")[0]["method"] == "get"
    examples = {a["href"] for a in page.find("a") if a.get("href", "").startswith("/buscar?q=")}
    assert {"/buscar?q=rrocm", "/buscar?q=%22trata+de+personas%22", "/buscar?q=ni%C3%B1ez+a%C3%B1o:2014"} <= examples
    assert '<html lang="es">' in html


def test_search_groups_hits_by_meeting_with_spanish_dates_and_a_chart(client: FlaskClient) -> None:
    html = get_html(client, "/buscar?q=rrocm")
    page = parse_page(html)
    text = page.plain_text
    assert "2 acuerdos encontrados" in text
    assert len(page.find("section", **{"class": "meeting-group"})) == 2
    assert "24 de noviembre de 2014" in text and "6 de mayo de 2008" in text
    assert "Managua, Nicaragua" in text and "Tela, Honduras" in text
    assert f'href="/r/{TELA_ID}/3"' in html and f'href="/r/{MANAGUA_ID}/5"' in html
    assert "<mark>" in html
    bars = page.find("a", **{"class": "bar"})
    assert [b["href"] for b in bars] == ["/buscar?q=rrocm&desde=2008&hasta=2008", "/buscar?q=rrocm&desde=2014&hasta=2014"]
    assert all(b["aria-label"] for b in bars)
    assert 'href="/buscar.csv?q=rrocm"' in html


def test_search_is_escaped_in_the_page(client: FlaskClient) -> None:
    html = get_html(client, '/buscar?q=<script>alert(1)</script>"x')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_markup_in_a_document_is_escaped_in_the_snippet(hostile_client: FlaskClient) -> None:
    html = get_html(hostile_client, "/buscar?q=alert")
    assert "1 acuerdo encontrado" in parse_page(html).plain_text
    assert "<script>alert" not in html and "<b>niñez</b>" not in html
    assert "&lt;script&gt;" in html
    assert re.search(r"<mark>alert</mark>", html)
    report = hostile_client.get("/buscar?q=alert").get_data(as_text=True)
    link = re.search(r'href="(/r/[^"/]+)/1"', report)
    assert link
    for url in (link.group(1), link.group(1) + "/1"):
        page_html = get_html(hostile_client, url)
        assert "<script>alert" not in page_html and "&lt;script&gt;alert" in page_html


def test_year_facet_and_range_filter(client: FlaskClient) -> None:
    html = get_html(client, "/buscar?q=rrocm&desde=2008&hasta=2008")
    page = parse_page(html)
    assert "1 acuerdo encontrado" in page.plain_text
    assert len(page.find("section", **{"class": "meeting-group"})) == 1
    assert "6 de mayo de 2008" in page.plain_text and "2014" not in html.split('class="results"')[1].split("</section>")[0]
    assert page.find("input", id="desde")[0]["value"] == "2008"


def test_facets_are_filter_links_with_counts(client: FlaskClient) -> None:
    page = parse_page(get_html(client, "/buscar?q=trata"))
    facet_links = [a["href"] for a in page.find("a") if "organo=" in (a.get("href") or "") or "idioma=" in (a.get("href") or "")]
    assert any("idioma=es" in h for h in facet_links)
    language = next(h for h in facet_links if "idioma=es" in h)
    filtered = parse_page(get_html(client, language))
    assert "acuerdo" in filtered.plain_text and filtered.find("ul", **{"class": "chips"})


def test_sort_by_date_puts_the_newest_meeting_first(client: FlaskClient) -> None:
    html = get_html(client, "/buscar?q=rrocm&orden=date")
    assert html.index("24 de noviembre de 2014") < html.index("6 de mayo de 2008")
    assert '<option value="date" selected>' in html


def test_pagination_keeps_the_search_state(make_client: Callable[..., FlaskClient]) -> None:
    client = make_client(PER_PAGE=2)
    page = parse_page(get_html(client, "/buscar?q=trata&orden=date"))
    nxt = page.find("a", rel="next")[0]["href"]
    assert nxt == "/buscar?q=trata&orden=date&pagina=2"
    second = parse_page(get_html(client, nxt))
    assert second.find("a", rel="prev")[0]["href"] == "/buscar?q=trata&orden=date"
    assert "Página 2 de" in second.plain_text


@pytest.mark.parametrize(("url", "message"), [
    ("/buscar?q=rrocm&pagina=5000", "La página 5000 no existe"),
    ("/buscar?q=rrocm&pagina=99999999", "no es válido"),
    ("/buscar?q=rrocm&pagina=-1", "no es válido"),
    ("/buscar?q=rrocm&pagina=1e9", "no es válido"),
    ("/buscar?q=rrocm&desde=-5", "no es válido"),
    ("/buscar?q=rrocm&desde=2014&hasta=2008", "se intercambiaron"),
    ("/buscar?q=" + "trata " * 2000, "demasiado larga"),
    ("/anos?q=" + "x" * 10_000, "demasiado larga"),
])
def test_hostile_input_gives_a_message_not_an_error(client: FlaskClient, url: str, message: str) -> None:
    page = parse_page(get_html(client, url))
    assert message in page.plain_text
    assert page.find("div", role="alert")


@pytest.mark.parametrize("query", ['"((', "(((", "año:", "a OR", "-", '"', "*", "~~~", "\x00", "ñ" * 499])
def test_odd_queries_never_break_the_page(client: FlaskClient, query: str) -> None:
    response = client.get("/buscar", query_string={"q": query})
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)


def test_syntax_error_is_shown_in_the_page_language(client: FlaskClient) -> None:
    es = parse_page(get_html(client, '/buscar?q=%22((')).plain_text
    en = parse_page(get_html(client, '/buscar?q=%22((&lang=en')).plain_text
    assert "No se pudo entender la búsqueda" in es
    assert "The search could not be understood" in en


def test_did_you_mean_links_to_the_suggestion(client: FlaskClient) -> None:
    page = parse_page(get_html(client, "/buscar?q=migrantez"))
    suggestion = page.find("p", **{"class": "suggestion"})
    assert suggestion, "no suggestion for a misspelled word of the corpus"
    assert any(a["href"].startswith("/buscar?q=migrante") for a in page.find("a"))


# -- English ---------------------------------------------------------------------------------------------


def test_english_switch_is_remembered_in_url_and_cookie(client: FlaskClient) -> None:
    spanish = get_html(client, "/buscar?q=rrocm")
    switch = parse_page(spanish).find("a", **{"class": "lang-switch"})[0]["href"]
    assert switch == "/buscar?q=rrocm&lang=en"
    response = client.get(switch)
    english = response.get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "November 24, 2014" in english and "2 agreements found" in english
    assert "lang=en" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    # Links inside the English page keep the choice, and the cookie keeps it for a bare URL.
    assert f'href="/r/{TELA_ID}/3?lang=en"' in english
    assert '<html lang="en">' in client.get("/reuniones").get_data(as_text=True)
    back = parse_page(english).find("a", **{"class": "lang-switch"})[0]["href"]
    assert back == "/buscar?q=rrocm&lang=es"
    assert '<html lang="es">' in client.get(back).get_data(as_text=True)
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


def test_document_language_filter_is_not_the_ui_language(client: FlaskClient) -> None:
    html = get_html(client, "/buscar?q=trata&idioma=es&lang=en")
    assert '<html lang="en">' in html and "Document language" in html


# -- meetings, reports, agreements -----------------------------------------------------------------------


def test_meetings_lists_reports_by_year_and_filters(client: FlaskClient) -> None:
    total = client.get("/api/reports").get_json()["total"]
    page = parse_page(get_html(client, "/reuniones"))
    assert f"{total} informes" in page.plain_text
    links = [a["href"] for a in page.find("a", **{"class": "meeting-link"})]
    assert len(links) == total and {f"/r/{MANAGUA_ID}", f"/r/{TELA_ID}"} <= set(links)
    assert links.index(f"/r/{MANAGUA_ID}") < links.index(f"/r/{TELA_ID}")  # newest first
    assert {"2014", "2008"} <= {h for h in page.plain_text.split()}  # a heading per year
    only_2008 = parse_page(get_html(client, "/reuniones?anio=2008"))
    links_2008 = {a["href"] for a in only_2008.find("a", **{"class": "meeting-link"})}
    assert f"/r/{TELA_ID}" in links_2008 and f"/r/{MANAGUA_ID}" not in links_2008
    by_body = parse_page(get_html(client, "/reuniones?organo=red_trafico_trata"))
    assert {f"/r/{MANAGUA_ID}", f"/r/{TELA_ID}"} <= {a["href"] for a in by_body.find("a", **{"class": "meeting-link"})}
    none = parse_page(get_html(client, "/reuniones?organo=nothing"))
    assert "No hay informes" in none.plain_text
    bad = parse_page(get_html(client, "/reuniones?anio=<b>"))
    assert "no es válido" in bad.plain_text


def test_report_page_has_metadata_and_a_nested_agreement_tree(client: FlaskClient) -> None:
    html = get_html(client, f"/r/{MANAGUA_ID}")
    page = parse_page(html)
    text = page.plain_text
    assert MANAGUA_BODY in text and "Managua, Nicaragua" in text and "24 de noviembre de 2014" in text
    assert "Belice" in text and "República Dominicana" in text
    for label in ("1", "2", "2.a", "2.d", "2.e", "3.a", "4.c", "5"):
        assert page.find("li", id=f"a-{label}"), label
    # 2.d is nested inside the list of point 2.
    start = html.index('id="a-2"')
    assert start < html.index('id="a-2.d"') < html.index('id="a-3"')
    assert html[start:html.index('id="a-3"')].count('<ol class="agreement-tree">') == 1
    assert f'href="/r/{MANAGUA_ID}/original"' in html and f'href="/r/{MANAGUA_ID}/texto"' in html


def test_original_is_served_by_id_as_an_attachment(client: FlaskClient) -> None:
    with client.get(f"/r/{MANAGUA_ID}/original") as response:
        assert response.status_code == 200
        assert response.get_data() == (CORPUS / f"{MANAGUA_ID}.txt").read_bytes()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{MANAGUA_ID}.txt" in disposition


def test_extracted_text_is_plain_utf8(client: FlaskClient) -> None:
    response = client.get(f"/r/{TELA_ID}/texto")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Red Regional de Organizaciones Civiles para las Migraciones (RROCM)" in response.get_data(as_text=True)


def test_agreement_permalink_has_parent_citation_and_precedents(client: FlaskClient) -> None:
    html = get_html(client, f"/r/{MANAGUA_ID}/2.d")
    page = parse_page(html)
    text = page.plain_text
    assert "La ST invitará a UNODC" in text
    assert "Respecto a los avances de los países" in text  # the parent, point 2
    assert f"{MANAGUA_BODY}, Managua, 24 de noviembre de 2014, acuerdo 2.d" in text
    assert page.find("pre", **{"class": "cite-block"})
    assert page.find("section", **{"class": "precedents"})
    assert f'href="/r/{MANAGUA_ID}#a-2.d"' in html


def test_precedents_link_to_earlier_meetings(client: FlaskClient) -> None:
    html = get_html(client, f"/r/{MANAGUA_ID}/5")
    section = html[html.index('class="precedents"'):]
    assert f'href="/r/{TELA_ID}/3"' in section  # the 2008 RROCM presentation is the precedent of 2014's point 5


def test_agreement_page_in_english(client: FlaskClient) -> None:
    text = parse_page(get_html(client, f"/r/{MANAGUA_ID}/2.d?lang=en")).plain_text
    assert "Managua, November 24, 2014, agreement 2.d" in text and "Precedents" in text


@pytest.mark.parametrize("url", [
    "/r/nope", "/r/nope/original", "/r/nope/texto", f"/r/{MANAGUA_ID}/99", f"/r/{MANAGUA_ID}/2.z",
    "/r/nope/1", "/r/..%2F..%2Fetc%2Fpasswd/original", "/nothing", "/r/" + "x" * 3000,
])
def test_unknown_ids_give_the_404_page(client: FlaskClient, url: str) -> None:
    page = parse_page(get_html(client, url, 404))
    assert "Página no encontrada" in page.plain_text


def test_404_page_speaks_english_when_asked(client: FlaskClient) -> None:
    assert "Page not found" in parse_page(get_html(client, "/r/nope?lang=en", 404)).plain_text


# -- term across years, CSV ------------------------------------------------------------------------------


def test_timeline_has_a_chart_and_a_table_linking_to_each_year(client: FlaskClient) -> None:
    for url in ("/anos?q=rrocm", "/timeline?q=rrocm"):
        html = get_html(client, url)
        page = parse_page(html)
        assert len(page.find("a", **{"class": "bar"})) == 2
        assert page.find("table", **{"class": "data-table"})
        assert 'href="/buscar?q=rrocm&amp;desde=2008&amp;hasta=2008"' in html
        assert 'href="/buscar?q=rrocm&amp;desde=2014&amp;hasta=2014"' in html


def test_timeline_without_matches_and_without_term(client: FlaskClient) -> None:
    assert "Ningún acuerdo menciona" in parse_page(get_html(client, "/anos?q=zzzyyyxxx")).plain_text
    assert not parse_page(get_html(client, "/anos")).find("table")


def test_csv_export_has_every_match_and_the_documented_columns(client: FlaskClient) -> None:
    import csv
    import io

    response = client.get("/buscar.csv?q=trata&pagina=3")  # the page is ignored: all matches are exported
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["report_id", "source", "label", "parent", "year", "date", "city", "country", "body_key",
                       "language", "score", "text"]
    total = client.get("/api/search?q=trata").get_json()["total"]
    assert len(rows) - 1 == total > 2
    assert {MANAGUA_ID, TELA_ID} <= {r[0] for r in rows[1:]}


def test_csv_export_is_capped(make_client: Callable[..., FlaskClient]) -> None:
    client = make_client(CSV_MAX_ROWS=3)
    body = client.get("/buscar.csv?q=trata").get_data(as_text=True)
    assert len(body.strip().splitlines()) == 4


def test_csv_export_rejects_a_bad_query_with_json(client: FlaskClient) -> None:
    response = client.get('/buscar.csv?q=%22((')
    assert response.status_code == 400 and "error" in response.get_json()
    assert client.get("/buscar.csv").status_code == 400
