"""The filters a search applied are reported wherever they came from: parameters or typed in q (año:2008).

Through the real app over corpus/ (Tela, Honduras, 2008; Managua, Nicaragua, 2014): the answer's
``filters`` (API and ``crm-archive search --json`` alike) and the search page's chips.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from .conftest import parse_page
from .test_api import cli_json, get_json


def search(client: FlaskClient, **params: str) -> dict:
    return get_json(client, "/api/search?" + urlencode(params))


def years_of(answer: dict) -> set[int]:
    return {h["year"] for h in answer["hits"]}


def test_a_year_typed_in_q_is_reported_as_a_year_parameter_is(client: FlaskClient) -> None:
    typed = search(client, q="trata año:2008")
    given = search(client, q="trata", year_from="2008", year_to="2008")
    assert typed["total"] == given["total"] > 0 and years_of(typed) == {2008}
    assert (typed["filters"]["year_from"], typed["filters"]["year_to"]) == (2008, 2008)
    assert typed["filters"]["applied"] == [
        {"field": "year", "year_from": 2008, "year_to": 2008, "exclude": False, "source": "q"}]
    assert {k: v for k, v in typed["filters"].items() if k != "applied"} == {
        k: v for k, v in given["filters"].items() if k != "applied"}


@pytest.mark.parametrize(("params", "years", "conflicts", "total_is_zero"), [
    # Both apply: the parameter's open range and the typed year narrow each other.
    ({"q": "trata año:2014", "year_from": "2000"}, (2014, 2014), [], False),
    ({"q": "trata año:2000..", "year_to": "2010"}, (2000, 2010), [], False),
    # They do not overlap: the range is reported backwards, the conflict named, nothing matches.
    ({"q": "trata año:2014", "year_to": "2010"}, (2014, 2010), ["year"], True),
    ({"q": "trata año:2008 año:2014"}, (2014, 2008), ["year"], True),
])
def test_every_year_filter_applies_and_the_answer_gives_their_intersection(
        client: FlaskClient, params: dict[str, str], years: tuple[int, int], conflicts: list[str],
        total_is_zero: bool) -> None:
    answer = search(client, **params)
    assert (answer["filters"]["year_from"], answer["filters"]["year_to"]) == years
    assert answer["filters"]["conflicts"] == conflicts
    assert (answer["total"] == 0) is total_is_zero
    assert all(years[0] <= y <= years[1] for y in years_of(answer))
    assert [f["source"] for f in answer["filters"]["applied"]] == (["param"] if len(params) > 1 else []) + ["q"] * (
        params["q"].count("año:"))


def test_text_filters_typed_in_q_are_reported_folded(client: FlaskClient) -> None:
    answer = search(client, q='trata país:"Hondúras" idioma:español ciudad:Tela')
    assert answer["total"] > 0 and {h["city"] for h in answer["hits"]} == {"Tela"}
    filters = answer["filters"]
    assert (filters["country"], filters["lang"], filters["city"], filters["body"]) == ("honduras", "es", "tela", None)
    assert [(f["field"], f["value"], f["source"]) for f in filters["applied"]] == [
        ("country", "honduras", "q"), ("lang", "es", "q"), ("city", "tela", "q")]


def test_an_exclusion_is_listed_as_applied_not_as_the_field_value(client: FlaskClient) -> None:
    answer = search(client, q="trata -pais:nicaragua")
    assert answer["total"] > 0 and {h["country"] for h in answer["hits"]} == {"Honduras"}
    assert answer["filters"]["country"] is None and answer["filters"]["conflicts"] == []
    assert answer["filters"]["applied"] == [
        {"field": "country", "value": "nicaragua", "exclude": True, "source": "q"}]


def test_two_different_values_of_one_field_both_apply_and_are_a_conflict(client: FlaskClient) -> None:
    answer = search(client, q="trata pais:honduras", country="Nicaragua")
    assert answer["total"] == 0
    assert answer["filters"]["country"] == "Nicaragua"  # the parameter's value, as given
    assert answer["filters"]["conflicts"] == ["country"]
    assert [(f["value"], f["source"]) for f in answer["filters"]["applied"]] == [
        ("Nicaragua", "param"), ("honduras", "q")]
    # The same country both ways is no conflict (compared folded).
    same = search(client, q="trata pais:honduras", country="Hondúras")
    assert same["total"] > 0 and same["filters"]["conflicts"] == []


def test_the_cli_json_reports_the_same_filters(client: FlaskClient, ingested_data: Path) -> None:
    api = search(client, q="trata año:2008 -pais:nicaragua", year_from="2000", year_to="2010")
    assert api == cli_json(ingested_data, "search", "trata año:2008 -pais:nicaragua", "--year", "2000-2010")
    assert len(api["filters"]["applied"]) == 3


def test_the_csv_export_applies_the_typed_filters(client: FlaskClient) -> None:
    text = client.get("/api/search.csv?" + urlencode({"q": "trata año:2008"})).get_data(as_text=True)
    header, *rows = csv.reader(io.StringIO(text))
    assert len(rows) == search(client, q="trata año:2008")["total"] > 0
    assert {row[header.index("year")] for row in rows} == {"2008"}


def test_the_search_page_shows_typed_filters_as_chips(client: FlaskClient) -> None:
    page = parse_page(client.get("/buscar?" + urlencode({"q": "trata año:2008 -pais:nicaragua",
                                                           "organo": "red"})).get_data(as_text=True))
    chips = [i for i, (tag, attrs) in enumerate(page.tags) if tag == "li" and attrs.get("class") == "typed"]
    assert len(chips) == 2
    text = page.plain_text
    assert "Año: 2008 (en la consulta)" in text and "País sede: excepto Nicaragua (en la consulta)" in text  # the country's name, not the folded form
    assert "Quitar filtros" in text  # the form's own filter keeps its removal links
    assert "no coinciden" not in text


def test_the_search_page_says_when_filters_contradict_each_other(client: FlaskClient) -> None:
    html = client.get("/buscar?" + urlencode({"q": "trata año:2014", "hasta": "2010", "lang": "en"}))
    text = parse_page(html.get_data(as_text=True)).plain_text
    assert "Every filter applies at once, and those on Year disagree with each other." in text
    assert "Year: 2014 (in the query)" in text
