"""What the API refuses and what it reads the right way round, as web/openapi.json says (the fuzz run in
test_openapi_fuzz.py checks the same both ways; these name each rule so a regression reads plainly)."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from archive.archive import entity_query
from archive.glossary import glossary
from index import SearchQuery
from index.query import MAX_QUERY_CHARS, QuerySyntaxError, parse_query
from index.results import validated
from tests.conftest import ROOT
from web.params import MAX_QUERY_CHARS as PAGE_LIMIT

from .conftest import MANAGUA_ID


def refused(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code, response.get_data(as_text=True))
    message = response.get_json()["error"]
    assert message and "ignored" not in message  # a refusal is not worded as a value "ignored"
    return message


@pytest.mark.parametrize("url, name", [
    ("/api/search?q=trata&year_from=2008&year_from=2014", "year_from"),
    ("/api/search?q=trata&year_from[]=2008", "year_from"),
    ("/api/search.csv?q=trata&q=rrocm", "q"),
    ("/api/commitments?year=2014&year=2008", "year"),
    ("/api/participation?body[x]=red", "body"),
    (f"/api/reports/{MANAGUA_ID}/citation?lang=es&lang=en", "lang"),
])
def test_a_documented_parameter_given_twice_or_as_name_brackets_is_refused(client: FlaskClient, url: str,
                                                                          name: str) -> None:
    assert refused(client, url) == f"give {name} once, as one plain value"


@pytest.mark.parametrize("url, name", [
    (f"/api/reports/{MANAGUA_ID}/agreements/1/precedents?limit=8%C2%A0", "limit"),  # seed 3 of the fuzz run
    ("/api/search?q=trata&year_from=2008%20", "year_from"),
    ("/api/search.csv?q=trata&sort=%20date", "sort"),
    ("/api/timeline?q=trata&translate=1%09", "translate"),
    ("/api/commitments?due_after=2020-01-01%20", "due_after"),
    ("/api/commitments?actor=oim%20", "actor"),
    ("/api/participation?year_from=%E2%80%832008", "year_from"),
    (f"/api/reports/{MANAGUA_ID}/citation?lang=es%20", "lang"),
])
def test_a_number_flag_date_or_choice_with_spaces_around_it_is_refused(client: FlaskClient, url: str,
                                                                       name: str) -> None:
    assert refused(client, url) == f"give {name} without spaces around it"


@pytest.mark.parametrize("url", [
    f"/api/reports/{MANAGUA_ID}/agreements/1/precedents?limit=%C2%A0",  # only spaces: the default
    "/api/search?q=%20trata%20&body=%20red%20&country=%20Honduras",  # free text is read stripped
])
def test_blank_values_and_free_text_with_spaces_are_still_read(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("q", ["ANŐ:", "trata año:", "año:abc", "year:20", 'año:""', "trata pais:", 'cuerpo:" "',
                               "-ciudad:", "trata a\u200bño\u200b:"])
def test_a_filter_typed_in_q_without_a_value_is_refused_as_the_document_says(client: FlaskClient, q: str) -> None:
    for path in ("/api/search", "/api/search.csv", "/api/timeline"):
        assert refused(client, f"{path}?{urlencode({'q': q})}").startswith("a filter in q needs a value"), (path, q)


@pytest.mark.parametrize("q", ["trata año:2008", "año:2008..2014", "trata ano:2010..", 'trata año:"2008 - 2014"',
                               'trata pais:"costa rica"', "trata -pais:mexico", "pais trata", "paisaje:trata"])
def test_filters_with_values_are_searched(client: FlaskClient, q: str) -> None:
    assert client.get(f"/api/search?{urlencode({'q': q})}").status_code == 200, q


def test_unknown_parameters_are_still_ignored(client: FlaskClient) -> None:
    assert client.get("/api/search?q=trata&_=1&_=2").status_code == 200


@pytest.mark.parametrize("url", ["/api/search?q=trata&translate=true", "/api/search.csv?q=trata&translate=2",
                                 "/api/timeline?q=trata&translate=yes"])
def test_translate_is_0_or_1(client: FlaskClient, url: str) -> None:
    assert refused(client, url) == "translate must be 0 or 1"
    assert client.get(url.rsplit("=", 1)[0] + "=1").status_code == 200
    assert client.get(url.rsplit("=", 1)[0] + "=").status_code == 200  # empty: the default


@pytest.mark.parametrize("path", [f"/api/reports/{MANAGUA_ID}/citation", f"/api/reports/{MANAGUA_ID}/agreements/1/citation"])
def test_citation_lang_is_es_or_en(client: FlaskClient, path: str) -> None:
    assert "lang must be one of es, en" in refused(client, path + "?lang=fr")
    assert "lang must be one of es, en" in refused(client, path + "?lang=ES-mx")
    spanish, english, default = (client.get(path + q).get_json()["text"] for q in ("?lang=es", "?lang=en", "?lang="))
    assert spanish == default and spanish != english


def test_participation_reads_a_backwards_range_the_right_way_round(client: FlaskClient) -> None:
    backwards = client.get("/api/participation?year_from=2014&year_to=2008")
    assert backwards.status_code == 200
    assert backwards.get_json()["filters"] == {"body": None, "year_from": 2008, "year_to": 2014}
    forwards = client.get("/api/participation?year_from=2008&year_to=2014").get_json()
    assert backwards.get_json() == forwards and len(forwards["meetings"]) == 2


def test_participation_refuses_a_body_longer_than_documented(client: FlaskClient) -> None:
    assert "“body”" in refused(client, "/api/participation?body=" + "x" * 101)
    assert client.get("/api/participation?body=" + "x" * 100).status_code == 200


def test_participation_years_are_ascii_digits(client: FlaskClient) -> None:
    assert "“year_from”" in refused(client, "/api/participation?year_from=٢٠٠٨")


def test_commitments_actor_is_a_glossary_key_and_the_served_document_lists_them(client: FlaskClient) -> None:
    assert "“actor”" in refused(client, "/api/commitments?actor=nadie")
    spec = client.get("/api/openapi.json").get_json()
    actor = next(p for p in spec["paths"]["/api/commitments"]["get"]["parameters"] if p["name"] == "actor")
    keys, blank = actor["schema"]["oneOf"]
    assert keys["enum"] == [e.key for e in glossary().entities] and "pattern" in blank
    for key in keys["enum"][:5]:
        assert client.get(f"/api/commitments?actor={key}").status_code == 200
    # The file in the repository keeps no copy of the keys: the glossary data file is their one home.
    stored = json.loads((ROOT / "web" / "openapi.json").read_text(encoding="utf-8"))
    assert "enum" not in next(p for p in stored["paths"]["/api/commitments"]["get"]["parameters"]
                              if p["name"] == "actor")["schema"]


def test_commitments_status_accepts_the_documented_words(client: FlaskClient) -> None:
    for word in ("overdue", "pending", "vencidos", "pendientes", ""):
        assert client.get(f"/api/commitments?status={word}").status_code == 200
    assert "“status”" in refused(client, "/api/commitments?status=late")


def test_the_core_and_the_document_agree_on_which_letters_a_query_is_searched_by() -> None:
    """A word of one letter or digit of any script, four times: the core (what the CLI and the pages run)
    refuses it exactly when the API's documented pattern does, for every such code point."""
    from web.api import query_rules

    rules = query_rules()
    disagree = []
    for code in range(0x110000):
        word = chr(code) * 4
        if unicodedata.category(word[0])[0] not in "LN":
            continue
        try:
            parse_query(word)
            core_refuses = False
        except QuerySyntaxError:
            core_refuses = True
        if core_refuses != (rules.problem(word, required=False) is not None):
            disagree.append(f"U+{code:04X}")
    assert not disagree, disagree[:20]


@pytest.mark.parametrize("q", ["миграция", "Μεξικό", "墨西哥", "миграция OR тест"])
def test_a_query_with_no_latin_word_gets_the_same_answer_on_every_edge(client: FlaskClient, q: str) -> None:
    with pytest.raises(QuerySyntaxError, match="Latin letters"):
        parse_query(q)  # the CLI's search and timeline
    for path in ("/api/search", "/api/search.csv", "/api/timeline"):
        assert "Latin letters" in refused(client, f"{path}?{urlencode({'q': q})}"), path
    for path in ("/buscar", "/anos"):
        assert "letras latinas" in client.get(f"{path}?{urlencode({'q': q})}").get_data(as_text=True), path
    # A Latin word beside it is searched (and finds nothing with it, as any unknown word).
    assert client.get(f"/api/search?{urlencode({'q': 'trata ' + q})}").get_json()["total"] == 0


def test_a_lone_wildcard_is_refused_for_the_wildcard_everywhere(client: FlaskClient) -> None:
    with pytest.raises(QuerySyntaxError, match="comodín"):
        parse_query("*")
    for path in ("/api/search?q=*", "/api/search.csv?q=*", "/api/timeline?q=*"):
        assert refused(client, path).startswith("a wildcard (* or ?) in q needs 2 letters"), path


@pytest.mark.parametrize("path", ["/api/search?q=trata%FF", "/api/search.csv?q=%C3", "/api/reports?x=%E2%82",
                                  "/api/glossary?q=%80abc", "/api/openapi.json?%FF=1"])
def test_a_query_string_that_is_not_utf8_is_refused_not_searched_as_written(client: FlaskClient, path: str) -> None:
    assert "not valid UTF-8" in refused(client, path)


def test_a_page_asked_with_bytes_that_are_not_utf8_says_so_in_the_ui_language(client: FlaskClient) -> None:
    spanish = client.get("/buscar?q=trata%FF")
    assert spanish.status_code == 400 and "no son UTF-8" in spanish.get_data(as_text=True)
    english = client.get("/buscar?lang=en&q=trata%FF")
    assert english.status_code == 400 and "not UTF-8" in english.get_data(as_text=True)
    accented = client.get("/buscar?q=trat%C3%A1+de+personas")  # UTF-8 percent-encoded, "+" for spaces
    assert accented.status_code == 200 and "tratá de personas" in accented.get_data(as_text=True)


def test_one_query_length_limit_on_every_edge(client: FlaskClient) -> None:
    assert PAGE_LIMIT == MAX_QUERY_CHARS == 500
    validated(SearchQuery("trata " + "x" * (MAX_QUERY_CHARS - 6)))
    with pytest.raises(QuerySyntaxError, match="500"):
        validated(SearchQuery("x" * (MAX_QUERY_CHARS + 1)))  # what the CLI's search runs
    assert "500" in refused(client, "/api/search?" + urlencode({"q": "x" * (MAX_QUERY_CHARS + 1)}))
    # The queries built from data are not a person's typing: every glossary entity's forms still parse.
    for entity in glossary().entities:
        parse_query(entity_query(entity))
