"""The JSON API: same field names as the CLI's --json, JSON errors, CSV, and its OpenAPI description."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from flask.testing import FlaskClient

from index import parse_query
from tests.conftest import run_cli
from web.api import query_rules

from .conftest import MANAGUA_ID, TELA_ID


def get_json(client: FlaskClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def cli_json(data: Path, *args: str) -> dict:
    code, out, err = run_cli(data, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_search_equals_the_cli_json(client: FlaskClient, ingested_data: Path) -> None:
    api = get_json(client, "/api/search?q=rrocm")
    assert api == cli_json(ingested_data, "search", "rrocm")
    assert api["total"] == 2 and api["by_year"] == {"2008": 1, "2014": 1}
    assert {(h["report_id"], h["label"]) for h in api["hits"]} == {(TELA_ID, "3"), (MANAGUA_ID, "5")}


def test_search_filters_sort_and_paging(client: FlaskClient, ingested_data: Path) -> None:
    api = get_json(client, "/api/search?q=trata&year_from=2014&year_to=2014&lang=es&sort=date&page=1&per_page=3")
    assert api == cli_json(ingested_data, "search", "trata", "--year", "2014", "--lang", "es", "--sort", "date",
                           "--limit", "3")
    assert api["filters"] == {
        "year_from": 2014, "year_to": 2014, "body": None, "country": None, "lang": "es", "city": None,
        "applied": [{"field": "year", "year_from": 2014, "year_to": 2014, "exclude": False, "source": "param"},
                    {"field": "lang", "value": "es", "exclude": False, "source": "param"}],
        "conflicts": []}
    assert len(api["hits"]) == 3 and all(h["year"] == 2014 for h in api["hits"])
    assert api["per_page"] == 3 and api["sort"] == "date"


@pytest.mark.parametrize("url", [
    "/api/search",
    "/api/search?q=",
    "/api/search?q=x&page=0",
    "/api/search?q=x&page=-1",
    "/api/search?q=x&page=abc",
    "/api/search?q=x&per_page=100000",
    "/api/search?q=x&year_from=abc",
    "/api/search?q=x&sort=sideways",
    "/api/search?q=%22((",
    "/api/search?q=" + "a" * 10_000,
    "/api/timeline",
    "/api/timeline?q=%22((",
    "/api/timeline?q=" + "a" * 10_000,
    f"/api/reports/{MANAGUA_ID}/agreements/2.d/precedents?limit=0",
    f"/api/reports/{MANAGUA_ID}/agreements/2.d/precedents?limit=-3",
    "/api/search.csv",
    "/api/search.csv?q=%22((",
])
def test_bad_requests_are_json_400(client: FlaskClient, url: str) -> None:
    body = get_json(client, url, 400)
    assert set(body) == {"error"} and body["error"]


@pytest.mark.parametrize("url", [
    "/api/reports/nope",
    f"/api/reports/{MANAGUA_ID}/agreements/99",
    "/api/reports/nope/agreements/1",
    f"/api/reports/{MANAGUA_ID}/agreements/99/precedents",
    "/api/nothing",
])
def test_unknown_ids_are_json_404(client: FlaskClient, url: str) -> None:
    body = get_json(client, url, 404)
    assert set(body) == {"error"} and body["error"]


def test_reports_list_and_one_report_equal_the_cli(client: FlaskClient, ingested_data: Path) -> None:
    listing = get_json(client, "/api/reports")
    assert listing["total"] == len(listing["reports"]) >= 2
    assert {MANAGUA_ID, TELA_ID} <= {r["id"] for r in listing["reports"]}
    assert all("agreements" not in r for r in listing["reports"])
    report = get_json(client, f"/api/reports/{MANAGUA_ID}")
    assert report == cli_json(ingested_data, "show", MANAGUA_ID)
    assert report["city"] == "Managua" and report["date"] == "2014-11-24" and report["year"] == 2014
    assert "2.d" in [a["label"] for a in report["agreements"]]


def test_agreement(client: FlaskClient) -> None:
    body = get_json(client, f"/api/reports/{MANAGUA_ID}/agreements/2.d")
    assert body["report_id"] == MANAGUA_ID and body["label"] == "2.d" and body["parent"] == "2"
    assert body["text"].startswith("d. La ST invitará a UNODC")
    assert body["citation"].endswith("Managua, 24 de noviembre de 2014, acuerdo 2.d")
    assert body["report"]["id"] == MANAGUA_ID


def test_precedents_equal_the_cli(client: FlaskClient, ingested_data: Path) -> None:
    body = get_json(client, f"/api/reports/{MANAGUA_ID}/agreements/5/precedents")
    assert body == cli_json(ingested_data, "precedents", MANAGUA_ID, "5")
    assert (TELA_ID, "3") in {(p["report_id"], p["label"]) for p in body["precedents"]}
    assert "preamble" not in {p["label"] for p in body["precedents"]}  # a preamble agrees nothing
    assert len(get_json(client, f"/api/reports/{MANAGUA_ID}/agreements/5/precedents?limit=1")["precedents"]) <= 1


def test_empty_precedents_limit_means_the_default(client: FlaskClient) -> None:
    url = f"/api/reports/{MANAGUA_ID}/agreements/5/precedents"
    assert get_json(client, url + "?limit=") == get_json(client, url + "?limit=10") == get_json(client, url)


def test_a_rejected_value_is_said_to_be_rejected(client: FlaskClient) -> None:
    message = get_json(client, "/api/search?q=trata&sort=sideways", 400)["error"]
    assert "sideways" in message and "sort" in message and "rejected" in message
    assert "ignored" not in message


@pytest.mark.parametrize("query", [
    "sort=sideways", "year_from=abc", "per_page=0", "", "q=%20", "q=AND", "q=a*", "q=%22((", "q=" + "x" * 501,
    "body=" + "b" * 101,
])
def test_csv_errors_are_worded_as_search_errors(client: FlaskClient, query: str) -> None:
    """/api/search.csv refuses what /api/search refuses, with the same message."""
    if "per_page" in query:  # the export has no pages; its per_page bound differs, the words do not
        query = "q=trata&per_page=abc"
    search = get_json(client, f"/api/search?{query}", 400)
    export = get_json(client, f"/api/search.csv?{query}", 400)
    assert export == search


def test_api_refuses_what_its_document_refuses_in_q(client: FlaskClient) -> None:
    for bad in ("AND", "OR NOT", "-", "~2", "a*", "*trata", "!!"):
        assert "error" in get_json(client, "/api/search?" + urlencode({"q": bad}), 400), bad
        assert "error" in get_json(client, "/api/timeline?" + urlencode({"q": bad}), 400), bad
    for good in ("trata", "tr*", "migra*", "-trata año:2008", "Y trata"):
        get_json(client, "/api/search?" + urlencode({"q": good}))


def test_a_backwards_year_range_is_read_the_right_way_round(client: FlaskClient) -> None:
    body = get_json(client, "/api/search?q=trata&year_from=2014&year_to=2008")
    assert (body["filters"]["year_from"], body["filters"]["year_to"]) == (2008, 2014)
    assert body["total"] == get_json(client, "/api/search?q=trata&year_from=2008&year_to=2014")["total"]


def test_deep_pages_beyond_the_documented_bound_are_refused(client: FlaskClient) -> None:
    get_json(client, "/api/search?q=trata&page=1000&per_page=100")
    assert "page" in get_json(client, "/api/search?q=trata&page=1001", 400)["error"]


def test_a_page_past_the_last_is_empty_with_the_total_as_the_document_says(client: FlaskClient) -> None:
    first = get_json(client, "/api/search?q=trata&per_page=1")
    assert first["total"] >= 1 and len(first["hits"]) == 1
    past = get_json(client, f"/api/search?q=trata&per_page=1&page={first['total'] + 1}")
    assert past["hits"] == [] and past["total"] == first["total"] and past["page"] == first["total"] + 1


def test_timeline_equals_the_cli(client: FlaskClient, ingested_data: Path) -> None:
    body = get_json(client, "/api/timeline?q=rrocm")
    assert body == cli_json(ingested_data, "timeline", "rrocm")
    assert [(y["year"], y["agreements"]) for y in body["years"] if y["agreements"]] == [(2008, 1), (2014, 1)]


def test_api_csv(client: FlaskClient) -> None:
    response = client.get("/api/search.csv?q=rrocm&sort=date")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["report_id"], r["label"], r["year"]) for r in rows] == [(MANAGUA_ID, "5", "2014"), (TELA_ID, "3", "2008")]
    assert "RROCM" in rows[0]["text"]


def test_json_is_utf8_not_escaped(client: FlaskClient) -> None:
    raw = client.get(f"/api/reports/{MANAGUA_ID}").get_data(as_text=True)
    assert "Tráfico" in raw


# -- OpenAPI ---------------------------------------------------------------------------------------------


def test_openapi_is_served_and_describes_every_api_route(client: FlaskClient, app: Flask) -> None:
    spec = get_json(client, "/api/openapi.json")
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] and spec["info"]["version"]
    documented = set(spec["paths"])
    routes = {
        rule.rule.replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") and rule.rule != "/api/"
    }
    assert documented == routes
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert method == "get", path
            assert operation["responses"]["200"]["description"]
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == {part[1:-1] for part in path.split("/") if part.startswith("{")}, path
    # Every $ref points at a defined schema.
    text = json.dumps(spec)
    for ref in set(part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]):
        assert ref in spec["components"]["schemas"], ref


def test_openapi_search_parameters_are_the_ones_the_api_reads(client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    # One exploded object parameter: its properties are the query parameters, and its anyOf says
    # that q or a filter is required.
    (search,) = spec["paths"]["/api/search"]["get"]["parameters"]
    assert search["in"] == "query" and search["style"] == "form" and search["explode"] is True
    names = set(search["schema"]["properties"])
    assert names == {"q", "year_from", "year_to", "body", "country", "lang", "sort", "page", "per_page", "translate"}
    required_one_of = {n for branch in search["schema"]["anyOf"] for n in branch["required"]}
    assert required_one_of == {"q", "year_from", "year_to", "body", "country", "lang"}


def test_hit_schema_lists_the_serialized_fields(client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    hit = get_json(client, "/api/search?q=rrocm")["hits"][0]
    assert set(spec["components"]["schemas"]["Hit"]["properties"]) == set(hit)
    report = get_json(client, f"/api/reports/{MANAGUA_ID}")
    assert set(spec["components"]["schemas"]["Report"]["properties"]) == set(report)


_QUERY_CHARS = st.sampled_from(list('aYON DTR*?~-!()"«:12 \t\u200b\U000F0000ñ中_&|+¿·¤'))
# Pieces of typed filters (año:2008, pais:"costa rica"), spelled in other cases and accents too.
_FILTER_PIECES = st.sampled_from(["año", "ANŐ", "AÑO", "ano", "year", "País", "cuerpo", "ciudad", ":", '"', " ",
                                  "2008", "..", "-", "abc", "\u200b", "(", "trata"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=st.one_of(st.text(max_size=40), st.text(alphabet=_QUERY_CHARS, max_size=20),
                     st.lists(_FILTER_PIECES, max_size=8).map("".join)))
def test_what_the_document_accepts_in_q_the_parser_understands(text: str) -> None:
    """The q rules of the OpenAPI document (which the API enforces) never let through a query the
    parser refuses for having no word, a short wildcard or a filter without a value: then
    schemathesis's schema-valid requests are answered 200."""
    if query_rules().problem(text, required=True) is None:
        parse_query(text)  # raises QuerySyntaxError if the document is too lenient


def test_query_syntax_errors_are_english_like_the_other_api_errors(client: FlaskClient) -> None:
    # More terms than the parser takes (64): a refusal only the parser words.
    message = get_json(client, "/api/search?" + urlencode({"q": " ".join(f"w{i}" for i in range(70))}), 400)["error"]
    assert message.startswith("query syntax: ") and "Too many terms" in message
    assert " / " not in message and "Demasiados" not in message


def test_a_timeline_that_finds_nothing_offers_did_you_mean_on_every_edge(client: FlaskClient, ingested_data: Path) -> None:
    body = get_json(client, "/api/timeline?q=protecion")
    assert body["total"] == 0 and body["suggestion"] == "protección"  # as the reports write it
    assert body == cli_json(ingested_data, "timeline", "protecion")
    assert get_json(client, "/api/timeline?q=protección")["suggestion"] is None  # found: nothing to correct
    page = client.get("/timeline?q=protecion").get_data(as_text=True)
    assert "¿Quiso decir" in page and 'href="/timeline?q=protecci%C3%B3n"' in page
