"""Hostile queries: results or a clear message, never a crash, a 500 or an unbounded expansion.

The same battery (and a hypothesis property) runs against the core ``Archive.search``, the page ``/buscar``
and the JSON ``/api/search``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings, strategies as st

from archive.archive import Archive
from archive.models import ArchiveError
from index import QuerySyntaxError, SearchQuery, SearchResult
from tests.backends import catalog_of
from tests.conftest import open_archive
from web import create_app
from web.views import close_shared_archive

HOSTILE_QUERIES = [
    '"trata de personas', 'trata de personas"', '"', '""', '"""', "((migración", "migración))", ")(", "()",
    "AND", "OR", "NOT", "AND OR NOT", "trata AND", "OR trata", "NOT NOT trata", "-", "+", "--trata", "-trata",
    "*", "?*", "**", "*?*?*", "?", "???", "a*", "m*", "*ción", "*a*", "tr?ta", "t*a", "~", "trata~", "trata~99",
    "año:", "año:abc", "año:99999999999999999999", "año:2014-", "año:-5", "idioma:", "cuerpo:", "pais:'",
    "desconocido:valor", ":", "::::", "a:b:c", "title:trata", "[trata TO z]", "{}", "^2", "trata^999",
    "\\", "\\\\", "'", "%", "%%", "%s%s%n", "\x00", "trata\x00personas", "\x1b[31mtrata", "\x7f\x08",
    "\u202etrata\u202c", "\u200b\u200b", "\u2066migración\u2069", "trata\u0301", "ñ̃̃̃", "🙂 trata",
    "\ud7ff", "ＴＲＡＴＡ", "İ", "ß", "²", "٢٠٠٨", "x" * 10_000, "migración " * 1_200, "(" * 5_000 + "trata" + ")" * 5_000,
    '"' * 3_333, "a* " * 400, "-" * 10_000, "trata OR " * 900 + "x",
]

PAGINATION = [(1, 20), (0, 20), (-1, 20), (1, 0), (1, -5), (1, 10**6), (10**9, 20), (10**18, 10**18), (5_000, 200)]


@pytest.fixture(scope="module")
def data(ingested_data: Path) -> Path:
    return ingested_data  # read-only here: queries never write


@pytest.fixture(scope="module")
def archive(data: Path) -> Iterator[Archive]:
    with open_archive(data) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(data: Path) -> Iterator[FlaskClient]:
    app = create_app({"DATA_DIR": str(data), "CATALOG": catalog_of(data), "TESTING": True})
    yield app.test_client()
    close_shared_archive(app)


def core_search(archive: Archive, text: str, page: int = 1, per_page: int = 20) -> SearchResult | str:
    """A result, or the one-line message the user would read."""
    try:
        return archive.search(SearchQuery(text, page=page, per_page=per_page))
    except QuerySyntaxError as e:
        message = str(e)
        assert message and "\n" not in message and "Traceback" not in message
        return message


def page_search(client: FlaskClient, **args: object) -> str:
    response = client.get("/buscar", query_string=args)
    assert response.status_code in (200, 400), response.status_code
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "Internal Server Error" not in body
    assert response.headers["Content-Type"].startswith("text/html")
    return body


def api_search(client: FlaskClient, **args: object) -> dict:
    response = client.get("/api/search", query_string=args)
    assert response.status_code in (200, 400), response.status_code
    data = response.get_json()
    if response.status_code == 400:
        assert isinstance(data["error"], str) and data["error"]
    else:
        assert isinstance(data["total"], int) and isinstance(data["hits"], list)
    return data


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_core_search_gives_results_or_a_message(archive: Archive, text: str) -> None:
    outcome = core_search(archive, text)
    if isinstance(outcome, SearchResult):
        assert outcome.total >= len(outcome.hits)
        json.dumps({"facets": outcome.facets, "by_year": {str(k): v for k, v in outcome.by_year.items()}})


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_web_search_gives_a_page_or_a_json_error(client: FlaskClient, text: str) -> None:
    page_search(client, q=text)
    api_search(client, q=text)


@pytest.mark.parametrize(("page", "per_page"), PAGINATION)
def test_pagination_out_of_range(archive: Archive, client: FlaskClient, page: int, per_page: int) -> None:
    outcome = core_search(archive, "migración", page, per_page)
    if isinstance(outcome, SearchResult):
        assert len(outcome.hits) <= per_page
    page_search(client, q="migración", pagina=page)
    api_search(client, q="migración", page=page, per_page=per_page)


@pytest.mark.parametrize("value", ["abc", "1e9", "0x10", "", " ", "-0", "١٢", "²", "9" * 400, "\x00", "1;DROP TABLE"])
def test_numbers_that_are_not_numbers(client: FlaskClient, value: str) -> None:
    page_search(client, q="trata", pagina=value, desde=value, hasta=value)
    api_search(client, q="trata", page=value, per_page=value, year_from=value)


def test_unknown_parameters_and_filters_are_harmless(client: FlaskClient) -> None:
    page_search(client, q="trata", organo="<b>x</b>", pais="\u202e", idioma="zz", orden="sideways", foo="bar")
    data = api_search(client, q="trata", body="nope", country="x" * 5000, lang="zz", sort="sideways")
    assert "error" in data


def test_wildcards_expand_within_bounds(archive: Archive) -> None:
    """'*' alone or '?*' must not expand to the whole vocabulary: a bounded answer or a message."""
    for text in ("*", "?*", "*a*", "a*"):
        outcome = core_search(archive, text)
        if isinstance(outcome, SearchResult):
            assert outcome.total <= sum(len(r.agreements) for r in archive.reports())


def test_a_query_as_long_as_a_report_is_refused_with_a_message(client: FlaskClient) -> None:
    body = page_search(client, q="x" * 10_000)
    assert 'value="' + "x" * 501 not in body  # the search box holds at most the 500 characters allowed
    assert "500" in body  # the message names the limit
    data = api_search(client, q="x" * 10_000)
    assert "error" in data and "500" in data["error"]


QUERY_ALPHABET = st.sampled_from(list('"()*?~:-+^\\\'[]{}') + ["AND", "OR", "NOT", " ", "año:", "pais:", "trata",
                                                             "migración", "de", "\x00", "\u202e", "\t", "ñ", "é"])
query_texts = st.one_of(st.text(max_size=60), st.lists(QUERY_ALPHABET, max_size=25).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_texts, page=st.integers(-3, 10**6), per_page=st.integers(-3, 500))
def test_property_core_search_never_raises_anything_but_a_query_error(archive: Archive, text: str, page: int,
                                                                   per_page: int) -> None:
    try:
        result = archive.search(SearchQuery(text, page=page, per_page=per_page))
    except QuerySyntaxError as e:
        assert str(e)
    except ArchiveError as e:  # any other domain error would be a defect: say which
        pytest.fail(f"{type(e).__name__}: {e}")
    else:
        assert result.total >= len(result.hits)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_texts, page=st.one_of(st.integers(-3, 10**7).map(str), st.text(max_size=8)))
def test_property_web_never_answers_500(client: FlaskClient, text: str, page: str) -> None:
    page_search(client, q=text, pagina=page)
    api_search(client, q=text, page=page)


# -- the research pages (commitments, participation, countries, citations) --------------------------------

MANAGUA_ID = "000_cf50010547db6d03"


def research_urls(value: str) -> list[tuple[str, dict[str, str] | None]]:
    """Every research route with ``value`` in each of its parameters (query) or path segments."""
    page = {"actor": value, "anio": value, "antes": value, "despues": value, "estado": value, "organo": value,
            "pagina": value}
    api = {"actor": value, "year": value, "due_before": value, "due_after": value, "status": value, "body": value}
    matrix = {"organo": value, "desde": value, "hasta": value}
    segment = quote(value, safe="")
    return [
        ("/compromisos", page), ("/compromisos.csv", page), ("/compromisos.ics", page), ("/api/commitments", api),
        ("/participacion", matrix), ("/participacion.csv", matrix),
        ("/api/participation", {"body": value, "year_from": value, "year_to": value}),
        (f"/pais/{segment}", None), (f"/api/countries/{segment}", None),
        (f"/r/{MANAGUA_ID}/cita.{segment}", None), (f"/r/{MANAGUA_ID}/{segment}/cita.bib", None),
        (f"/api/reports/{MANAGUA_ID}/agreements/{segment}/citation", None), (f"/api/reports/{segment}/citation", None),
    ]


def research_get(client: FlaskClient, path: str, args: dict[str, str] | None) -> None:
    response = client.get(path, query_string=args)
    # 308: an empty path segment ("/r/x//cita.bib") is redirected to the merged-slash URL by werkzeug.
    assert response.status_code in (200, 308, 400, 404), (path, response.status_code)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "Internal Server Error" not in body
    if (path.startswith("/api/") and response.status_code != 308) or response.status_code == 400:
        assert response.mimetype == "application/json"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_research_pages_answer_every_hostile_value(client: FlaskClient, text: str) -> None:
    for path, args in research_urls(text):
        research_get(client, path, args)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=query_texts)
def test_property_research_pages_never_answer_500(client: FlaskClient, value: str) -> None:
    for path, args in research_urls(value):
        research_get(client, path, args)
