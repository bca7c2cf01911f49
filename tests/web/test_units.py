"""The pure parts of the web layer: strings, dates, charts, grouping, the agreement tree, input parsing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.models import Agreement
from web import charts, i18n, presenters
from web.params import API_PARAMS, MAX_QUERY_CHARS, PAGE_PARAMS, last_page, parse_search
from web.views import content_disposition


# -- strings ---------------------------------------------------------------------------------------------


def test_both_languages_have_the_same_strings_and_plural_shapes() -> None:
    es, en = i18n.STRINGS["es"], i18n.STRINGS["en"]
    assert es.keys() == en.keys()
    for key in es:
        assert type(es[key]) is type(en[key]), key
        placeholders = lambda v: sorted(re.findall(r"{(\w+)}", " ".join(v) if isinstance(v, tuple) else v))
        assert placeholders(es[key]) == placeholders(en[key]), key


@pytest.mark.parametrize(("lang", "key", "n", "expected"), [
    ("es", "results_total", 1, "1 acuerdo encontrado"),
    ("es", "results_total", 2, "2 acuerdos encontrados"),
    ("es", "results_total", 0, "0 acuerdos encontrados"),
    ("es", "results_total", 12345, "12\u00a0345 acuerdos encontrados"),
    ("es", "results_total", 1234, "1234 acuerdos encontrados"),
    ("en", "results_total", 1, "1 agreement found"),
    ("en", "results_total", 12345, "12,345 agreements found"),
    ("xx", "nav_search", None, "Buscar"),
])
def test_translate(lang: str, key: str, n: int | None, expected: str) -> None:
    assert i18n.translate(lang, key, n) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("es", "es"), ("EN", "en"), ("en-US", "en"), ("fr", None), ("", None), (None, None), ("<script>", None),
])
def test_normalize_language(value: str | None, expected: str | None) -> None:
    assert i18n.normalize_language(value) == expected


@pytest.mark.parametrize(("start", "end", "lang", "expected"), [
    (date(2014, 11, 24), None, "es", "24 de noviembre de 2014"),
    (date(2014, 11, 24), None, "en", "November 24, 2014"),
    ("2008-05-06", None, "es", "6 de mayo de 2008"),
    ("2008-05-06", None, "en", "May 6, 2008"),
    (date(1996, 3, 13), date(1996, 3, 14), "es", "13 y 14 de marzo de 1996"),  # two consecutive days
    (date(1996, 3, 13), date(1996, 3, 15), "es", "13 al 15 de marzo de 1996"),
    (date(1996, 3, 13), date(1996, 3, 14), "en", "March 13–14, 1996"),
    (date(2001, 5, 30), date(2001, 6, 1), "es", "30 de mayo al 1 de junio de 2001"),
    (date(2001, 5, 30), date(2001, 6, 1), "en", "May 30 – June 1, 2001"),
    (date(2001, 12, 31), date(2002, 1, 1), "es", "31 de diciembre de 2001 al 1 de enero de 2002"),
    (date(2014, 11, 24), date(2014, 11, 24), "es", "24 de noviembre de 2014"),
    (None, None, "es", None),
    ("not a date", None, "es", None),
])
def test_format_dates(start: object, end: object, lang: str, expected: str | None) -> None:
    assert i18n.format_date_range(start, end, lang) == expected  # type: ignore[arg-type]


def test_citation_matches_the_house_form() -> None:
    body = "Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas"
    assert i18n.citation(body, "Managua", date(2014, 11, 24), "2.d", "es") == (
        f"{body}, Managua, 24 de noviembre de 2014, acuerdo 2.d")
    assert i18n.citation(None, None, None, "preamble", "en", title="Report") == "Report, preamble"


@pytest.mark.parametrize(("message", "lang", "expected"), [
    ("Falta el valor de «año:» / Missing value for «año:».", "es", "Falta el valor de «año:»"),
    ("Falta el valor de «año:» / Missing value for «año:».", "en", "Missing value for «año:»."),
    ("Only one language", "en", "Only one language"),
    ("a / b / c", "es", "a / b / c"),
])
def test_core_message_is_shown_in_one_language(message: str, lang: str, expected: str) -> None:
    assert i18n.core_message(message, lang) == expected


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("grcm", "es", "Grupo Regional de Consulta sobre Migración"),
    ("grcm", "en", "Regional Consultation Group on Migration"),
    ("no_such_body", "es", "no_such_body"),
    (None, "es", None),
])
def test_body_name(key: str | None, lang: str, expected: str | None) -> None:
    assert i18n.body_name(key, lang) == expected


# -- charts ----------------------------------------------------------------------------------------------


def test_chart_has_one_linked_bar_per_year_with_matches_and_gaps_for_the_rest() -> None:
    svg = str(charts.year_bar_chart({2008: 1, 2014: 3, 2010: 0}, lambda y: f"/buscar?desde={y}&hasta={y}",
                                    lambda y, n: f"{y}: {n}", "Por año"))
    assert svg.count('<a class="bar"') == 2
    assert 'href="/buscar?desde=2008&amp;hasta=2008"' in svg  # attribute values are escaped
    assert "<title>2014: 3</title>" in svg and 'aria-label="2014: 3"' in svg
    assert 'role="group"' in svg and "<title id=\"chart-title\">Por año</title>" in svg
    assert "style=" not in svg  # the CSP forbids inline styles; paint comes from style.css
    bars, labelled, _ = charts.layout_bars({2008: 1, 2014: 3}, 400)
    assert bars[1].height > bars[0].height and bars[1].x > bars[0].x
    assert labelled == list(range(2008, 2015))  # 7 slots: every year is labelled


def test_chart_escapes_title_and_labels() -> None:
    svg = str(charts.year_bar_chart({2000: 1}, lambda y: "/x", lambda y, n: "<b>&", "<script>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;&amp;" in svg


def test_empty_chart_is_empty() -> None:
    assert str(charts.year_bar_chart({}, str, lambda y, n: "", "t")) == ""
    assert str(charts.year_bar_chart({2000: 0}, str, lambda y, n: "", "t")) == ""


@given(st.dictionaries(st.integers(1990, 2030), st.integers(0, 100_000), max_size=41))
def test_bars_stay_inside_the_chart(counts: dict[int, int]) -> None:
    width = 800
    bars, labelled, _ = charts.layout_bars(counts, width)
    assert [b.year for b in bars] == sorted(y for y, n in counts.items() if n > 0)
    for bar in bars:
        assert charts.SIDE <= bar.x and bar.x + bar.width <= width - charts.SIDE + 1e-6
        assert bar.height >= 2 and charts.TOP - 1e-6 <= bar.y and bar.y + bar.height <= charts.HEIGHT - charts.BOTTOM + 1e-6
    assert len(labelled) <= charts.MAX_LABELLED_SLOTS + 1


# -- the agreement tree -----------------------------------------------------------------------


def test_agreement_tree_nests_sub_points_and_keeps_orphans() -> None:
    units = [Agreement("preamble", "p"), Agreement("1", "uno"), Agreement("2", "dos"),
             Agreement("2.a", "a", parent="2"), Agreement("2.a.i", "i", parent="2.a"),
             Agreement("3-1", "bullet", parent="3"), Agreement("2.b", "b", parent="2")]
    tree = presenters.agreement_tree(units)
    assert [n.agreement.label for n in tree] == ["preamble", "1", "2", "3-1"]
    two = tree[2]
    assert [c.agreement.label for c in two.children] == ["2.a", "2.b"]
    assert [c.agreement.label for c in two.children[0].children] == ["2.a.i"]


labels = st.lists(st.sampled_from(["1", "2", "2.a", "2.b", "3", "3.a", "3-1", "preamble", "4.a.i"]), max_size=12)


@given(labels, st.lists(st.sampled_from([None, "1", "2", "2.a", "3", "9", "4.a.i"]), min_size=12, max_size=12))
def test_agreement_tree_shows_every_agreement_exactly_once(names: list[str], parents: list[str | None]) -> None:
    units = [Agreement(label, label, parent=parent) for label, parent in zip(names, parents)]

    def walk(nodes: list[presenters.AgreementNode]) -> list[Agreement]:
        return [x for n in nodes for x in (n.agreement, *walk(n.children))]

    assert sorted(map(id, walk(presenters.agreement_tree(units)))) == sorted(map(id, units))


@pytest.mark.parametrize(("city", "country", "expected"), [
    ("Managua", "Nicaragua", "Managua, Nicaragua"),
    ("Ciudad de Guatemala", "Guatemala", "Ciudad de Guatemala"),
    (None, "Honduras", "Honduras"),
    ("Tela", None, "Tela"),
    (None, None, None),
])
def test_place(city: str | None, country: str | None, expected: str | None) -> None:
    assert presenters.place(city, country) == expected


@pytest.mark.parametrize(("city", "country", "lang", "expected"), [
    ("Panamá", "Panamá", "en", "Panamá"),  # the city names the country as written: not "Panamá, Panama"
    ("Ciudad de México", "México", "en", "Ciudad de México"),
    ("Tela", "Honduras", "en", "Tela, Honduras"),
    ("San Pedro Sula", "Honduras", "es", "San Pedro Sula, Honduras"),
    (None, "México", "en", "Mexico"),
    ("Roatán", "República Dominicana", "en", "Roatán, Dominican Republic"),
    ("Atlantis", "Atlántida", "en", "Atlantis, Atlántida"),  # not a country the glossary knows: as given
])
def test_place_names_the_country_in_the_ui_language(city, country, lang, expected) -> None:
    assert presenters.place(city, country, i18n.country_name(country, lang)) == expected


@pytest.mark.parametrize(("label", "lang", "expected"), [
    ("2.d", "es", "acuerdo 2.d"), ("2.d", "en", "agreement 2.d"),
    ("preamble", "es", "preámbulo"), ("preamble", "en", "preamble"),
    ("p3", "es", "párrafo 3"), ("p3-1", "en", "paragraph 3-1"),
])
def test_agreement_name_from_the_catalogue(label: str, lang: str, expected: str) -> None:
    assert i18n.agreement_name(label, lang) == expected
    if label.startswith("p") and label != "preamble":
        assert expected.split()[0] == i18n.STRINGS[lang]["paragraph"]


# -- input parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "query_fields", "problem_keys"), [
    ({}, None, []),
    ({"q": "   "}, None, []),
    ({"q": "rrocm"}, {"text": "rrocm", "page": 1, "sort": "relevance"}, []),
    ({"q": "x", "desde": "2014", "hasta": "2008"}, {"year_from": 2008, "year_to": 2014}, ["error_year_order"]),
    ({"q": "x", "pagina": "-3"}, {"page": 1}, ["error_bad_number"]),
    ({"q": "x", "pagina": "abc"}, {"page": 1}, ["error_bad_number"]),
    ({"q": "x", "pagina": "99999999999999999999"}, {"page": 1}, ["error_bad_number"]),
    ({"q": "x", "pagina": "7"}, {"page": 7}, []),
    ({"q": "x", "desde": "-2014"}, {"year_from": None}, ["error_bad_number"]),
    ({"q": "x", "orden": "date"}, {"sort": "date"}, []),
    ({"q": "x", "orden": "evil"}, {"sort": "relevance"}, ["error_bad_number"]),
    ({"desde": "2008"}, {"text": "", "year_from": 2008}, []),
    ({"idioma": "en"}, {"language": "en"}, []),
    ({"q": "x", "organo": "a" * 500}, {"body": None}, ["error_bad_number"]),
    ({"q": "x" * (MAX_QUERY_CHARS + 1)}, None, ["error_query_too_long"]),
])
def test_parse_page_search(args: dict[str, str], query_fields: dict | None, problem_keys: list[str]) -> None:
    parsed = parse_search(args, PAGE_PARAMS)
    assert [p.key for p in parsed.problems] == problem_keys
    if query_fields is None:
        assert parsed.query is None
    else:
        assert parsed.query is not None
        for name, value in query_fields.items():
            assert getattr(parsed.query, name) == value, name


def test_parse_api_search_uses_api_names_and_bounds_per_page() -> None:
    parsed = parse_search({"q": "x", "lang": "en", "year_from": "2000", "per_page": "50"}, API_PARAMS)
    assert parsed.query is not None and parsed.query.language == "en" and parsed.query.per_page == 50
    assert parse_search({"q": "x", "per_page": "5000"}, API_PARAMS).problems


@pytest.mark.parametrize(("total", "per_page", "expected"), [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2)])
def test_last_page(total: int, per_page: int, expected: int) -> None:
    assert last_page(total, per_page) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("informe.pdf", "attachment; filename=\"informe.pdf\"; filename*=UTF-8''informe.pdf"),
    ("Reunión Tela.pdf", "attachment; filename=\"Reunion Tela.pdf\"; filename*=UTF-8''Reuni%C3%B3n%20Tela.pdf"),
    ('a"b;c\r\nd.txt', "attachment; filename=\"a_b_c__d.txt\"; filename*=UTF-8''a_b_c__d.txt"),
    ("../../etc/passwd", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"),
    ("..\\..\\boot.ini", "attachment; filename=\"boot.ini\"; filename*=UTF-8''boot.ini"),
    ("", "attachment; filename=\"download\"; filename*=UTF-8''download"),
])
def test_content_disposition_is_safe(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


# -- colours ---------------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_meet_wcag_aa() -> None:
    css = (Path(__file__).resolve().parents[2] / "web" / "static" / "style.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    white = "#ffffff"
    pairs = [  # (text, background, minimum): 4.5 for text, 3 for large text and UI boundaries
        (var["ink"], var["paper"], 4.5), (var["muted"], var["paper"], 4.5), (var["muted"], var["wash"], 4.5),
        (var["brand"], var["paper"], 4.5), (var["brand"], var["wash"], 4.5), (white, var["brand"], 4.5),
        (var["ink"], var["mark"], 4.5), (var["ink"], "#fff8db", 4.5), (var["brand"], "#fff8db", 4.5),
        (var["ink"], "#fff4ec", 4.5), (var["bar"], var["paper"], 3), (var["accent"], var["paper"], 3),
        (var["focus"], var["paper"], 3), ("#ffd27a", var["brand"], 3), ("#7b8796", var["paper"], 3),
    ]
    for text, background, minimum in pairs:
        assert contrast(text, background) >= minimum, (text, background, round(contrast(text, background), 2))


@pytest.mark.parametrize(("low", "high", "expected"), [
    (2030, 2030, "2030"), (2008, 2014, "2008–2014"), (2010, None, "2010–"), (None, 2014, "–2014"),
])
def test_a_year_filter_chip_shows_its_range(low: int | None, high: int | None, expected: str) -> None:
    assert presenters.year_range_text(low, high) == expected
